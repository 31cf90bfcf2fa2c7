/*
 * guest/options.h - numeric options from a guest's command line (lab 5,
 * given): lab 5's tests take their spans and bounds as options, so one
 * guest serves several tests.
 */
#ifndef GUEST_OPTIONS_H
#define GUEST_OPTIONS_H

#include <guest/lib.h>

/* The value of option `key` as a decimal number, or dflt when absent. */
unsigned long option_ul(const char *key, unsigned long dflt);

#endif /* GUEST_OPTIONS_H */
