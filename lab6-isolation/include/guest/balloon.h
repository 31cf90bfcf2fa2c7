/*
 * guest/balloon.h - the balloon driver (lab 6, given): give frames back to
 * the hypervisor and take them again while the domain runs (the paper's
 * §3.3.2), through memory_op (public/memory.h, exercise 2).
 *
 * Inflating the balloon takes free pages from the kernel's allocator
 * (lab 4's pfn_alloc), unmaps each (a frame still mapped holds a lab 4
 * reference, and the hypervisor rightly refuses to take it), marks its
 * pfn empty in the frame list, and gives the frames back.  Deflating asks
 * for frames, and puts each behind one of those empty pfns: the frame
 * list, the machine-to-phys entry, the kernel mapping, then back to the
 * allocator.  Needs pmap_init() first.
 */
#ifndef GUEST_BALLOON_H
#define GUEST_BALLOON_H

#include <guest/pmap.h>
#include <public/memory.h>

static inline long HYPERVISOR_memory_op(unsigned int cmd, void *arg)
{
    return _hypercall2(__HYPERVISOR_memory_op, cmd, arg);
}

/* At most this many pages in the balloon. */
#define BALLOON_MAX 1024

/* Inflate by n pages: how many went back (the hypervisor's count), or a
 * negative errno if none could be tried. */
long balloon_out(unsigned long n);
/* Deflate by n pages: how many came back, or a negative errno. */
long balloon_in(unsigned long n);
/* Pages in the balloon now. */
unsigned long balloon_size(void);

/* memory_op for one array of MFNs (domid DOMID_SELF): the count done. */
long reservation_op(unsigned int cmd, unsigned long *mfns, unsigned long n,
                    domid_t dom);

#endif /* GUEST_BALLOON_H */
