/*
 * hv/lib.h - the hypervisor's small C library (lab 1): console output,
 * string helpers, panic and assertions.
 */
#ifndef HV_LIB_H
#define HV_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <common/string.h>
#include <common/format.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ROUNDUP(x, a) (((x) + (a)-1) & ~((a)-1))
#define ROUNDDOWN(x, a) ((x) & ~((a)-1))
#define __weak __attribute__((weak))
#define __noreturn __attribute__((noreturn))
#define __used __attribute__((used))
#define __section(s) __attribute__((section(s)))
#define __packed __attribute__((packed))
#define __aligned(n) __attribute__((aligned(n)))

/* Console (COM1): lines from the hypervisor start with "(hv) ". */
void console_init(void);
/* Wait until the UART has sent every byte (Bochs models transmit time). */
void console_drain(void);
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintk(const char *fmt, va_list ap);
/* Guest console bytes: each line is prefixed "[dN] ". */
void console_guest_write(unsigned int domid, const char *buf, size_t len);
/* Domain domid has ended: say how many "dN: " lines were hidden (console.c). */
void console_domain_ended(unsigned int domid);

/*
 * Result channel (COM2): one machine-readable line per call, read by the
 * grader.  Never mixed with console output, so a check cannot be broken by
 * a guest printing at the wrong moment.
 */
void result(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Hypervisor bug: report registers and a backtrace, then end the run. */
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2))) __noreturn;

#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)
#define ASSERT(p)                                                          \
    do {                                                                   \
        if (!(p))                                                          \
            panic("assertion '%s' failed at %s:%d", #p, __FILE__, __LINE__); \
    } while (0)

/* End the emulator run: 0 = normal end, 3 = panic.  See machine.c. */
void machine_exit(int status) __noreturn;

/* Hypervisor command line (from GRUB / QEMU -append): "selftest=frames". */
const char *hv_cmdline_option(const char *key);

#endif /* HV_LIB_H */
