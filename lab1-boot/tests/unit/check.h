/*
 * tests/unit/check.h - the checks every host-side unit test uses (lab 1;
 * tools/unit-tests puts this directory on the include path, so the unit
 * tests of every lab include it as <check.h>).
 *
 * A test counts every check and every failure, prints one line per
 * failure (where, and what was expected), and ends main with
 * `return check_summary("test_name");`: the closing line `make unit`
 * shows, and a non-zero exit status if anything failed.
 */
#ifndef UNIT_CHECK_H
#define UNIT_CHECK_H

#include <stdio.h>

static int failures, checks;

/* One check with the test's own message (printf format and arguments). */
#define CHECKF(cond, ...)                                                   \
    do {                                                                    \
        checks++;                                                           \
        if (!(cond)) {                                                      \
            failures++;                                                     \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                     \
            printf(__VA_ARGS__);                                            \
            printf("\n");                                                   \
        }                                                                   \
    } while (0)

/* One check whose message is the condition itself. */
#define CHECK(cond) CHECKF(cond, "%s", #cond)

/* The closing line, and main's exit status: 0 only if every check held. */
static inline int check_summary(const char *test)
{
    printf("%s: %d checks, %d failed\n", test, checks, failures);
    return failures != 0;
}

#endif /* UNIT_CHECK_H */
