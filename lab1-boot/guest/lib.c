/*
 * guest/lib.c - the guest library (lab 1, given): console output through
 * the console_io hypercall, reports for the grader, the command line, and
 * the path from _start to main() to shutdown.
 */
#include <guest/lib.h>

int printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(buf) - 1)
        n = sizeof(buf) - 1;
    HYPERVISOR_console_io(CONSOLEIO_write, n, buf);
    return n;
}

void report(const char *fmt, ...)
{
    char buf[160];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(buf) - 1)
        n = sizeof(buf) - 1;
    if (HYPERVISOR_test_report(buf, n) < 0)
        printf("report '%s' was refused by the hypervisor\n", buf);
}

const char *cmdline_option(const char *key)
{
    static char value[64];
    return option_value((const char *)start_info->cmd_line, key, value, sizeof(value));
}

void shutdown(unsigned int reason)
{
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_shutdown, reason);
}

void guest_start(void) __attribute__((noreturn));
void guest_start(void)
{
    int status = main();
    shutdown(status == 0 ? SHUTDOWN_poweroff : SHUTDOWN_crash);
}
