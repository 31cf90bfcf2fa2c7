/*
 * tests/fuzz/fuzz_cmdline.c - libFuzzer harness for the module command
 * line: option_value() (the hypervisor's and the guest's key=value
 * lookup), strtoul() and parse_size() (mem=), all in common/string.c
 * (lab 1; issue 15).  Built for the host with ASan and UBSan by
 * tools/host-fuzz; the input is split into a key and a command line.
 *
 * fuzz-sources: lab1-boot/common/string.c
 * fuzz-cflags: -fno-builtin -Dmemcpy=pk_memcpy -Dmemmove=pk_memmove -Dmemset=pk_memset -Dmemcmp=pk_memcmp -Dstrlen=pk_strlen -Dstrnlen=pk_strnlen -Dstrcmp=pk_strcmp -Dstrncmp=pk_strncmp -Dstrchr=pk_strchr -Dstrlcpy=pk_strlcpy -Dstrtoul=pk_strtoul
 */
#include <stdint.h>
#include <stdlib.h>
#include <common/string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* input = key '\n' line; both NUL-terminated copies on the heap */
    size_t k = 0, vsize = data && size ? 1 + data[0] % 64 : 1;
    char *key, *line, *value = malloc(vsize), *end;
    const char *got;
    long long bytes;

    while (k < size && data[k] != '\n')
        k++;
    key = malloc(k + 1);
    line = malloc(size - (k < size ? k + 1 : size) + 1);
    memcpy(key, data, k);
    key[k] = '\0';
    if (k < size)
        memcpy(line, data + k + 1, size - k - 1);
    line[k < size ? size - k - 1 : 0] = '\0';

    got = option_value(line, key, value, vsize);
    if (got && (got != value || strlen(value) >= vsize))
        abort();
    strtoul(line, &end, 0);
    if (end < line || end > line + strlen(line))
        abort();
    bytes = parse_size(line);
    if (bytes < -1 || bytes > (1LL << 40))
        abort();
    if (got) {
        bytes = parse_size(value);
        if (bytes < -1 || bytes > (1LL << 40))
            abort();
    }
    free(key);
    free(line);
    free(value);
    return 0;
}
