/*
 * hv/domain.h - module options (lab 1).
 *
 * A module's command line is "FILE opt=value ...".  Each option a lab
 * understands is registered with REGISTER_DOMAIN_OPTION (hv/hooks.h; lab 1:
 * name=, mem=; lab 5 adds weight=, ...).  An option nobody registered
 * refuses the module with a message, so a typo never goes unnoticed; a key
 * two files register is a boot-time panic naming both.
 */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include <hv/hooks.h>
#include <hv/sched.h>

/* Parse "4M", "512K", "1G", "4096" (bytes) into bytes; -1 if malformed. */

/* The `tables` option: every registered option (hv/domain.c). */
void print_domain_options(void);

#endif /* HV_DOMAIN_H */
