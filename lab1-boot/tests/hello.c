/*
 * tests/hello.c - the first guest (lab 1): it prints from ring 1 and
 * reports what it finds itself - its privilege level, its start_info, and
 * whether every page of its memory is really there.
 * Exercises: 1 (frames), 2 (ring-1 segments), 4 (builder), 5 (entry).
 */
#include <guest/lib.h>

/* Write a pattern into every page the bootstrap left free, then read it back. */
static unsigned long check_memory(void)
{
    unsigned long base = start_info->pt_base - (start_info->pt_base & 0xFFF);
    unsigned long pfn, bad = 0;
    unsigned long virt_base = (unsigned long)start_info - 0; /* refined below */
    (void)base;

    /* PFN 0 is the lowest page of the image: our link address, 0xC0000000. */
    virt_base = 0xC0000000UL;
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
    report("memory.bad_pages=%lu", check_memory());
    report("shared_info.mask=%u",
           ((shared_info_t *)start_info->shared_info_va)->vcpu_info[0].evtchn_upcall_mask);
    return 0;
}
