/*
 * hv/guest_access.h - reading and writing guest memory safely (lab 1).
 *
 * Every pointer a guest passes is untrusted.  These run in the guest's
 * address space (its %cr3 is loaded) and
 *   - refuse any range that wraps or reaches HYPERVISOR_VIRT_START, because
 *     the hypervisor itself can write there and the guest must not be able
 *     to make it;
 *   - survive an unmapped or read-only address: the copy instruction is in
 *     the exception-fixup table, so a page fault ends the copy instead of
 *     panicking the hypervisor.
 * They return the number of bytes NOT copied (0 on success), like Linux's
 * copy_from_user.
 *
 * The copy is a `rep movsl` of whole words, then a `rep movsb` of the 0-3
 * bytes left (a byte copy costs four times the instructions).  If either
 * faults (the guest passed an unmapped or read-only address), trap_dispatch
 * finds the instruction's address in the exception table and resumes at
 * its fixup instead, with %ecx holding what was left to copy: words (the
 * fixup turns them into bytes and adds the tail) or bytes.  That is what
 * we return - possibly up to 3 bytes more than a byte copy would have
 * managed, which no caller minds: any shortfall is a failure.
 */
#ifndef HV_GUEST_ACCESS_H
#define HV_GUEST_ACCESS_H

#include <stddef.h>
#include <hv/config.h>

/*
 * All three are inline: they are on every hypercall that takes a pointer,
 * and for the usual constant `len` the compiler reduces a copy to a check,
 * a `rep movsl` of len / 4 words and no byte loop at all.
 */

/* The range [addr, addr+len) is entirely below the hypervisor hole. */
static inline int guest_range_ok(unsigned long addr, size_t len)
{
    return addr < HYPERVISOR_VIRT_START &&
           len <= HYPERVISOR_VIRT_START - addr; /* also catches wrap-around */
}

/*
 * Copy len bytes, whole words first, then the tail bytes; return how many
 * were NOT copied.  The two copy instructions are in the exception table
 * (__ex_table): a page fault on either jumps to a fixup that computes
 * what is left, instead of panicking the hypervisor.
 */
static inline size_t raw_copy_guest(void *to, const void *from, size_t len)
{
    size_t left = len / 4;
    size_t tail = len % 4;
    void *d0, *d1;

    __asm__ volatile(
        "1:     rep movsl\n"
        "2:\n"
        "       .section .fixup, \"ax\"\n"
        "3:     lea (%[tail], %%ecx, 4), %%ecx\n" /* words left * 4 + tail */
        "       jmp 2b\n"
        "       .previous\n"
        "       .section __ex_table, \"a\"\n"
        "       .long 1b, 3b\n"
        "       .previous\n"
        : "+c"(left), "=D"(d0), "=S"(d1)
        : "1"(to), "2"(from), [tail] "r"(tail)
        : "memory");
    if (left || !tail)          /* a fault among the words, or no tail */
        return left;
    __asm__ volatile(
        "1:     rep movsb\n"       /* a fault here leaves %ecx right */
        "2:\n"
        "       .section __ex_table, \"a\"\n"
        "       .long 1b, 2b\n"
        "       .previous\n"
        : "+c"(tail), "+D"(d0), "+S"(d1)
        :
        : "memory");
    return tail;
}

static inline size_t copy_from_guest(void *to, unsigned long from, size_t len)
{
    if (!guest_range_ok(from, len))
        return len;
    return raw_copy_guest(to, (const void *)from, len);
}

static inline size_t copy_to_guest(unsigned long to, const void *from, size_t len)
{
    if (!guest_range_ok(to, len))
        return len;
    return raw_copy_guest((void *)to, from, len);
}

#endif /* HV_GUEST_ACCESS_H */
