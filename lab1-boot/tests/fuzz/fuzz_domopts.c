/*
 * tests/fuzz/fuzz_domopts.c - libFuzzer harness for parse_domain_options()
 * (hv/domain_options.c), which reads a module's "key=value ..." options:
 * text from the boot loader, so untrusted (lab 1; issue 15).  Built for the
 * host with ASan and UBSan by tools/host-fuzz.  The input is the command
 * line.  The harness registers its own two options (a size, like mem=, and
 * a short word, like name=) in a section the host linker brackets with
 * __start_/__stop_ symbols, and checks what a caller relies on: the answer
 * is 0 or -1; a refusal says why in a NUL-terminated message that fits;
 * a parser only ever sees a NUL-terminated value shorter than an option
 * word (128).
 *
 * fuzz-sources: lab1-boot/hv/domain_options.c lab1-boot/common/string.c lab1-boot/common/format.c
 * fuzz-cflags: -DPARAKEET_LAB=1 -DHV_HOST_FUZZ -D__domain_options_start=__start_fuzz_domopts -D__domain_options_end=__stop_fuzz_domopts -fno-builtin -Dmemcpy=pk_memcpy -Dmemmove=pk_memmove -Dmemset=pk_memset -Dmemcmp=pk_memcmp -Dstrlen=pk_strlen -Dstrnlen=pk_strnlen -Dstrcmp=pk_strcmp -Dstrncmp=pk_strncmp -Dstrchr=pk_strchr -Dstrlcpy=pk_strlcpy -Dstrtoul=pk_strtoul -Dsnprintf=pk_snprintf -Dvsnprintf=pk_vsnprintf
 */
#include <stdint.h>
#include <stdlib.h>
#include <hv/domain.h>
#include <hv/lib.h>

static unsigned long nr_parsed;

static void check_value(const char *value)
{
    if (strlen(value) >= 128)
        abort();
    nr_parsed++;
}
static int fuzz_size(struct domain *d, const char *value, char *why, unsigned int whylen)
{
    (void)d;
    check_value(value);
    if (parse_size(value) < 0) {
        snprintf(why, whylen, "size=%s is not a size", value);
        return -1;
    }
    return 0;
}
static int fuzz_word(struct domain *d, const char *value, char *why, unsigned int whylen)
{
    (void)d;
    check_value(value);
    if (!*value || strlen(value) > 15) {
        snprintf(why, whylen, "word=%s: 1 to 15 characters", value);
        return -1;
    }
    return 0;
}
/* Not instrumented by ASan (a redzone between them would break the walk). */
__attribute__((used, section("fuzz_domopts"), no_sanitize("address")))
static const struct domain_option opt_size = { "size", fuzz_size, "a size", HOOK_ORIGIN(fuzz_size) };
__attribute__((used, section("fuzz_domopts"), no_sanitize("address")))
static const struct domain_option opt_word = { "word", fuzz_word, "a word", HOOK_ORIGIN(fuzz_word) };

/* What the hypervisor's panic, printk and result do, for the host. */
void panic(const char *fmt, ...)
{
    (void)fmt;
    abort();
}
void printk(const char *fmt, ...)
{
    (void)fmt;
}
void result(const char *fmt, ...)
{
    (void)fmt;
}
int hook_wins(const struct hook_origin *old, const struct hook_origin *e,
              enum hook_rule rule, const char *what)
{
    (void)old, (void)e, (void)rule, (void)what;
    abort(); /* the harness's two keys differ */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *args = malloc(size + 1), why[80];
    size_t n;
    int rc;

    memcpy(args, data, size);
    args[size] = '\0';
    memset(why, 0x55, sizeof(why));
    rc = parse_domain_options(NULL, args, why, sizeof(why));
    if (rc != 0 && rc != -1)
        abort();
    if (rc == -1) {
        n = strnlen(why, sizeof(why));
        if (n == 0 || n == sizeof(why))
            abort();
    }
    free(args);
    return 0;
}
