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
 * Exercise 5: multicall(list, nr).  nr above MAX_MULTICALL_ENTRIES:
 * -EINVAL.  For each entry: copy it in (-EFAULT for the whole call if it
 * cannot be read); its result is -EINVAL for a nested multicall, -ENOSYS
 * for an unknown number (hypercall_lookup), otherwise the handler's return
 * value; copy the result back (-EFAULT if it cannot be written).  Stop
 * early if an entry ended the domain (domain_alive).  Return 0.
 */
static long do_multicall(unsigned long list, unsigned long nr)
{
    //@ begin lab3 ex5: multicall
    unsigned long i;

    if (nr > MAX_MULTICALL_ENTRIES)
        return -EINVAL;
    for (i = 0; i < nr; i++) {
        unsigned long addr = list + i * sizeof(struct multicall_entry);
        const struct hypercall_entry *h;
        struct multicall_entry e;

        if (copy_from_guest(&e, addr, sizeof(e)))
            return -EFAULT;
        h = hypercall_lookup(e.op);
        if (e.op == __HYPERVISOR_multicall)
            e.result = (unsigned long)-EINVAL;
        else if (!h)
            e.result = (unsigned long)-ENOSYS;
        else
            e.result = (unsigned long)h->fn(e.args[0], e.args[1], e.args[2],
                                            e.args[3], e.args[4]);
        if (copy_to_guest(addr + offsetof(struct multicall_entry, result),
                          &e.result, sizeof(e.result)))
            return -EFAULT;
        if (!domain_alive(current->domain))
            break;
    }
    return 0;
    //@ stub
    //@ (void)list; (void)nr;
    //@ EXERCISE_TODO(3, 5, "multicall");
    //@ return -ENOSYS;
    //@ end
}
REGISTER_HYPERCALL(__HYPERVISOR_multicall, do_multicall);
