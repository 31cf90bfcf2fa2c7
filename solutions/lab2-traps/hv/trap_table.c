/*
 * hv/trap_table.c - the hypercalls that tell the hypervisor where the
 * guest's handlers and kernel stack are (lab 2, exercises 2 and 5).
 *
 * The paper's point: validate once, when the table is registered, so that
 * delivering an exception later needs no checks.  The one check that
 * matters is that no handler runs in ring 0 - a guest-supplied ring-0
 * selector would hand the guest the machine - and, for Parakeet, that no
 * handler address lies in the hypervisor hole.
 */
#include <hv/bounce.h>
#include <hv/desc.h>
#include <hv/exercise.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <public/arch-x86_32.h>

#define MAX_TRAP_ENTRIES 256

/*
 * A handler selector must be the guest kernel's code segment, FLAT_KERNEL_CS.
 * Never ring 0 - a guest-chosen ring-0 selector would hand it the machine.
 * Not ring 3 either: a bounce delivers to the guest *kernel*, on a ring-1
 * stack, and an `iret` to ring-3 code with a ring-1 stack segment faults -
 * inside the hypervisor, on its way out.  (The cs is compared first, so a
 * guest's selector never indexes past the end of gdt[].)
 */
static int guest_code_selector_ok(uint16_t cs)
{
    return cs == FLAT_KERNEL_CS && gdt_selector_ok(cs, 1, 1);
}

/*
 * Exercise 2: set_trap_table(table).  Read trap_info entries from the guest
 * one at a time (copy_from_guest: -EFAULT if one cannot be read) until one
 * whose address is 0; more than MAX_TRAP_ENTRIES without it: -EINVAL.
 * Refuse the whole table with -EINVAL if any entry has a selector that is
 * not the guest kernel's code segment (guest_code_selector_ok) or a handler address at or
 * above HYPERVISOR_VIRT_START; print one console line saying which entry
 * and why.  Only when all are good, replace the vcpu's trap_ctxt with them.
 */
static long do_set_trap_table(unsigned long table)
{
    //@ begin lab2 ex2: set_trap_table
    static struct trap_bounce_info fresh[256];
    struct domain *d = current->domain;
    unsigned int i;

    memset(fresh, 0, sizeof(fresh));
    for (i = 0;; i++) {
        trap_info_t ti;
        if (i == MAX_TRAP_ENTRIES) {
            printk("d%u: set_trap_table: no terminating entry (address 0) within "
                   "%d entries\n", d->domain_id, MAX_TRAP_ENTRIES);
            return -EINVAL;
        }
        if (copy_from_guest(&ti, table + i * sizeof(ti), sizeof(ti)))
            return -EFAULT;
        if (ti.address == 0)
            break;
        if (!guest_code_selector_ok(ti.cs)) {
            printk("d%u: set_trap_table: entry %u (vector %u): selector %#x is not "
                   "the guest kernel's code segment %#x\n", d->domain_id, i, ti.vector,
                   ti.cs, FLAT_KERNEL_CS);
            return -EINVAL;
        }
        if (ti.address >= HYPERVISOR_VIRT_START) {
            printk("d%u: set_trap_table: entry %u (vector %u): handler %#lx is in "
                   "the hypervisor hole\n", d->domain_id, i, ti.vector, ti.address);
            return -EINVAL;
        }
        fresh[ti.vector].vector = ti.vector;
        fresh[ti.vector].flags = ti.flags;
        fresh[ti.vector].cs = ti.cs;
        fresh[ti.vector].address = ti.address;
    }
    memcpy(current->trap_ctxt, fresh, sizeof(fresh));
    return 0;
    //@ stub
    //@ (void)table; (void)guest_code_selector_ok;
    //@ EXERCISE_TODO(2, 2, "set_trap_table");
    //@ return -ENOSYS;
    //@ end
}
REGISTER_HYPERCALL(__HYPERVISOR_set_trap_table, do_set_trap_table);

/*
 * Exercise 5: stack_switch(ss, esp): the ring-1 stack the guest kernel
 * wants for traps from ring 3.  The selector must be the guest kernel's
 * data segment, RPL 1 (FLAT_KERNEL_SS), and the stack must not start
 * above HYPERVISOR_VIRT_START (frames are pushed below esp, so esp equal
 * to it is the highest legal value): -EINVAL and a console line otherwise.
 * Segment limits would stop the pushes on a real CPU, but QEMU's TCG does
 * not check them - and a hypervisor must not rely on one line of defence.  Record it in v->kernel_ss/kernel_sp, and in the TSS's ring-1
 * stack (init_tss.ss1/esp1), which the CPU itself uses when user code
 * takes the direct system-call gate into ring 1.
 */
static long do_stack_switch(unsigned long ss, unsigned long esp)
{
    //@ begin lab2 ex5: stack_switch
    struct vcpu *v = current;

    if (ss != FLAT_KERNEL_SS) {
        printk("d%u: stack_switch: selector %#lx is not the ring-1 stack segment "
               "%#x\n", v->domain->domain_id, ss, FLAT_KERNEL_SS);
        return -EINVAL;
    }
    if (esp > HYPERVISOR_VIRT_START) {
        printk("d%u: stack_switch: stack pointer %#lx is in the hypervisor hole "
               "(above %#lx)\n", v->domain->domain_id, esp, HYPERVISOR_VIRT_START);
        return -EINVAL;
    }
    v->kernel_ss = ss;
    v->kernel_sp = esp;
    init_tss.ss1 = (uint16_t)ss;
    init_tss.esp1 = esp;
    return 0;
    //@ stub
    //@ (void)ss; (void)esp;
    //@ EXERCISE_TODO(2, 5, "stack_switch");
    //@ return -ENOSYS;
    //@ end
}
REGISTER_HYPERCALL(__HYPERVISOR_stack_switch, do_stack_switch);
