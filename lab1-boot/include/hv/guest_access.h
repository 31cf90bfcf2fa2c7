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
 */
#ifndef HV_GUEST_ACCESS_H
#define HV_GUEST_ACCESS_H

#include <stddef.h>

int guest_range_ok(unsigned long addr, size_t len);
size_t copy_from_guest(void *to, unsigned long from, size_t len);
size_t copy_to_guest(unsigned long to, const void *from, size_t len);

#endif /* HV_GUEST_ACCESS_H */
