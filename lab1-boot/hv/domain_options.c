/*
 * hv/domain_options.c - the module command line's options (lab 1, given).
 *
 * The table of options every lab registers (REGISTER_DOMAIN_OPTION,
 * hv/hooks.h), its uniqueness check at boot, the `tables` listing, and
 * parse_domain_options(), which reads "key=value ..." from a module's
 * command line - text from the boot loader, so untrusted.  It is in a
 * file of its own, apart from hv/domain.c, so that the host fuzzer
 * (tests/fuzz/fuzz_domopts.c) can build it with the sanitisers: it needs
 * only the string and format functions and the table.
 */
#include <hv/domain.h>
#include <hv/lib.h>

extern const struct domain_option __domain_options_start[],
    __domain_options_end[];

/* A key registered twice is a bug in the later lab (hv/hooks.h): say
 * which two files, before any module is parsed. */
static void check_domain_options(void)
{
    const struct domain_option *a, *b;
    char what[48];

    for (a = __domain_options_start; a < __domain_options_end; a++)
        for (b = a + 1; b < __domain_options_end; b++)
            if (!strcmp(a->key, b->key)) {
                snprintf(what, sizeof(what), "domain option '%s='", a->key);
                hook_wins(&a->origin, &b->origin, HOOK_UNIQUE, what);
            }
}
__initcall(check_domain_options);

/* The `tables` option: every option key with its parser and lab. */
void print_domain_options(void)
{
    const struct domain_option *o;

    for (o = __domain_options_start; o < __domain_options_end; o++) {
        printk("  option %s=: %s lab %u (%s)\n", o->key, o->origin.name,
               o->origin.lab, o->origin.file);
        result("table option key=%s fn=%s lab=%u", o->key, o->origin.name,
               o->origin.lab);
    }
}

static const struct domain_option *find_option(const char *key, size_t len)
{
    const struct domain_option *o;

    for (o = __domain_options_start; o < __domain_options_end; o++)
        if (strlen(o->key) == len && !strncmp(o->key, key, len))
            return o;
    return NULL;
}

static void list_known_options(char *buf, size_t size)
{
    const struct domain_option *o;
    size_t n = 0;

    buf[0] = '\0';
    for (o = __domain_options_start; o < __domain_options_end && n < size; o++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s=", n ? ", " : "", o->key);
}

/*
 * Options "key=value" separated by spaces; -1 with `why` on the first bad
 * one.  Everything after a lone "--" belongs to the guest kernel alone
 * (for example "priv.elf name=p -- op=cli"): the hypervisor does not parse
 * it, and the guest finds the whole line in start_info.cmd_line.
 */
int parse_domain_options(struct domain *d, const char *args, char *why,
                         unsigned int whylen)
{
    while (*args) {
        char word[128], known[128];
        const struct domain_option *o;
        const char *eq;
        size_t n = 0;

        while (*args == ' ')
            args++;
        while (args[n] && args[n] != ' ')
            n++;
        if (!n || (n == 2 && !strncmp(args, "--", 2)))
            break;
        if (n >= sizeof(word)) {
            snprintf(why, whylen, "option too long (%u characters)", (unsigned)n);
            return -1;
        }
        memcpy(word, args, n);
        word[n] = '\0';
        args += n;
        eq = strchr(word, '=');
        o = find_option(word, eq ? (size_t)(eq - word) : n);
        if (!o) {
            list_known_options(known, sizeof(known));
            snprintf(why, whylen, "unknown option '%s' (known: %s)", word, known);
            return -1;
        }
        if (!eq) {
            snprintf(why, whylen, "option '%s' needs a value: %s", word, o->help);
            return -1;
        }
        if (o->parse(d, eq + 1, why, whylen) < 0)
            return -1;
    }
    return 0;
}
