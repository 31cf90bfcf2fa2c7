/*
 * hv/domain.h - module options (lab 1).
 *
 * A module's command line is "FILE opt=value ...".  Each option a lab
 * understands is registered with REGISTER_DOMAIN_OPTION (lab 1: name=,
 * mem=; lab 5 adds weight=, ...).  An option nobody registered refuses the
 * module with a message, so a typo never goes unnoticed.
 */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include <hv/sched.h>

/* Return 0, or -1 after writing why into `why` (a full sentence). */
typedef int (*domain_option_fn)(struct domain *d, const char *value,
                                char *why, unsigned int whylen);

struct domain_option {
    const char *key;
    domain_option_fn parse;
    const char *help;
};

#define REGISTER_DOMAIN_OPTION(k, fn, helptext)                            \
    static const struct domain_option __domopt_##fn                        \
        __attribute__((used, section(".domain_options"))) = { (k), (fn), (helptext) }

/* Parse "4M", "512K", "1G", "4096" (bytes) into bytes; -1 if malformed. */
long long parse_size(const char *s);

#endif /* HV_DOMAIN_H */
