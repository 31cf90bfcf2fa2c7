/*
 * tests/unit/test_format.c - host-side unit tests of the shared vsnprintf
 * (lab 1, common/format.c), compared with the values C specifies.
 *
 * unit-sources: lab1-boot/common/format.c
 * unit-cflags: -Dvsnprintf=pk_vsnprintf -Dsnprintf=pk_snprintf
 */
#include <stdio.h>
#include <string.h>
#include <check.h>
#include <common/format.h>

static void expect(const char *got, int n, const char *want)
{
    CHECKF(!strcmp(got, want) && n == (int)strlen(want), "got \"%s\" (%d), want \"%s\"",
           got, n, want);
}

int main(void)
{
    char b[64];
    int n;

    n = pk_snprintf(b, sizeof b, "%d %i %u", -42, 7, 4000000000u); expect(b, n, "-42 7 4000000000");
    n = pk_snprintf(b, sizeof b, "%x %X %#x", 0xbeefu, 0xbeefu, 0x1fu); expect(b, n, "beef BEEF 0x1f");
    n = pk_snprintf(b, sizeof b, "%08x|%-5d|%5s", 0x1234u, 12, "ab"); expect(b, n, "00001234|12   |   ab");
    n = pk_snprintf(b, sizeof b, "%#010llx", 0x9fc00ULL); expect(b, n, "0x0009fc00");
    n = pk_snprintf(b, sizeof b, "%lld %llu", -9000000000LL, 18446744073709551615ULL);
    expect(b, n, "-9000000000 18446744073709551615");
    n = pk_snprintf(b, sizeof b, "%d", -2147483647 - 1); expect(b, n, "-2147483648");
    {
        const char *volatile null = NULL; /* hidden from GCC's format checker */
        n = pk_snprintf(b, sizeof b, "%s %c %%", null, 'z'); expect(b, n, "(null) z %");
    }
    n = pk_snprintf(b, sizeof b, "%lu %ld", 123456789UL, -5L); expect(b, n, "123456789 -5");
    /* Truncation: the buffer is always terminated, the full length returned. */
    n = pk_snprintf(b, 6, "hello world");
    CHECKF(n == 11 && !strcmp(b, "hello"), "truncation gave \"%s\" (%d)", b, n);
    return check_summary("test_format");
}
