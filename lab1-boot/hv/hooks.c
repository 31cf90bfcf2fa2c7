/*
 * hv/hooks.c - the override rules of the registration tables, in one place
 * (lab 1, given).
 *
 * hv/hooks.h lists the tables a later lab registers into and each one's
 * rule: "highest lab wins" for hypercalls and trap handlers, "unique key"
 * for domain options.  The three table builders (hv/hypercall.c,
 * hv/traps.c, hv/domain.c) all ask hook_wins() here, so a rule is coded
 * once and a clash panics with the same words wherever it happens.
 */
#include <hv/hooks.h>
#include <hv/lib.h>

int hook_wins(const struct hook_origin *old, const struct hook_origin *e,
              enum hook_rule rule, const char *what)
{
    if (!old)
        return 1; /* an empty slot: the entry takes it */
    if (rule == HOOK_UNIQUE)
        panic("%s registered twice: %s lab %u (%s) and %s lab %u (%s); "
              "it must be unique (a later lab registers a new one)", what,
              old->name, old->lab, old->file, e->name, e->lab, e->file);
    if (old->lab == e->lab)
        panic("%s registered twice by lab %u: %s lab %u (%s) and %s lab %u (%s); "
              "the highest lab wins, so one lab registers it once", what,
              e->lab, old->name, old->lab, old->file, e->name, e->lab, e->file);
    return e->lab > old->lab;
}
