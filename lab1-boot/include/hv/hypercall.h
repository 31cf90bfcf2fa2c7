/*
 * hv/hypercall.h - the hypercall table (lab 1).
 *
 * A guest kernel executes `int $0x82` with the hypercall number in %eax and
 * up to five arguments in %ebx %ecx %edx %esi %edi; the result goes back in
 * %eax.  Each lab registers its hypercalls with REGISTER_HYPERCALL; when two
 * labs register the same number the higher lab wins (lab 3's full sched_op
 * replaces lab 1's shutdown-only one).
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include <hv/x86.h>
#include <public/errno.h>
#include <public/xen.h>

typedef long (*hypercall_fn_t)(unsigned long a1, unsigned long a2,
                               unsigned long a3, unsigned long a4,
                               unsigned long a5);

struct hypercall_entry {
    unsigned int nr;
    unsigned int lab;
    hypercall_fn_t fn;
    const char *name;
};

/*
 * A handler may declare fewer than five parameters.  In the i386 C calling
 * convention the caller pushes and pops the arguments, so a callee simply
 * never looks at the extra ones (Xen's table relies on the same).  The cast
 * through void (*)(void) tells GCC this is deliberate.
 */
#define REGISTER_HYPERCALL(nr, labno, fn)                                   \
    static const struct hypercall_entry __hypercall_##fn                    \
        __attribute__((used, section(".hypercalls"))) = {                   \
            (nr), (labno), (hypercall_fn_t)(void (*)(void))(fn), #fn }

void do_hypercall(struct cpu_user_regs *regs);
const char *hypercall_name(unsigned int nr);
const struct hypercall_entry *hypercall_lookup(unsigned int nr);

#endif /* HV_HYPERCALL_H */
