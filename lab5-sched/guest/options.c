/*
 * guest/options.c - numeric command-line options (lab 5, given).
 */
#include <guest/options.h>

unsigned long option_ul(const char *key, unsigned long dflt)
{
    const char *v = cmdline_option(key);

    return v && *v ? strtoul(v, NULL, 10) : dflt;
}
