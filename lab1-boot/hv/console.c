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

static void switch_writer(int who)
{
    if (who != last_writer && !at_line_start) {
        console_putc('\n');
        at_line_start = 1;
    }
    last_writer = who;
}

void vprintk(const char *fmt, va_list ap)
{
    char buf[512];
    const char *p;

    vsnprintf(buf, sizeof(buf), fmt, ap);
    switch_writer(-1);
    for (p = buf; *p; p++) {
        if (at_line_start)
            console_puts("(hv) ");
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
