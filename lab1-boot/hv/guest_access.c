/*
 * hv/guest_access.c - copy_from_guest / copy_to_guest (lab 1, given).
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
#include <hv/config.h>
#include <hv/guest_access.h>

/* The range [addr, addr+len) is entirely below the hypervisor hole. */
int guest_range_ok(unsigned long addr, size_t len)
{
    return addr < HYPERVISOR_VIRT_START &&
           len <= HYPERVISOR_VIRT_START - addr; /* also catches wrap-around */
}

static size_t raw_copy(void *to, const void *from, size_t len)
{
    size_t left = len / 4;      /* whole words first, then the tail bytes */
    size_t tail = len % 4;
    void *d0, *d1;

    __asm__ volatile(
        "1:     rep movsl\n"
        "       mov %[tail], %%ecx\n"
        "2:     rep movsb\n"
        "3:\n"
        "       .section .fixup, \"ax\"\n"
        "4:     lea (%[tail], %%ecx, 4), %%ecx\n" /* words left * 4 + tail */
        "       jmp 3b\n"
        "       .previous\n"
        "       .section __ex_table, \"a\"\n"
        "       .long 1b, 4b\n"     /* fault among the words               */
        "       .long 2b, 3b\n"     /* fault among the tail: %ecx is right */
        "       .previous\n"
        : "+c"(left), "=D"(d0), "=S"(d1)
        : "1"(to), "2"(from), [tail] "r"(tail)
        : "memory");
    return left;
}

size_t copy_from_guest(void *to, unsigned long from, size_t len)
{
    if (!guest_range_ok(from, len))
        return len;
    return raw_copy(to, (const void *)from, len);
}

size_t copy_to_guest(unsigned long to, const void *from, size_t len)
{
    if (!guest_range_ok(to, len))
        return len;
    return raw_copy((void *)to, from, len);
}
