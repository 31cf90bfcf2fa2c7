/*
 * hv/console.c - the two serial lines (lab 1, given).
 *
 * COM1 is the console, for people: the hypervisor's messages, each line
 * starting "(hv) ", and the guests' output, each line starting "[dN] ".
 * COM2 is the result channel, for the grader: one line per result(), which
 * only the hypervisor writes.  A guest reaches it only through the
 * test_report hypercall, which prefixes its domain id, so no guest can
 * forge the hypervisor's lines.
 *
 * The UART is programmed the classic way (8250/16550): 115200 baud, 8N1,
 * then each byte waits for "transmit holding register empty".
 */
#include <hv/config.h>
#include <hv/lib.h>
#include <hv/x86.h>

#define COM1 0x3F8
#define COM2 0x2F8
#define UART_THR 0 /* transmit holding register            */
#define UART_DLL 0 /* divisor latch low (when DLAB is set) */
#define UART_IER 1 /* interrupt enable                      */
#define UART_DLM 1 /* divisor latch high                    */
#define UART_FCR 2 /* FIFO control                          */
#define UART_LCR 3 /* line control                          */
#define UART_MCR 4 /* modem control                         */
#define UART_LSR 5 /* line status                           */
#define LSR_THRE 0x20 /* room for another byte               */
#define LSR_TEMT 0x40 /* everything has left the wire        */

static void uart_init(uint16_t base)
{
    outb(base + UART_IER, 0x00); /* no interrupts: we poll            */
    outb(base + UART_LCR, 0x80); /* DLAB on, to set the divisor       */
    outb(base + UART_DLL, 0x01); /* 115200 / 1                        */
    outb(base + UART_DLM, 0x00);
    outb(base + UART_LCR, 0x03); /* 8 data bits, no parity, 1 stop    */
    outb(base + UART_FCR, 0xC7); /* FIFOs on and cleared              */
    outb(base + UART_MCR, 0x03); /* DTR, RTS                          */
}

static void uart_putc(uint16_t base, char c)
{
    while (!(inb(base + UART_LSR) & LSR_THRE))
        ;
    outb(base + UART_THR, (uint8_t)c);
}

/*
 * Wait until both UARTs have sent every byte.  Bochs models the time a
 * byte takes on the wire; ending the emulator earlier loses the tail.
 */
void console_drain(void)
{
    while (!(inb(COM1 + UART_LSR) & LSR_TEMT))
        ;
    while (!(inb(COM2 + UART_LSR) & LSR_TEMT))
        ;
}

void console_init(void)
{
    uart_init(COM1);
    uart_init(COM2);
}

static void console_putc(char c)
{
    if (c == '\n')
        uart_putc(COM1, '\r');
    uart_putc(COM1, c);
}

static void console_puts(const char *s)
{
    while (*s)
        console_putc(*s++);
}

/* Were we at the start of a console line?  Decides the "(hv) " prefix. */
static int at_line_start = 1;
static int last_writer = -1; /* -1: the hypervisor; otherwise a domain id */
static int hiding;           /* the hypervisor line being written is hidden */

static void switch_writer(int who)
{
    if (who != last_writer && !at_line_start) {
        if (!hiding)
            console_putc('\n');
        at_line_start = 1;
        hiding = 0;
    }
    last_writer = who;
}

/*
 * Lines about one request of a domain start "dN: " (lines about the
 * domain as a whole say "dN (name): ").  A hostile guest or a fuzzer can
 * earn one per hypercall, hundreds of thousands of them, and each costs
 * real time: Bochs models the serial line, about 7 ms for an 80-byte line.
 * So each domain's first REFUSAL_LINES_DEFAULT such lines are shown
 * (hypervisor option refusal_lines=N, or refusal_lines=all), the rest are
 * counted, and console_domain_ended() says how many were hidden.  Lines
 * about whole domains, the hypervisor's own and guests' output are never
 * hidden.  No test matches a "dN: " console line; the most one of today's
 * tests prints for a domain, fuzzers aside, is 43 (lab4/desc-refused).
 */
#define REFUSAL_LINES_DEFAULT 100
static unsigned long refusal_shown[MAX_DOMAINS], refusal_hidden[MAX_DOMAINS];

static unsigned long refusal_lines(void)
{
    static unsigned long limit;
    const char *v;
    unsigned long n;
    char *end;

    if (limit)
        return limit;
    limit = REFUSAL_LINES_DEFAULT;
    if (!(v = hv_cmdline_option("refusal_lines")))
        return limit;
    n = strtoul(v, &end, 10);
    if (!strcmp(v, "all"))
        limit = ~0UL;
    else if (*v >= '0' && *v <= '9' && !*end && n > 0)
        limit = n;
    else
        printk("refusal_lines=%s: expected a number of lines from 1 up, or all; "
               "using %lu\n", v, limit);
    return limit;
}

/* N if the line starting at s begins "dN: " for a domain slot N, else -1. */
static int request_line_domain(const char *s)
{
    unsigned int n = 0;

    if (*s++ != 'd' || *s < '0' || *s > '9')
        return -1;
    while (*s >= '0' && *s <= '9' && n < MAX_DOMAINS)
        n = n * 10 + (unsigned int)(*s++ - '0');
    return n < MAX_DOMAINS && s[0] == ':' && s[1] == ' ' ? (int)n : -1;
}

/* Is a request line of domain slot d (-1: not a request line) over its
 * domain's allowance?  Counts it. */
static int hide_request(int d)
{
    char note[160];

    if (d < 0)
        return 0;
    if (refusal_shown[d] < refusal_lines()) {
        refusal_shown[d]++;
        return 0;
    }
    if (!refusal_hidden[d]++) { /* say so once; written directly, never hidden */
        snprintf(note, sizeof(note), "(hv) d%d (more lines about its requests are "
                 "counted, not shown: hypervisor option refusal_lines=all shows "
                 "them)\n", d);
        console_puts(note);
    }
    return 1;
}

/* Is the line starting at s over its domain's allowance?  Counts it. */
static int hide_line(const char *s)
{
    return hide_request(request_line_domain(s));
}

/*
 * The domain slot of a printk whose output is one request line, read from
 * its format and first argument without formatting: a format "d%u: ..." or
 * "d%d: ..." with its only newline at the end and no %s (a string could
 * hold a newline).  -1 for every other printk, which is formatted and
 * checked line by line.  A fuzzer earns thousands of hidden lines, and
 * formatting each only to count it was a third of its instructions.
 */
static int request_printk_domain(const char *fmt, va_list ap)
{
    const char *p;
    va_list aq;
    long d;

    if (fmt[0] != 'd' || fmt[1] != '%' || (fmt[2] != 'u' && fmt[2] != 'd') ||
        fmt[3] != ':' || fmt[4] != ' ')
        return -1;
    for (p = fmt + 5; *p; p++)
        if ((*p == '\n' && p[1]) || (p[0] == '%' && p[1] == 's'))
            return -1;
    if (p[-1] != '\n')
        return -1;
    va_copy(aq, ap);
    d = fmt[2] == 'u' ? (long)va_arg(aq, unsigned int) : (long)va_arg(aq, int);
    va_end(aq);
    return d >= 0 && d < MAX_DOMAINS ? (int)d : -1;
}

void console_domain_ended(unsigned int domid)
{
    unsigned long hidden;

    if (domid >= MAX_DOMAINS)
        return;
    hidden = refusal_hidden[domid];
    refusal_shown[domid] = refusal_hidden[domid] = 0;
    if (hidden)
        printk("d%u: %lu more lines about its requests were not shown (the first "
               "%lu were)\n", domid, hidden, refusal_lines());
}

void vprintk(const char *fmt, va_list ap)
{
    char buf[512];
    const char *p;

    switch_writer(-1);
    if (at_line_start) {
        int d = request_printk_domain(fmt, ap);
        if (d >= 0 && refusal_shown[d] >= refusal_lines()) {
            hiding = hide_request(d); /* 1: counted, and nothing to format */
            return;
        }
    }
    vsnprintf(buf, sizeof(buf), fmt, ap);
    for (p = buf; *p; p++) {
        if (at_line_start && !(hiding = hide_line(p)))
            console_puts("(hv) ");
        if (!hiding)
            console_putc(*p);
        at_line_start = (*p == '\n');
    }
}

void printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

void console_guest_write(unsigned int domid, const char *buf, size_t len)
{
    char prefix[12];
    size_t i;

    switch_writer((int)domid);
    snprintf(prefix, sizeof(prefix), "[d%u] ", domid);
    for (i = 0; i < len; i++) {
        char c = buf[i];
        if (c == '\r')
            continue;
        if (at_line_start)
            console_puts(prefix);
        /* Show control characters rather than let a guest drive the terminal. */
        if ((c < ' ' && c != '\n' && c != '\t') || c == 0x7f)
            c = '?';
        console_putc(c);
        at_line_start = (c == '\n');
    }
}

void result(const char *fmt, ...)
{
    char buf[512];
    const char *p;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    for (p = buf; *p; p++)
        uart_putc(COM2, *p == '\n' ? ' ' : *p); /* one call, one line */
    uart_putc(COM2, '\n');
}
