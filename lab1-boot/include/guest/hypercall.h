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

/*
 * The hypervisor passes the five argument registers to its C handler in
 * place (hv/entry.S), and a handler may change its own arguments, so all
 * five may come back changed - Xen's ABI says the same.  Every wrapper
 * therefore lists all five as outputs ("+b" ... or "=S" for one it does
 * not use), but loads only the ones it passes.
 */
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

static inline long _hypercall_3(unsigned long nr, unsigned long a1,
                                unsigned long a2, unsigned long a3)
{
    long ret;
    unsigned long x4, x5;
    __asm__ volatile("int $0x82"
                     : "=a"(ret), "+b"(a1), "+c"(a2), "+d"(a3), "=S"(x4), "=D"(x5)
                     : "0"(nr)
                     : "memory");
    return ret;
}

static inline long _hypercall_0(unsigned long nr)
{
    long ret;
    unsigned long x1, x2, x3, x4, x5;
    __asm__ volatile("int $0x82"
                     : "=a"(ret), "=b"(x1), "=c"(x2), "=d"(x3), "=S"(x4), "=D"(x5)
                     : "0"(nr)
                     : "memory");
    return ret;
}

static inline long _hypercall_1(unsigned long nr, unsigned long a1)
{
    long ret;
    unsigned long x2, x3, x4, x5;
    __asm__ volatile("int $0x82"
                     : "=a"(ret), "+b"(a1), "=c"(x2), "=d"(x3), "=S"(x4), "=D"(x5)
                     : "0"(nr)
                     : "memory");
    return ret;
}

static inline long _hypercall_2(unsigned long nr, unsigned long a1, unsigned long a2)
{
    long ret;
    unsigned long x3, x4, x5;
    __asm__ volatile("int $0x82"
                     : "=a"(ret), "+b"(a1), "+c"(a2), "=d"(x3), "=S"(x4), "=D"(x5)
                     : "0"(nr)
                     : "memory");
    return ret;
}
#define _hypercall0(nr) _hypercall_0((nr))
#define _hypercall1(nr, a) _hypercall_1((nr), (unsigned long)(a))
#define _hypercall2(nr, a, b) _hypercall_2((nr), (unsigned long)(a), (unsigned long)(b))
#define _hypercall3(nr, a, b, c) \
    _hypercall_3((nr), (unsigned long)(a), (unsigned long)(b), (unsigned long)(c))

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
