/*
 * hv/multicall.c - many hypercalls for the price of one trap (lab 3,
 * exercise 5).
 *
 * A multicall_entry holds a hypercall number, six argument words and a
 * result word.  The hypervisor runs the entries in order, each exactly as
 * if the guest had made it, and writes each result into its entry.  A bad
 * entry fails alone (its result is its error); a multicall may not contain
 * a multicall.
 */
#include <hv/event.h>
#include <hv/exercise.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>

/*
 * multicall_call(entry): run the one multicall_entry at guest address
 * `entry` (given).  It reads the entry's op and five arguments straight
 * from guest memory, calls hypercall_fns[op] - the handler a separate
 * hypercall would run - and writes the result into the entry's result
 * word: -ENOSYS for a number no lab registered, -EINVAL for a nested
 * multicall.  Returns 0, or -EFAULT if the entry could not be read or its
 * result not written (then nothing ran, or the result is lost).
 *
 * Why assembly: this is the inner loop of batching, and a batch must cost
 * much less per entry than a separate hypercall (hv/entry.S's
 * hypercall_entry is about 60 instructions; see tools/check-bench.py).  A C
 * loop copies each 32-byte entry in, then pushes the five arguments
 * again; here the arguments are pushed directly from the guest's entry,
 * as Xen's x86_32 do_multicall_call did.  Every instruction that touches
 * guest memory is in the exception table, like copy_from_guest's: a page
 * fault lands in a fixup, which drops whatever was pushed and returns
 * -EFAULT.  (%[e] is a register the call preserves: GCC picks one of
 * %ebx %esi %edi, since %eax %ecx %edx are clobbered.)  The caller checks that the list lies below
 * the hypervisor hole (guest_range_ok) before the first call.
 */
static inline long multicall_call(unsigned long entry)
{
    __asm__ goto(
        "1:     movl    %c[op](%[e]), %%eax\n" /* the entry's hypercall number */
        "       cmpl    %[nr_hc], %%eax\n"
        "       jae     7f\n"                 /* no such hypercall           */
        "       cmpl    %[mc], %%eax\n"
        "       je      8f\n"                 /* a multicall in a multicall  */
        "2:     pushl   %c[a4](%[e])\n"       /* args[4] .. args[0], pushed  */
        "3:     pushl   %c[a3](%[e])\n"       /* right to left as C expects  */
        "4:     pushl   %c[a2](%[e])\n"
        "5:     pushl   %c[a1](%[e])\n"
        "6:     pushl   %c[a0](%[e])\n"
        "       call    *hypercall_fns(, %%eax, 4)\n"
        "       addl    $20, %%esp\n"         /* drop the arguments          */
        "9:     movl    %%eax, %c[res](%[e])\n" /* the result, into the entry */
        "       .section .fixup, \"ax\"\n"
        "7:     movl    %[enosys], %%eax\n"
        "       jmp     9b\n"
        "8:     movl    %[einval], %%eax\n"
        "       jmp     9b\n"
        "16:    addl    $4, %%esp\n"          /* a page fault on the entry:  */
        "15:    addl    $4, %%esp\n"          /* drop what was pushed (one   */
        "14:    addl    $4, %%esp\n"          /* word per push that worked)  */
        "13:    addl    $4, %%esp\n"
        "       jmp     %l[fault]\n"
        "       .previous\n"
        "       .section __ex_table, \"a\"\n"
        "       .long   1b, %l[fault]\n"      /* nothing pushed yet          */
        "       .long   2b, %l[fault]\n"
        "       .long   3b, 13b\n"            /* one word pushed             */
        "       .long   4b, 14b\n"
        "       .long   5b, 15b\n"
        "       .long   6b, 16b\n"            /* four                        */
        "       .long   9b, %l[fault]\n"      /* the result cannot be written */
        "       .previous\n"
        :
        : [e] "r"(entry), [op] "i"(offsetof(struct multicall_entry, op)),
          [res] "i"(offsetof(struct multicall_entry, result)),
          [a0] "i"(offsetof(struct multicall_entry, args[0])),
          [a1] "i"(offsetof(struct multicall_entry, args[1])),
          [a2] "i"(offsetof(struct multicall_entry, args[2])),
          [a3] "i"(offsetof(struct multicall_entry, args[3])),
          [a4] "i"(offsetof(struct multicall_entry, args[4])),
          [nr_hc] "i"(NR_HYPERCALLS), [mc] "i"(__HYPERVISOR_multicall),
          [enosys] "i"(-ENOSYS), [einval] "i"(-EINVAL)
        : "eax", "ecx", "edx", "memory", "cc"
        : fault);
    return 0;
fault:
    return -EFAULT;
}

/*
 * Exercise 5: multicall(list, nr).  nr above MAX_MULTICALL_ENTRIES:
 * -EINVAL; a list that reaches the hypervisor hole: -EFAULT (check it
 * once, with guest_range_ok, before any entry runs).  Then run each entry
 * with multicall_call(); if it returns an error, return that error for
 * the whole call (the list itself is bad).  Stop early if an entry ended
 * the domain (domain_alive).  Return 0.
 */
static long do_multicall(unsigned long list, unsigned long nr)
{
    //@ begin lab3 ex5: multicall
    struct domain *d = current->domain;
    unsigned long i;
    long rc;

    if (nr > MAX_MULTICALL_ENTRIES)
        return -EINVAL;
    if (!guest_range_ok(list, nr * sizeof(struct multicall_entry)))
        return -EFAULT;
    for (i = 0; i < nr; i++) {
        rc = multicall_call(list + i * sizeof(struct multicall_entry));
        if (rc)
            return rc;
        if (!domain_alive(d))
            break;
    }
    return 0;
    //@ stub
    //@ (void)list; (void)nr; (void)multicall_call;
    //@ EXERCISE_TODO(3, 5, "multicall");
    //@ return -ENOSYS;
    //@ end
}
REGISTER_HYPERCALL(__HYPERVISOR_multicall, do_multicall);
