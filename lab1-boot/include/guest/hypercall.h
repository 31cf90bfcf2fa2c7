/*
 * guest/hypercall.h - how a guest kernel calls the hypervisor (lab 1).
 *
 * `int $0x82` with the hypercall number in %eax and the arguments in %ebx,
 * %ecx, %edx, %esi, %edi; the result comes back in %eax (0, a value, or a
 * negative errno).  The gate has DPL 1: only the guest kernel (ring 1) may
 * use it; from ring 3 the same instruction raises #GP.
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <public/errno.h>
#include <public/xen.h>

static inline long _hypercall5(unsigned long nr, unsigned long a1,
                               unsigned long a2, unsigned long a3,
                               unsigned long a4, unsigned long a5)
{
    long ret;
    __asm__ volatile("int $0x82"
                     : "=a"(ret), "+b"(a1), "+c"(a2), "+d"(a3), "+S"(a4), "+D"(a5)
                     : "0"(nr)
                     : "memory");
    return ret;
}
#define _hypercall0(nr) _hypercall5((nr), 0, 0, 0, 0, 0)
#define _hypercall1(nr, a) _hypercall5((nr), (unsigned long)(a), 0, 0, 0, 0)
#define _hypercall2(nr, a, b) \
    _hypercall5((nr), (unsigned long)(a), (unsigned long)(b), 0, 0, 0)
#define _hypercall3(nr, a, b, c) \
    _hypercall5((nr), (unsigned long)(a), (unsigned long)(b), (unsigned long)(c), 0, 0)

static inline long HYPERVISOR_console_io(int cmd, int count, const char *buf)
{
    return _hypercall3(__HYPERVISOR_console_io, cmd, count, buf);
}

/* sched_op(cmd, arg): for SCHEDOP_shutdown, arg is the reason (SHUTDOWN_*). */
static inline long HYPERVISOR_sched_op(int cmd, unsigned long arg)
{
    return _hypercall2(__HYPERVISOR_sched_op, cmd, arg);
}

/* Parakeet: a line for the grader's result channel. */
static inline long HYPERVISOR_test_report(const char *line, unsigned long len)
{
    return _hypercall2(__HYPERVISOR_test_report, line, len);
}

#endif /* GUEST_HYPERCALL_H */
