/*
 * hv/trace.h - the scheduler's trace channel (lab 5, given).
 *
 * With the hypervisor option `trace`, every scheduling event goes to the
 * result channel as one line, which `make trace LAB=5 TEST=name`
 * (tools/trace.py) turns into a timeline picture:
 *
 *   trace t=NS switch from=WHO to=WHO why=REASON
 *   trace t=NS wake d=N why=timer|event
 *
 * NS is system time in ns; WHO is dN or idle; REASON says why `from`
 * stopped running: slice (its slice ended), block, yield, wake (a better
 * domain woke), end (it ended) or start (the first switch of the run).
 * Without the option each call costs one test of a flag: tests run
 * untraced, so their timing is the same as in make grade.
 */
#ifndef HV_TRACE_H
#define HV_TRACE_H

#include <stdint.h>

struct vcpu;

extern int trace_enabled; /* the `trace` option was given */

/* The scheduler calls these (NULL = the idle loop). */
void trace_switch(uint64_t now, const struct vcpu *from, const struct vcpu *to,
                  const char *why);
void trace_wake(uint64_t now, const struct vcpu *v, const char *why);

#endif /* HV_TRACE_H */
