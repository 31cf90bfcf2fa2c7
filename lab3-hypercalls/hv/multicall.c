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
    /* LAB 3: your code here (exercise 5: multicall) */
    (void)list; (void)nr;
    EXERCISE_TODO(3, 5, "multicall");
    return -ENOSYS;
}
REGISTER_HYPERCALL(__HYPERVISOR_multicall, do_multicall);
