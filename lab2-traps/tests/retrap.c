/*
 * tests/retrap.c - a hostile guest (lab 2): it installs the direct
 * system-call gate for int $0x80, then replaces its trap table - first
 * with one whose 0x80 handler is another function, then with one that has
 * no 0x80 handler at all.  The gate is a copy of the old handler in the
 * real IDT: if set_trap_table does not update or remove it, the CPU goes on
 * running the withdrawn handler.  Each handler counts its calls; `int $0x80`
 * is made from ring 1, where the gate (DPL 3) applies as from ring 3.
 * Exercises: 1, 2, 3, 5 (the gate itself, 6, is not needed to pass).
 */
#include <guest/traps.h>

extern char guest_trap_5[], guest_trap_13[];
static volatile unsigned int old_hits, new_hits, gp_hits;

static void on_old(struct trap_frame *f)
{
    (void)f;
    old_hits++;
}

static void on_new(struct trap_frame *f)
{
    (void)f;
    new_hits++;
}

/* int $0x80 with no handler for it is a #GP at the int: step over it. */
static void on_gp(struct trap_frame *f)
{
    gp_hits++;
    f->eip += 2;
}

static void int80(void)
{
    __asm__ volatile("int $0x80" ::: "memory");
}

int main(void)
{
    /* 0x80 now runs guest_trap_5's entry, which calls on_new. */
    static trap_info_t replaced[] = {
        { 13, 0, FLAT_KERNEL_CS, (unsigned long)guest_trap_13 },
        { SYSCALL_VECTOR, 3, FLAT_KERNEL_CS, (unsigned long)guest_trap_5 },
        { 0, 0, 0, 0 },
    };
    /* No handler for 0x80 at all. */
    static trap_info_t dropped[] = {
        { 13, 0, FLAT_KERNEL_CS, (unsigned long)guest_trap_13 },
        { 0, 0, 0, 0 },
    };
    long rc = traps_init();

    report("traps_init=%ld", rc);
    if (rc < 0)
        return 1;
    printf("direct gate: set_fast_trap returned %ld\n", fast_trap_status);
    set_trap_callback(SYSCALL_VECTOR, on_old);
    set_trap_callback(5, on_new);
    set_trap_callback(13, on_gp);

    int80();
    report("first old=%u new=%u gp=%u", old_hits, new_hits, gp_hits);
    rc = HYPERVISOR_set_trap_table(replaced);
    int80();
    report("replaced rc=%ld old=%u new=%u gp=%u", rc, old_hits, new_hits, gp_hits);
    rc = HYPERVISOR_set_trap_table(dropped);
    int80();
    report("dropped rc=%ld old=%u new=%u gp=%u", rc, old_hits, new_hits, gp_hits);
    return 0;
}
