/*
 * tests/hello.c - the first guest (lab 1): it prints from ring 1 and
 * reports what it finds itself - its privilege level, its start_info,
 * whether its own image arrived intact, whether its mfn_list agrees with
 * its page tables, and whether every page of its memory is really there
 * (and zeroed: no other domain's old data).
 * Exercises: 1 (frames), 2 (ring-1 segments), 4 (builder), 5 (entry).
 */
#include <guest/lib.h>

#define VIRT_BASE 0xC0000000UL  /* pfn 0: our link address (guest.ld) */

/*
 * Where our two loadable segments' file bytes are and their FNV-1a sums:
 * { text va, text bytes, text sum, data va, data bytes, data sum }.
 * Written into hello.elf after linking by tests/imagesum.py, which counts
 * this array and start_info (the only words written before main) as zeros.
 * Initialised non-zero so that it lives in .data, inside the image.
 */
uint32_t image_sums[6] = { 0xFFFFFFFFu };

static unsigned long read_eflags(void)
{
    unsigned long f;
    __asm__ volatile("pushfl; popl %0" : "=r"(f));
    return f;
}

static uint32_t fnv1a(uint32_t h, uint32_t va, uint32_t len)
{
    uint32_t skip0 = (uint32_t)image_sums, skip1 = (uint32_t)&start_info;
    for (; len; va++, len--) {
        int skipped = (va >= skip0 && va < skip0 + sizeof(image_sums)) ||
                      (va >= skip1 && va < skip1 + sizeof(start_info));
        h = (h ^ (skipped ? 0 : *(const uint8_t *)va)) * 16777619u;
    }
    return h;
}

/*
 * Is our image what the ELF file holds?  Text and data byte for byte, and
 * the bss (from the end of the data's file bytes to _end) all zero.  Call
 * it first thing: nothing but start_info has been written yet.
 */
static const char *check_image(void)
{
    extern char _end[];
    uint32_t va;

    if (image_sums[0] == 0xFFFFFFFFu)
        return "unstamped (tests/imagesum.py did not run)";
    if (fnv1a(2166136261u, image_sums[0], image_sums[1]) != image_sums[2])
        return "text changed";
    if (fnv1a(2166136261u, image_sums[3], image_sums[4]) != image_sums[5])
        return "data changed";
    for (va = image_sums[3] + image_sums[4]; va < (uint32_t)_end; va++)
        if (*(const uint8_t *)va)
            return "bss not zero";
    return "ok";
}

/*
 * Does mfn_list agree with our page tables?  For every pfn (and the
 * shared_info page after them) walk the page directory at pt_base: the
 * PDE names an L1 table, which must be one of the bootstrap page-table
 * frames (pt_base's pfn + 1 .., by mfn_list); its PTE for the pfn must
 * name mfn_list[pfn].  The list spans several pages that need not be
 * machine-contiguous, so each must have been written through its own
 * mapping.  A pfn of the bootstrap (below first_free_pfn) may be left
 * unmapped, as a guard page; every other pfn must be mapped.  Returns how
 * many pfns disagree.
 */
static unsigned long check_mfn_list(void)
{
    const unsigned long *list = (const unsigned long *)start_info->mfn_list;
    const uint32_t *pd = (const uint32_t *)start_info->pt_base;
    unsigned long pd_pfn = (start_info->pt_base - VIRT_BASE) >> 12;
    unsigned long pfn, i, bad = 0;

    for (pfn = 0; pfn <= start_info->nr_pages; pfn++) {
        unsigned long va = VIRT_BASE + (pfn << 12), want, l1_mfn;
        const uint32_t *l1 = NULL;

        want = pfn < start_info->nr_pages ? list[pfn] : start_info->shared_info >> 12;
        if (!(pd[va >> 22] & 1)) {
            bad++;
            continue;
        }
        l1_mfn = pd[va >> 22] >> 12;
        for (i = 1; i < start_info->nr_pt_frames; i++)
            if (pd_pfn + i < start_info->nr_pages && list[pd_pfn + i] == l1_mfn)
                l1 = (const uint32_t *)(start_info->pt_base + (i << 12));
        if (l1 && !(l1[(va >> 12) & 1023] & 1) && pfn < start_info->first_free_pfn)
            continue; /* a guard page */
        if (!l1 || !(l1[(va >> 12) & 1023] & 1) || l1[(va >> 12) & 1023] >> 12 != want)
            bad++;
    }
    return bad;
}

/*
 * Is every word of the page at p zero?  OR all 1024 together, eight a
 * step: about an instruction and a half a word.  This check reads every
 * free page of every hello guest (3 M words in lab 1's boot test), so
 * its speed is every boot's: a C loop that tested word by word was seven
 * instructions a word, two thirds of such a test's; `repe scasl` was one,
 * but QEMU (under -icount) runs a `rep` one repetition at a time, 5 ns
 * each against about 1 ns for a plain load (measured: 128 MB read in
 * 200 ms against 64 ms), and on Bochs the two cost the same.
 */
static int page_is_zero(const unsigned long *p)
{
    unsigned long acc = 0;
    unsigned int i;

    for (i = 0; i < 1024; i += 8)
        acc |= p[i] | p[i + 1] | p[i + 2] | p[i + 3] | p[i + 4] | p[i + 5] | p[i + 6] |
               p[i + 7];
    return acc == 0;
}

/* How many pages the bootstrap left free are not all zero? */
static unsigned long count_dirty_pages(void)
{
    unsigned long pfn, dirty = 0;

    for (pfn = start_info->first_free_pfn; pfn < start_info->nr_pages; pfn++)
        dirty += !page_is_zero((const unsigned long *)(VIRT_BASE + pfn * 4096));
    return dirty;
}

/* Write a pattern into every page the bootstrap left free, then read it back. */
static unsigned long check_memory(void)
{
    unsigned long pfn, bad = 0;
    const unsigned long virt_base = VIRT_BASE;

    for (pfn = start_info->first_free_pfn; pfn < start_info->nr_pages; pfn++) {
        volatile unsigned long *p = (unsigned long *)(virt_base + pfn * 4096);
        p[0] = pfn ^ 0x5A5A5A5AUL;
        p[1023] = ~pfn;
    }
    for (pfn = start_info->first_free_pfn; pfn < start_info->nr_pages; pfn++) {
        volatile unsigned long *p = (unsigned long *)(virt_base + pfn * 4096);
        if (p[0] != (pfn ^ 0x5A5A5A5AUL) || p[1023] != ~pfn)
            bad++;
    }
    return bad;
}

int main(void)
{
    const char *image = check_image();  /* first: before we write anything */
    unsigned int cs = read_segment(cs), ss = read_segment(ss);
    const char *name = cmdline_option("name");

    printf("Hello from ring %u, domain %u%s%s\n", cs & 3,
           (unsigned)start_info->domid, name ? ", name " : "", name ? name : "");
    report("cs.rpl=%u", cs & 3);
    report("ss.rpl=%u", ss & 3);
    report("magic=%s", start_info->magic);
    report("domid=%u", (unsigned)start_info->domid);
    report("nr_pages=%lu", start_info->nr_pages);
    report("cmdline=%s", (const char *)start_info->cmd_line);
    report("privileged=%u", (start_info->flags & SIF_PRIVILEGED) ? 1 : 0);
    report("eflags.if=%lu", (read_eflags() >> 9) & 1);
    report("image=%s", image);
    report("mfn_list.bad=%lu", check_mfn_list());
    report("memory.dirty_pages=%lu", count_dirty_pages());
    report("memory.bad_pages=%lu", check_memory());
    report("shared_info.mask=%u",
           ((shared_info_t *)start_info->shared_info_va)->vcpu_info[0].evtchn_upcall_mask);
    return 0;
}
