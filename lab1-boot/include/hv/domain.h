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
#ifndef HV_HOST_FUZZ /* the host fuzzer (tests/fuzz/fuzz_domopts.c) is 64-bit */
#include <hv/sched.h>
#endif

/* Apply a module's options "key=value ..." to d, up to a lone "--" (the
 * rest is the guest's): 0, or -1 with `why` naming the first bad one
 * (hv/domain_options.c). */
int parse_domain_options(struct domain *d, const char *args, char *why,
                         unsigned int whylen);

/* The `tables` option: every registered option (hv/domain_options.c). */
void print_domain_options(void);

#endif /* HV_DOMAIN_H */
