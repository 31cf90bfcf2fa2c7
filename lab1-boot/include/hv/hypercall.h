/*
 * hv/hypercall.h - the hypercall table (lab 1).
 *
 * A guest kernel executes `int $0x82` with the hypercall number in %eax and
 * up to five arguments in %ebx %ecx %edx %esi %edi; the result goes back in
 * %eax.  Each lab registers its hypercalls with REGISTER_HYPERCALL(nr, fn)
 * (hv/hooks.h); when two labs register the same number the higher lab wins
 * (lab 3's full sched_op replaces lab 1's shutdown-only one).
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include <hv/hooks.h>
#include <hv/x86.h>
#include <public/errno.h>
#include <public/xen.h>

void do_hypercall(struct cpu_user_regs *regs);
/* What hv/entry.S's hypercall_entry calls: the handler of every number,
 * do_ni_hypercall (-ENOSYS) where no lab registered one. */
extern hypercall_fn_t hypercall_fns[NR_HYPERCALLS];
const char *hypercall_name(unsigned int nr);
const struct hypercall_entry *hypercall_lookup(unsigned int nr);
/* The `tables` option: the resolved hypercall table (hv/hypercall.c). */
void print_hypercall_table(void);

#endif /* HV_HYPERCALL_H */
