/*
 * hv/init.h - initcalls (lab 1): how a later lab adds start-up work without
 * editing an earlier lab's file.  Each `__initcall(fn)` (hv/hooks.h) puts
 * an entry for fn in the linker section .initcall; setup.c calls them all,
 * in link order (lab 1's objects first), after the core hypervisor is up
 * and before the first domain is built.
 */
#ifndef HV_INIT_H
#define HV_INIT_H

#include <stdint.h>
#include <hv/hooks.h> /* __initcall(fn) */

void do_initcalls(void);

/* Start-up, in the order setup.c calls them (lab 1, given). */
void start_hypervisor(uint32_t magic, uint32_t mbi_pa); /* from boot.S */
void integrity_init(void);  /* hv/selftest.c: checksum the image from _start to _erodata */
int integrity_check(void);  /* hv/selftest.c: 0 when unchanged */
void run_selftests(void);   /* hv/selftest.c: the selftest= option */
unsigned long count_usable_frames(void); /* hv/selftest.c: exercise 1's exact free count */

#endif /* HV_INIT_H */
