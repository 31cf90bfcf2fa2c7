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

/* FNV-1a: simple, and any changed byte changes the sum. */
static uint32_t checksum(const uint8_t *p, const uint8_t *end)
{
    uint32_t h = 2166136261u;
    for (; p < end; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

void integrity_init(void)
{
    integrity_sum = checksum((uint8_t *)_start, (uint8_t *)_erodata);
}

/* Returns 1 if the hypervisor's text and read-only data are unchanged. */
int integrity_check(void)
{
    uint32_t now = checksum((uint8_t *)_start, (uint8_t *)_erodata);
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

/* How many frames below MAX_FRAMES may be handed out (exercise 1's free count). */
unsigned long count_usable_frames(void)
{
    unsigned long mfn, n = 0;

    for (mfn = 0; mfn < MAX_FRAMES; mfn++)
        n += !frame_must_not_be_free(mfn);
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
