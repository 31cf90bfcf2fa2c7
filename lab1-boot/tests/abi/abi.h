/*
 * tests/abi/abi.h - the assertions of the ABI tests (lab 1, given).
 *
 * Each lab's tests/abi/abi_*.c pins that lab's public headers to Xen
 * 3.0.x's x86_32 (non-PAE) values: the size of every public structure, the
 * offset of every field, the value of every public constant.  The
 * expected numbers are facts read from Xen 3.0.2's xen/include/public
 * headers, written out here by hand - never computed from our own headers,
 * or the test would agree with any mistake.  tools/abi-check compiles
 * them for i386 (compile only: nothing runs, so no 32-bit libc is needed)
 * and proves, by moving a field in a copy of a header, that a wrong offset
 * fails the compile.
 */
#ifndef TESTS_ABI_H
#define TESTS_ABI_H

#include <stddef.h>

#if !defined(__i386__) || defined(__x86_64__)
#error "the ABI tests describe x86_32: compile them with -m32"
#endif

/* The size of a structure, in bytes. */
#define ABI_SIZE(type, bytes) \
    _Static_assert(sizeof(type) == (bytes), "sizeof(" #type ") must be " #bytes " as in Xen 3.0")

/* The offset of a field (a path such as u.status.vcpu works too). */
#define ABI_OFFSET(type, field, bytes)                       \
    _Static_assert(offsetof(type, field) == (bytes),         \
                   "offsetof(" #type ", " #field ") must be " #bytes " as in Xen 3.0")

/* The size of a field. */
#define ABI_FIELD_SIZE(type, field, bytes)                   \
    _Static_assert(sizeof(((type *)0)->field) == (bytes),    \
                   "sizeof(" #type "." #field ") must be " #bytes " as in Xen 3.0")

/* A public constant. */
#define ABI_CONST(name, value) \
    _Static_assert((name) == (value), #name " must be " #value " as in Xen 3.0")

/* A constant that is Parakeet's own (not in Xen 3.0): pinned all the same. */
#define ABI_OWN(name, value) \
    _Static_assert((name) == (value), #name " must be " #value " (Parakeet's own)")

#endif /* TESTS_ABI_H */
