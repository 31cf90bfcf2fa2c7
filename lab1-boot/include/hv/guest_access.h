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
 * The copy moves whole words (movsl), then the 0-3 bytes left (movsb; a
 * byte copy costs four times the instructions).  If one faults (the guest
 * passed an unmapped or read-only address), trap_dispatch finds the
 * instruction's address in the exception table and resumes after the
 * copy instead, with %edi at the first byte not copied: the end of the
 * destination minus %edi is what we return.
 */
#ifndef HV_GUEST_ACCESS_H
#define HV_GUEST_ACCESS_H

#include <stddef.h>
#include <hv/config.h>

/*
 * All of them are inline: they are on every hypercall that takes a
 * pointer, and for the usual constant `len` the compiler reduces a copy to
 * a check and a row of movsl (up to eight words) or the three loops'
 * counts.
 */

/*
 * The range [addr, addr+len) is entirely below the hypervisor hole.
 * Written as "addr is at most the hole's start minus len" (no sum that
 * could wrap around): when the compiler knows len, as it nearly always
 * does, that is one compare with a constant.  (An empty range is allowed
 * anywhere up to the hole's start: it touches nothing.)
 */
static inline int guest_range_ok(unsigned long addr, size_t len)
{
    return len <= HYPERVISOR_VIRT_START && addr <= HYPERVISOR_VIRT_START - len;
}

/*
 * The usual case: a length the compiler knows, of at most eight whole
 * words (an evtchn_op, a multicall entry, a trap_info).  Then the copy is
 * just that many movsl in a row - no counts, no loop - each with its own
 * exception-table entry, so a fault still lands after the copy with %edi
 * at the first word not copied.  `words` must be a compile-time constant
 * (the "i" constraint): raw_copy_guest() only calls this when it is.
 */
static inline __attribute__((always_inline)) size_t
raw_copy_guest_words(void *to, const void *from, size_t words)
{
    char *end = (char *)to + words * 4;
    void *d = to;
    const void *s = from;

    __asm__ volatile(
        "       .rept %c[words]\n"   /* one movsl per word...           */
        "1:     movsl\n"
        "       .section __ex_table, \"a\"\n"
        "       .long 1b, 2f\n"       /* ...each may fault: resume at 2  */
        "       .previous\n"
        "       .endr\n"
        "2:\n"
        : "+D"(d), "+S"(s)
        : [words] "i"(words)
        : "memory");
    return (size_t)(end - (char *)d);
}

/*
 * Copy len bytes, whole words first, then the tail bytes; return how many
 * were NOT copied.  Every copy instruction is in the exception table
 * (__ex_table): a page fault on one jumps to the label after the copy,
 * instead of panicking the hypervisor, with %edi still pointing at the
 * first byte it did not copy (a faulting movs moves nothing).  So what is
 * left is the end of the destination minus %edi, fault or no fault.
 *
 * Blocks of eight words, the 0-7 words left, the 0-3 bytes left: plain
 * movsl/movsb counted down by `loop`, not `rep movsl`, because `make
 * bench` counts instructions and QEMU (under -icount) counts a `rep` with
 * a non-zero count as one more than Bochs does (handouts/bench.md).
 */
static inline __attribute__((always_inline)) size_t
raw_copy_guest(void *to, const void *from, size_t len)
{
    if (__builtin_constant_p(len) && len % 4 == 0 && len <= 32)
        return raw_copy_guest_words(to, from, len / 4);
    /*
     * A length the compiler learns only later - each branch of
     * create_bounce_frame's "3, 4, 5 or 6 words" - still gets its row of
     * movsl: once the branches are separate, each switch below folds to
     * its one case (the test above is decided before that).  A length
     * known only at run time pays a jump through the switch's table.
     */
    if (len % 4 == 0 && len <= 32) {
        switch (len / 4) {
        case 0: return 0;
        case 1: return raw_copy_guest_words(to, from, 1);
        case 2: return raw_copy_guest_words(to, from, 2);
        case 3: return raw_copy_guest_words(to, from, 3);
        case 4: return raw_copy_guest_words(to, from, 4);
        case 5: return raw_copy_guest_words(to, from, 5);
        case 6: return raw_copy_guest_words(to, from, 6);
        case 7: return raw_copy_guest_words(to, from, 7);
        case 8: return raw_copy_guest_words(to, from, 8);
        }
    }

    size_t blocks = len / 32, words = len / 4 % 8, bytes = len % 4;
    char *end = (char *)to + len;
    void *d = to;
    const void *s = from;

    __asm__ volatile(
        "       jecxz 2f\n"            /* %ecx = blocks of eight words */
        "1:     movsl\n"               /* eight words, each its own  */
        "11:    movsl\n"               /* __ex_table entry           */
        "12:    movsl\n"
        "13:    movsl\n"
        "14:    movsl\n"
        "15:    movsl\n"
        "16:    movsl\n"
        "17:    movsl\n"
        "       loop 1b\n"             /* --%ecx, again while blocks left */
        "2:     movl %[words], %%ecx\n"     /* the 0-7 words left          */
        "       jecxz 4f\n"
        "3:     movsl\n"               /* the words left, one at a time */
        "       loop 3b\n"
        "4:     movl %[bytes], %%ecx\n"     /* the 0-3 bytes left          */
        "       jecxz 6f\n"
        "5:     movsb\n"               /* the bytes left */
        "       loop 5b\n"
        "6:\n"                         /* done, or a copy faulted    */
        "       .section __ex_table, \"a\"\n"
        "       .long 1b, 6b, 11b, 6b, 12b, 6b, 13b, 6b, 14b, 6b\n"
        "       .long 15b, 6b, 16b, 6b, 17b, 6b, 3b, 6b, 5b, 6b\n"
        "       .previous\n"
        : "+c"(blocks), "+D"(d), "+S"(s)
        : [words] "r"(words), [bytes] "r"(bytes)
        : "memory");
    return (size_t)(end - (char *)d);
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

/*
 * Store one word at guest address `addr`, which the caller has already
 * checked with guest_range_ok() (once, for a whole frame).  If the store
 * faults - the page is unmapped or read-only - its exception-table entry
 * sends the CPU to a fixup in .fixup that sets *faulted to 1 and comes
 * back; otherwise *faulted is left as it was.  So several stores share
 * one flag and one test after the last, and a store that works is one
 * instruction: the value goes from a register straight to the guest's
 * memory, with no array in between and no %esi/%edi (Linux's
 * __put_user_asm is built the same way).  For frames built word by word:
 * create_bounce_frame.
 */
static inline __attribute__((always_inline)) void
put_guest_u32(unsigned long addr, uint32_t val, int *faulted)
{
    __asm__ volatile(
        "1:     movl %[val], %[dst]\n"      /* may fault: then 3            */
        "2:\n"
        "       .section .fixup, \"ax\"\n"
        "3:     movl $1, %[f]\n"             /* it faulted: say so...        */
        "       jmp 2b\n"                   /* ...and carry on after it     */
        "       .previous\n"
        "       .section __ex_table, \"a\"\n"
        "       .long 1b, 3b\n"
        "       .previous\n"
        : [f] "+r"(*faulted), [dst] "=m"(*(uint32_t *)addr)
        : [val] "ri"(val));
}

#endif /* HV_GUEST_ACCESS_H */
