/*
 * guest/lib.h - the guest kernel library (lab 1): what every test guest
 * links with.  A guest defines `int main(void)`; the library's _start
 * saves start_info, calls main, and shuts the domain down ("poweroff" when
 * main returns 0, "crash" otherwise).
 */
#ifndef GUEST_LIB_H
#define GUEST_LIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <common/format.h>
#include <common/string.h>
#include <guest/hypercall.h>

extern start_info_t *start_info; /* set by _start from %esi */

int main(void);

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Report "key=value" on the grader's result channel (as "dN: key=value"). */
void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The value of option key on our command line ("" if bare), or NULL. */
const char *cmdline_option(const char *key);
void shutdown(unsigned int reason) __attribute__((noreturn));

/* Read a segment register's selector. */
#define read_segment(reg)                                   \
    ({                                                      \
        uint16_t __v;                                       \
        __asm__ volatile("mov %%" #reg ", %0" : "=r"(__v)); \
        __v;                                                \
    })

#endif /* GUEST_LIB_H */
