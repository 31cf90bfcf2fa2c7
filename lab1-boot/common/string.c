/*
 * common/string.c - memory and string helpers (lab 1), compiled into both
 * the hypervisor and the guest library.  Simple loops: clarity over speed,
 * except memcpy and memset, which the domain builder runs over every page
 * of every domain: they move four bytes at a time with the string
 * instructions `movsl` and `stosl`, eight to a loop, so a word costs about
 * one instruction and an eighth (a byte loop costs about six).
 *
 * Why not `rep movsl`, one instruction for the lot?  Because `make bench`
 * counts instructions and the two emulators count a `rep` differently:
 * Bochs counts one per repetition, QEMU (under -icount) one more, for the
 * final check that finds %ecx zero (handouts/bench.md).  A plain `movsl`
 * is one instruction on both.
 */
#include <stdint.h>
#include <common/string.h>

void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;
    const void *s = src;
    size_t blocks = n / 32, words = n / 4 % 8, bytes = n % 4;

    /* Blocks of eight 32-bit words, then the 0-7 words, then the 0-3
     * bytes left over.  Each loop is skipped when its count is zero
     * (jecxz) and otherwise counted down by `loop`.  The direction flag is
     * clear (the entry code and the C ABI see to it), so every copy goes
     * upwards; %edi/%esi advance from one loop to the next. */
    __asm__ volatile("jecxz 2f\n"
                     "1: movsl; movsl; movsl; movsl; movsl; movsl; movsl; movsl\n"
                     "loop 1b\n"
                     "2:"
                     : "+D"(d), "+S"(s), "+c"(blocks)
                     :
                     : "memory");
    __asm__ volatile("jecxz 2f\n1: movsl\nloop 1b\n2:" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
    __asm__ volatile("jecxz 2f\n1: movsb\nloop 1b\n2:" : "+D"(d), "+S"(s), "+c"(bytes) : : "memory");
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s)
        return memcpy(dst, src, n);
    while (n--) /* copy backwards so an overlapping tail is read first */
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *d = dst;
    uint32_t pattern = (uint8_t)c * 0x01010101u; /* the byte in all four lanes */
    size_t blocks = n / 32, words = n / 4 % 8, bytes = n % 4;

    /* As memcpy: `stosl` stores %eax, `stosb` stores %al. */
    __asm__ volatile("jecxz 2f\n"
                     "1: stosl; stosl; stosl; stosl; stosl; stosl; stosl; stosl\n"
                     "loop 1b\n"
                     "2:"
                     : "+D"(d), "+c"(blocks)
                     : "a"(pattern)
                     : "memory");
    __asm__ volatile("jecxz 2f\n1: stosl\nloop 1b\n2:" : "+D"(d), "+c"(words) : "a"(pattern) : "memory");
    __asm__ volatile("jecxz 2f\n1: stosb\nloop 1b\n2:" : "+D"(d), "+c"(bytes) : "a"(pattern) : "memory");
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            break;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (; *s; s++)
        if (*s == (char)c)
            return (char *)s;
    return c ? NULL : (char *)s;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);
    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

unsigned long strtoul(const char *s, char **end, int base)
{
    unsigned long v = 0;
    if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        base = 16;
    } else if (base == 0) {
        base = 10;
    }
    while (digit_value(*s) < base)
        v = v * (unsigned long)base + (unsigned long)digit_value(*s++);
    if (end)
        *end = (char *)s;
    return v;
}

/* The hypervisor reads its own command line with this, a guest its module's. */
const char *option_value(const char *line, const char *key, char *value, size_t size)
{
    size_t klen = strlen(key);

    while (*line) {
        size_t n = 0;
        while (*line == ' ')
            line++;
        while (line[n] && line[n] != ' ')
            n++;
        if (n >= klen && !strncmp(line, key, klen) && (n == klen || line[klen] == '=')) {
            size_t vlen = n > klen ? n - klen - 1 : 0;
            if (vlen >= size)
                vlen = size - 1;
            memcpy(value, line + klen + (n > klen), vlen);
            value[vlen] = '\0';
            return value;
        }
        line += n;
    }
    return NULL;
}

/*
 * A size such as "4M", "512K", "1G" or "4096": its value in bytes, or -1
 * when it is not one or is above 1 TiB.  Used by the domain option mem=;
 * here (not in hv/domain.c) so that it is host-testable (issue 15's fuzzer).
 */
long long parse_size(const char *s)
{
    char *end;
    unsigned long long v;

    if (*s < '0' || *s > '9')
        return -1;
    v = strtoul(s, &end, 10);
    switch (*end) {
    case 'G':
    case 'g':
        v <<= 30;
        end++;
        break;
    case 'M':
    case 'm':
        v <<= 20;
        end++;
        break;
    case 'K':
    case 'k':
        v <<= 10;
        end++;
        break;
    case '\0': break;
    default: return -1;
    }
    if (*end || v > (1ULL << 40))
        return -1;
    return (long long)v;
}
