/*
 * tests/m2pread.c - a guest reads the machine-to-phys table, then writes it
 * (lab 1).
 *
 * The hypervisor maps its m2p table read-only at MACH2PHYS_VIRT_START in
 * every address space, and the guest segments reach it (they end at
 * MACH2PHYS_VIRT_END - 1, as in Xen 3.0).  Read: for every pfn of ours,
 * the entry of its machine frame (mfn_list[pfn]) must be that pfn; and
 * the byte just below MACH2PHYS_VIRT_END is inside our data segment.
 * Write: storing into our first frame's entry must fault - a page fault
 * (vector 14, error 0x3: present page, write, supervisor) at that
 * address, because the mapping is read-only and CR0.WP binds ring 1.  In
 * lab 1 no guest handler exists: the domain is destroyed naming the
 * fault.  (lab 2's m2p-fault test catches it in the guest's handler.)
 */
#include <guest/lib.h>

int main(void)
{
    const volatile unsigned long *m2p = (const volatile unsigned long *)MACH2PHYS_VIRT_START;
    const unsigned long *mfn_list = (const unsigned long *)start_info->mfn_list;
    volatile unsigned long *entry;
    unsigned long pfn, bad = 0, limit;
    extern char m2p_write[];

    for (pfn = 0; pfn < start_info->nr_pages; pfn++)
        if (m2p[mfn_list[pfn]] != pfn)
            bad++;
    report("m2p.read pages=%lu bad=%lu", start_info->nr_pages, bad);

    /* lsl: the limit of our data segment, as the processor sees it. */
    __asm__("lsl %1, %0" : "=r"(limit) : "r"((unsigned long)FLAT_KERNEL_DS));
    report("m2p.ds_limit=%#lx", limit);

    entry = (volatile unsigned long *)&m2p[mfn_list[0]];
    report("m2p.write at=%#lx eip=%#lx", (unsigned long)entry, (unsigned long)m2p_write);
    __asm__ volatile(".globl m2p_write\nm2p_write: movl $0, (%0)"
                     : : "r"(entry) : "memory");
    report("m2p.write survived entry=%#lx", *entry);
    return 0;
}
