/*
 * hv/selftest.c - checks the hypervisor runs on itself (lab 1, given).
 *
 *  - integrity: a checksum of everything from _start to _erodata (the
 *    Multiboot page as the direct map sees it at 0xFC500000, code,
 *    constants and the registration tables), taken at boot and compared
 *    each time a domain ends.  If a guest ever wrote into the hypervisor
 *    (the segment-limit test writes at 0xFC500000), this catches it - on
 *    QEMU too, which does not enforce segment limits.
 *  - usable frames: how many frames exercise 1 should put on the free
 *    list, counted here with the same rule as the frames self-test, so
 *    the boot test can check the allocator's exact free count.
 *  - selftest=frames on the hypervisor command line: take every free
 *    frame, check that none is below 1 MiB, inside the hypervisor image, a
 *    module or a non-RAM region, or handed out twice; give them all back;
 *    check the free count is what it was.  It checks exercise 1.
 */
#include <hv/init.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/multiboot.h>

extern char _start[], _erodata[];
static uint32_t integrity_sum;

/*
 * FNV-1a over 32-bit words: simple, and any changed byte changes the sum
 * (each step, xor then multiply by an odd number, is a one-to-one map of
 * the running sum, so two images that differ in one word never meet
 * again).  A word at a time, because it runs at boot and whenever a
 * domain ends: byte by byte it cost about 340 000 instructions a time.
 * _start is page-aligned and _erodata word-aligned (hv.ld), so words
 * cover the image exactly.
 */
static uint32_t checksum(const uint32_t *p, const uint32_t *end)
{
    uint32_t h = 2166136261u;
    for (; p < end; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

void integrity_init(void)
{
    integrity_sum = checksum((uint32_t *)_start, (uint32_t *)_erodata);
}

/* Returns 1 if the hypervisor's text and read-only data are unchanged. */
int integrity_check(void)
{
    uint32_t now = checksum((uint32_t *)_start, (uint32_t *)_erodata);
    if (now != integrity_sum) {
        printk("INTEGRITY: hypervisor text/rodata changed (checksum %#x, was %#x)\n",
               now, integrity_sum);
        result("integrity broken");
        return 0;
    }
    result("integrity ok");
    return 1;
}

/* Why is this frame never allowed to be handed out?  NULL if it is fine. */
static const char *frame_must_not_be_free(unsigned long mfn)
{
    unsigned long pa = mfn << PAGE_SHIFT, end = pa + PAGE_SIZE;
    const struct boot_info *bi = &boot_info;
    unsigned int i;
    int in_ram = 0;

    if (pa < (1UL << 20))
        return "below 1 MiB";
    if (pa < bi->hv_end && end > bi->hv_start)
        return "inside the hypervisor image";
    for (i = 0; i < bi->nr_modules; i++)
        if (pa < bi->modules[i].end && end > bi->modules[i].start)
            return "inside a module";
    for (i = 0; i < bi->nr_memmap; i++) {
        const struct memmap_region *r = &bi->memmap[i];
        int overlaps = pa < r->addr + r->len && end > r->addr;
        if (overlaps && r->type != E820_RAM)
            return "inside a reserved region";
        if (pa >= r->addr && end <= r->addr + r->len && r->type == E820_RAM)
            in_ram = 1;
    }
    return in_ram ? NULL : "not RAM";
}

/*
 * The rule above looks at a frame only by comparing its first and last
 * byte with a few addresses: 1 MiB, the ends of the image, of each module
 * and of each memory-map region.  An address a can change an answer only
 * at frame a / PAGE_SIZE (where "end > a" starts to hold) or at the frame
 * a rounds up to (where "pa < a" stops holding).  The first such frame
 * after mfn, as seen from one address: */
static unsigned long next_change(unsigned long next, unsigned long mfn, uint64_t a)
{
    uint64_t down = a >> PAGE_SHIFT, up = (a + PAGE_SIZE - 1) >> PAGE_SHIFT;

    if (down > mfn && down < next)
        next = (unsigned long)down;
    if (up > mfn && up < next)
        next = (unsigned long)up;
    return next;
}

/* The first frame after mfn (at most MAX_FRAMES) whose answer may differ. */
static unsigned long next_boundary(unsigned long mfn)
{
    const struct boot_info *bi = &boot_info;
    unsigned long next = MAX_FRAMES;
    unsigned int i;

    next = next_change(next, mfn, 1UL << 20);
    next = next_change(next, mfn, bi->hv_start);
    next = next_change(next, mfn, bi->hv_end);
    for (i = 0; i < bi->nr_modules; i++) {
        next = next_change(next, mfn, bi->modules[i].start);
        next = next_change(next, mfn, bi->modules[i].end);
    }
    for (i = 0; i < bi->nr_memmap; i++) {
        next = next_change(next, mfn, bi->memmap[i].addr);
        next = next_change(next, mfn, bi->memmap[i].addr + bi->memmap[i].len);
    }
    return next;
}

/*
 * How many frames below MAX_FRAMES may be handed out (exercise 1's free
 * count).  Between two boundaries every frame gets the same answer, so
 * the rule is asked once per stretch of frames, not once per frame: a
 * frame at a time, this cost 3.4 million instructions at every boot
 * (14 336 frames, each against every region).  tests/unit/test_selftest.c
 * compares the two ways on random memory maps.
 */
unsigned long count_usable_frames(void)
{
    unsigned long mfn, next, n = 0;

    for (mfn = 0; mfn < MAX_FRAMES; mfn = next) {
        next = next_boundary(mfn);
        if (!frame_must_not_be_free(mfn))
            n += next - mfn;
    }
    return n;
}

static void selftest_frames(void)
{
    static uint32_t taken[MAX_FRAMES / 32];
    unsigned long before = nr_free_frames(), n = 0, bad = 0, dup = 0;
    unsigned long mfn;

    while ((mfn = alloc_frame()) != INVALID_MFN) {
        const char *why = mfn < MAX_FRAMES ? frame_must_not_be_free(mfn)
                                           : "beyond the direct map";
        if (why) {
            if (bad++ < 5)
                printk("selftest frames: frame %#lx was handed out but is %s\n",
                       mfn, why);
            if (mfn >= MAX_FRAMES)
                continue;
        }
        if (taken[mfn / 32] & (1U << (mfn % 32))) {
            if (dup++ < 5)
                printk("selftest frames: frame %#lx handed out twice\n", mfn);
            continue;
        }
        taken[mfn / 32] |= 1U << (mfn % 32);
        n++;
    }
    for (mfn = 0; mfn < MAX_FRAMES; mfn++)
        if (taken[mfn / 32] & (1U << (mfn % 32)))
            free_frame(mfn);
    printk("selftest frames: %lu frames allocated, %lu bad, %lu twice, "
           "%lu free before and %lu after\n", n, bad, dup, before,
           nr_free_frames());
    result("selftest frames allocated=%lu bad=%lu duplicates=%lu free_before=%lu "
           "free_after=%lu", n, bad, dup, before, nr_free_frames());
}

void run_selftests(void)
{
    const char *which = hv_cmdline_option("selftest");

    if (!which)
        return;
    if (!strcmp(which, "frames"))
        selftest_frames();
    else
        printk("selftest=%s: unknown self-test (known: frames)\n", which);
}
