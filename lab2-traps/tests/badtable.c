/*
 * tests/badtable.c - set_trap_table, stack_switch and set_fast_trap refuse
 * what they must (lab 2).  Each call's return value is reported; a good
 * table afterwards still works, a refused table changes nothing, and a
 * new table replaces the old one entirely (a vector it leaves out has no
 * handler: the last int3 ends the domain).  Exercises: 2, 5, 6.
 */
#include <guest/traps.h>

/* The hypervisor's own selectors (hv/desc.h), which a guest must never use. */
#define RING0_CS 0xe008 /* __HYPERVISOR_CS */
#define RING0_DS 0xe010 /* __HYPERVISOR_DS */
/* Xen 2.0's FLAT_RING1_CS: in Xen 3.0's GDT an empty entry of the guest's own pages. */
#define XEN2_RING1_CS 0x0819

extern char guest_trap_3[], guest_trap_4[], guest_trap_14[];
static trap_info_t big[300];
static volatile int int3_seen, wrong_handler;

static void on_int3(struct trap_frame *f)
{
    (void)f;
    int3_seen++;
}

static void on_wrong(struct trap_frame *f)
{
    (void)f;
    wrong_handler++;
}

/*
 * A table whose last entry ends exactly where our mappings end: the page
 * after our memory is shared_info (mapped), the one after that nothing.
 */
static long table_running_off_the_end(void)
{
    unsigned long end = start_info->shared_info_va + 4096UL;
    trap_info_t *t = (trap_info_t *)(end - 2 * sizeof(trap_info_t));
    t[0] = (trap_info_t){ 3, 3, FLAT_KERNEL_CS, (unsigned long)guest_trap_3 };
    t[1] = (trap_info_t){ 4, 3, FLAT_KERNEL_CS, (unsigned long)guest_trap_3 };
    return HYPERVISOR_set_trap_table(t);
}

int main(void)
{
    trap_info_t t[2] = { { 3, 3, FLAT_KERNEL_CS, (unsigned long)guest_trap_3 },
                         { 0, 0, 0, 0 } };
    unsigned int i;

    t[0].cs = RING0_CS; /* the hypervisor's ring-0 code segment */
    report("ring0_selector=%ld", HYPERVISOR_set_trap_table(t));
    t[0].cs = XEN2_RING1_CS;
    report("xen2_selector=%ld", HYPERVISOR_set_trap_table(t));
    t[0].cs = FLAT_KERNEL_CS;
    t[0].address = 0xFC100000UL;
    report("handler_in_hole=%ld", HYPERVISOR_set_trap_table(t));
    t[0].address = (unsigned long)guest_trap_3;
    t[0].cs = FLAT_USER_CS; /* a ring-3 handler for a kernel-stack bounce */
    report("ring3_selector=%ld", HYPERVISOR_set_trap_table(t));
    t[0].cs = 0xFFF9; /* far past the end of the GDT */
    report("selector_past_gdt=%ld", HYPERVISOR_set_trap_table(t));
    t[0].cs = FLAT_KERNEL_CS;
    t[0].address = 0xFC100000UL;
    report("unmapped_pointer=%ld", HYPERVISOR_set_trap_table((trap_info_t *)0xB0000000UL));
    report("pointer_in_hole=%ld", HYPERVISOR_set_trap_table((trap_info_t *)0xFC100000UL));
    for (i = 0; i < 300; i++)
        big[i] = (trap_info_t){ (uint8_t)i, 0, FLAT_KERNEL_CS, (unsigned long)guest_trap_3 };
    report("unterminated=%ld", HYPERVISOR_set_trap_table(big));
    report("runs_off_the_end=%ld", table_running_off_the_end());
    report("stack_switch_ring0=%ld", HYPERVISOR_stack_switch(RING0_DS, 0xC0001000UL));
    report("stack_switch_in_hole=%ld", HYPERVISOR_stack_switch(FLAT_KERNEL_SS, 0xFC104000UL));
    report("stack_switch_code_selector=%ld", HYPERVISOR_stack_switch(FLAT_KERNEL_CS, 0xC0001000UL));
    /* Frames are pushed below esp: the very top of guest memory is legal. */
    report("stack_switch_top=%ld", HYPERVISOR_stack_switch(FLAT_KERNEL_SS, 0xFC000000UL));
    /*
     * set_fast_trap needs a handler for the vector: give the reserved
     * vectors one, so that only their being reserved can refuse them.
     */
    {
        trap_info_t h[5] = { { 14, 0, FLAT_KERNEL_CS, (unsigned long)guest_trap_14 },
                             { 0x20, 3, FLAT_KERNEL_CS, (unsigned long)guest_trap_3 },
                             { 0x2F, 3, FLAT_KERNEL_CS, (unsigned long)guest_trap_3 },
                             { 0x82, 3, FLAT_KERNEL_CS, (unsigned long)guest_trap_3 },
                             { 0, 0, 0, 0 } };
        report("handlers_for_reserved_vectors=%ld", HYPERVISOR_set_trap_table(h));
    }
    report("fast_trap_hypercall_vector=%ld", HYPERVISOR_set_fast_trap(0x82));
    report("fast_trap_exception_vector=%ld", HYPERVISOR_set_fast_trap(14));
    report("fast_trap_irq_vector=%ld", HYPERVISOR_set_fast_trap(0x20));
    report("fast_trap_last_irq_vector=%ld", HYPERVISOR_set_fast_trap(0x2F));
    report("fast_trap_no_handler=%ld", HYPERVISOR_set_fast_trap(0x90));

    /* After all that, a good table works. */
    t[0].address = (unsigned long)guest_trap_3;
    set_trap_callback(3, on_int3);
    report("valid=%ld", HYPERVISOR_set_trap_table(t));
    __asm__ volatile("int3" ::: "memory");
    report("int3_seen=%d", int3_seen);

    /*
     * A refused table changes nothing: its first entry (int3 to another
     * handler) is good, its second is not.  int3 must still reach on_int3.
     */
    {
        trap_info_t r[3] = { { 3, 3, FLAT_KERNEL_CS, (unsigned long)guest_trap_4 },
                             { 4, 3, RING0_CS, (unsigned long)guest_trap_4 },
                             { 0, 0, 0, 0 } };
        set_trap_callback(4, on_wrong);
        report("refused_after_a_good_entry=%ld", HYPERVISOR_set_trap_table(r));
        __asm__ volatile("int3" ::: "memory");
        report("after_refusal int3_seen=%d wrong_handler=%d", int3_seen, wrong_handler);

        /* A good table replaces the whole old one: vector 3 is now unset. */
        r[0] = (trap_info_t){ 4, 3, FLAT_KERNEL_CS, (unsigned long)guest_trap_4 };
        r[1] = (trap_info_t){ 0, 0, 0, 0 };
        report("replacing_table=%ld", HYPERVISOR_set_trap_table(r));
        __asm__ volatile("int3" ::: "memory");
        report("old_handler_survived=1"); /* must not be reached */
    }
    return 0;
}
