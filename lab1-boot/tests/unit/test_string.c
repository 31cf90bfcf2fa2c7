/*
 * tests/unit/test_string.c - host-side unit tests of the shared memory
 * helpers (lab 1, common/string.c): memcpy and memset move whole words
 * with string instructions and the left-over bytes one at a time, so every
 * length 0..67 and every alignment 0..3 of both ends is compared with a
 * byte-by-byte reference, with guard bytes around the destination.
 *
 * unit-sources: lab1-boot/common/string.c
 * unit-cflags: -fno-builtin -Dmemcpy=pk_memcpy -Dmemmove=pk_memmove -Dmemset=pk_memset -Dmemcmp=pk_memcmp -Dstrlen=pk_strlen -Dstrnlen=pk_strnlen -Dstrcmp=pk_strcmp -Dstrncmp=pk_strncmp -Dstrchr=pk_strchr -Dstrlcpy=pk_strlcpy -Dstrtoul=pk_strtoul
 */
#include <check.h>
#include <common/string.h>

static void expect_bytes(const char *what, const unsigned char *got,
                         const unsigned char *want, size_t n, size_t len,
                         size_t off)
{
    size_t i = 0;

    while (i < n && got[i] == want[i])
        i++;
    CHECKF(i == n, "%s len %zu offset %zu: byte %zu is %#x, want %#x", what, len, off, i,
           i < n ? got[i] : 0, i < n ? want[i] : 0);
}

int main(void)
{
    unsigned char src[96], dst[96], ref[96];
    size_t len, doff, soff, i;

    for (i = 0; i < sizeof(src); i++)
        src[i] = (unsigned char)(i * 7 + 1);
    for (len = 0; len < 68; len++)
        for (doff = 0; doff < 4; doff++)
            for (soff = 0; soff < 4; soff++) {
                for (i = 0; i < sizeof(dst); i++)
                    dst[i] = ref[i] = 0xEE; /* guard bytes */
                for (i = 0; i < len; i++)
                    ref[8 + doff + i] = src[soff + i];
                CHECKF(memcpy(dst + 8 + doff, src + soff, len) == dst + 8 + doff,
                       "memcpy did not return dst");
                expect_bytes("memcpy", dst, ref, sizeof(dst), len, doff);

                for (i = 0; i < len; i++)
                    ref[8 + doff + i] = 0xA5;
                memset(dst + 8 + doff, 0xA5, len);
                expect_bytes("memset", dst, ref, sizeof(dst), len, doff);
            }

    /* memmove: an overlapping copy to a lower address goes through memcpy. */
    for (i = 0; i < 32; i++)
        dst[i] = ref[i] = (unsigned char)i;
    memmove(dst + 1, dst + 3, 20);
    for (i = 0; i < 20; i++)
        ref[1 + i] = (unsigned char)(3 + i);
    expect_bytes("memmove down", dst, ref, 32, 20, 1);
    /* ... and to a higher address, backwards. */
    for (i = 0; i < 32; i++)
        dst[i] = ref[i] = (unsigned char)i;
    memmove(dst + 5, dst + 2, 20);
    for (i = 0; i < 20; i++)
        ref[5 + i] = (unsigned char)(2 + i);
    expect_bytes("memmove up", dst, ref, 32, 20, 5);

    /* memset keeps only the low byte of c. */
    memset(dst, 0x1FF, 8);
    for (i = 0; i < 8; i++)
        ref[i] = 0xFF;
    expect_bytes("memset 0x1FF", dst, ref, 8, 8, 0);

    return check_summary("test_string");
}
