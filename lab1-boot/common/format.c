/*
 * common/format.c - vsnprintf (lab 1), compiled into the hypervisor, the
 * guest library and the host unit tests.
 *
 * The output is built into a bounded buffer; like C's vsnprintf it returns
 * the length the full output would have had, so a caller can tell that it
 * was cut.
 */
#include <stdint.h>
#include <common/format.h>
#include <common/string.h>

struct outbuf {
    char *buf;
    size_t size, len;
};

static void put(struct outbuf *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_padded(struct outbuf *o, const char *s, size_t n, int width,
                       int left, char pad)
{
    int fill = width > (int)n ? width - (int)n : 0;
    if (!left)
        while (fill-- > 0)
            put(o, pad);
    while (n--)
        put(o, *s++);
    if (left)
        while (fill-- > 0)
            put(o, ' ');
}

/* Digits of v in base, most significant first, into tmp; returns the count. */
static size_t number(char *tmp, unsigned long long v, unsigned base, int upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char rev[24];
    size_t n = 0, i;
    do {
        rev[n++] = digits[v % base];
        v /= base;
    } while (v);
    for (i = 0; i < n; i++)
        tmp[i] = rev[n - 1 - i];
    return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct outbuf o = { buf, size, 0 };

    for (; *fmt; fmt++) {
        char tmp[26];
        int left = 0, alt = 0, width = 0, lng = 0;
        char pad = ' ';
        unsigned long long u;
        long long s;
        size_t n;

        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        fmt++;
        for (;; fmt++) { /* flags */
            if (*fmt == '-')
                left = 1;
            else if (*fmt == '#')
                alt = 1;
            else if (*fmt == '0')
                pad = '0';
            else
                break;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l') {
            lng++;
            fmt++;
        }
        if (*fmt == 'z') /* size_t: the same width as long on both targets */
            lng = 1, fmt++;

        switch (*fmt) {
        case 'd':
        case 'i':
            s = lng >= 2 ? va_arg(ap, long long)
                : lng ? va_arg(ap, long) : va_arg(ap, int);
            u = s < 0 ? (unsigned long long)(-(s + 1)) + 1 : (unsigned long long)s;
            n = 0;
            if (s < 0)
                tmp[n++] = '-';
            n += number(tmp + n, u, 10, 0);
            put_padded(&o, tmp, n, width, left, pad);
            break;
        case 'u':
        case 'x':
        case 'X':
            u = lng >= 2 ? va_arg(ap, unsigned long long)
                : lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            if (alt && *fmt != 'u') { /* "0x" comes before any zero padding */
                put(&o, '0');
                put(&o, 'x');
                width = width > 2 ? width - 2 : 0;
            }
            n = number(tmp, u, *fmt == 'u' ? 10 : 16, *fmt == 'X');
            put_padded(&o, tmp, n, width, left, pad);
            break;
        case 'p':
            tmp[0] = '0';
            tmp[1] = 'x';
            n = 2 + number(tmp + 2, (uintptr_t)va_arg(ap, void *), 16, 0);
            put_padded(&o, tmp, n, width, left, pad);
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            put_padded(&o, str, strlen(str), width, left, ' ');
            break;
        }
        case 'c':
            tmp[0] = (char)va_arg(ap, int);
            put_padded(&o, tmp, 1, width, left, ' ');
            break;
        case '%':
            put(&o, '%');
            break;
        default: /* unknown conversion: print it as it was written */
            put(&o, '%');
            if (*fmt)
                put(&o, *fmt);
            else
                fmt--;
            break;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
