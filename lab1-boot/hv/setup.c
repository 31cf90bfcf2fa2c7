/*
 * hv/setup.c - start_hypervisor(), the C entry point (lab 1, given).
 *
 * boot.S arrives here with paging on, running at 0xFC5xxxxx on hv_stack.
 * The order below matters and is the table of contents of lab 1:
 *   0. our own GDT and a null LDT (see load_null_ldt);
 *   1. the console, so that everything after can report;
 *   2. copy what the boot loader gave us (memory map, modules, command
 *      lines) into our own .bss, so its structures need no protection;
 *   3. exercise 1: the frame allocator, then a memory summary;
 *   4. exercise 2: GDT and TSS; then the IDT, the PIC;
 *   5. initcalls: start-up work registered by this and later labs (and
 *      with the option `tables`, every table printed: hv/hooks.h);
 *   6. the self-tests asked for on the command line;
 *   7. run the domains, one module after another (hv/domain.c).
 */
#include <hv/desc.h>
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/init.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/multiboot.h>
#include <hv/sched.h>
#include <hv/traps.h>

struct boot_info boot_info;

extern char _start[], _end[];

/* Copy a C string from a physical address the boot loader gave us. */
static void copy_boot_string(char *dst, size_t size, uint32_t pa)
{
    if (!pa || pa >= DIRECTMAP_SIZE) {
        dst[0] = '\0';
        return;
    }
    strlcpy(dst, (const char *)__va(pa), size);
}

/*
 * Split "FILE ARGS..." into its first word and the rest.  QEMU passes the
 * path it was given as the first word; keep only its last component, so
 * the hypervisor sees the same "hello.elf" from QEMU and from GRUB.
 */
static void split_module_string(struct boot_module *m, const char *s)
{
    const char *p;
    size_t n = 0;

    while (*s == ' ')
        s++;
    for (p = s; *p && *p != ' '; p++)
        if (*p == '/')
            s = p + 1;
    while (s[n] && s[n] != ' ' && n + 1 < sizeof(m->file))
        n++;
    memcpy(m->file, s, n);
    m->file[n] = '\0';
    s += n;
    while (*s && *s != ' ') /* a file name too long for m->file: skip rest */
        s++;
    while (*s == ' ')
        s++;
    strlcpy(m->args, s, sizeof(m->args));
}

static void parse_multiboot(uint32_t magic, uint32_t mbi_pa)
{
    const struct multiboot_info *mbi = __va(mbi_pa);
    struct boot_info *bi = &boot_info;

    if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
        panic("not started by a Multiboot loader: magic %#x, expected 0x2badb002",
              magic);

    bi->hv_start = __pa(_start);
    bi->hv_end = __pa(_end);

    if (mbi->flags & MBI_CMDLINE)
        copy_boot_string(bi->cmdline, sizeof(bi->cmdline), mbi->cmdline);

    if (mbi->flags & MBI_MEMMAP) {
        uint32_t off = 0;
        while (off < mbi->mmap_length && bi->nr_memmap < MAX_MEMMAP) {
            const struct multiboot_mmap_entry *e = __va(mbi->mmap_addr + off);
            bi->memmap[bi->nr_memmap].addr = e->addr;
            bi->memmap[bi->nr_memmap].len = e->len;
            bi->memmap[bi->nr_memmap].type = e->type;
            bi->nr_memmap++;
            off += e->size + sizeof(e->size);
        }
    } else if (mbi->flags & MBI_MEMLIMITS) {
        /* No map: fall back to "low memory" and "memory above 1 MiB". */
        bi->memmap[0] = (struct memmap_region){ 0, (uint64_t)mbi->mem_lower << 10, E820_RAM };
        bi->memmap[1] = (struct memmap_region){ 1 << 20, (uint64_t)mbi->mem_upper << 10, E820_RAM };
        bi->nr_memmap = 2;
    } else {
        panic("the boot loader gave no memory information (flags %#x)", mbi->flags);
    }

    if (mbi->flags & MBI_MODULES) {
        const struct multiboot_module *mods = __va(mbi->mods_addr);
        uint32_t i;
        for (i = 0; i < mbi->mods_count; i++) {
            struct boot_module *m = &bi->modules[bi->nr_modules];
            char str[320];
            if (bi->nr_modules == MAX_MODULES) {
                printk("module %u and later ignored: at most %d modules\n", i,
                       MAX_MODULES);
                break;
            }
            m->start = mods[i].mod_start;
            m->end = mods[i].mod_end;
            copy_boot_string(str, sizeof(str), mods[i].string);
            split_module_string(m, str);
            bi->nr_modules++;
        }
    }
}

/* The machine's RAM in MiB: the end of the highest RAM region, rounded up. */
static unsigned long ram_top_mib(void)
{
    uint64_t top = 0;
    unsigned int i;
    for (i = 0; i < boot_info.nr_memmap; i++) {
        const struct memmap_region *r = &boot_info.memmap[i];
        if (r->type == E820_RAM && r->addr + r->len > top)
            top = r->addr + r->len;
    }
    return (unsigned long)((top + (1 << 20) - 1) >> 20);
}

static void print_boot_summary(void)
{
    const struct boot_info *bi = &boot_info;
    unsigned int i;

    printk("Parakeet hypervisor, image at %#lx-%#lx, command line \"%s\"\n",
           bi->hv_start, bi->hv_end, bi->cmdline);
    for (i = 0; i < bi->nr_memmap; i++)
        printk("  memory %#010llx-%#010llx %s\n",
               (unsigned long long)bi->memmap[i].addr,
               (unsigned long long)(bi->memmap[i].addr + bi->memmap[i].len),
               bi->memmap[i].type == E820_RAM ? "RAM" : "reserved");
    for (i = 0; i < bi->nr_modules; i++) {
        const struct boot_module *m = &bi->modules[i];
        printk("  module %u: %s \"%s\" at %#lx, %lu bytes\n", i, m->file,
               m->args, m->start, m->end - m->start);
        result("module %u file=%s args=\"%s\" bytes=%lu", i, m->file, m->args,
               m->end - m->start);
    }
}

static void print_memory_summary(void)
{
    unsigned long free = nr_free_frames();
    printk("memory: %lu MiB RAM, %lu frames free (%lu KiB) for domains\n",
           ram_top_mib(), free, free * (PAGE_SIZE / 1024));
    result("memory ram_mib=%lu free_frames=%lu", ram_top_mib(), free);
    /* What the free count must be: every RAM frame above 1 MiB outside
     * the hypervisor and the modules (counted by hv/selftest.c). */
    result("memory usable_frames=%lu", count_usable_frames());
}

/*
 * The hypervisor's own command line: "selftest=frames verbose".  Returns
 * the value of key ("" for a bare key), or NULL when key is absent.
 */
const char *hv_cmdline_option(const char *key)
{
    static char value[64];
    return option_value(boot_info.cmdline, key, value, sizeof(value));
}

extern const struct initcall_entry __initcall_start[], __initcall_end[];

/* The `tables` option: the initcalls in the order they ran. */
static void print_initcalls(void)
{
    const struct initcall_entry *call;

    for (call = __initcall_start; call < __initcall_end; call++) {
        printk("  initcall: %s lab %u (%s)\n", call->origin.name,
               call->origin.lab, call->origin.file);
        result("table initcall fn=%s lab=%u", call->origin.name,
               call->origin.lab);
    }
}

/*
 * The option `tables`: how this build's labs resolved every table of
 * hv/hooks.h, one line each with the lab the entry came from (also on the
 * result channel for `make tables`).  Weak hooks are resolved by the
 * linker, not at boot: `make tables` finds them in the objects.
 */
void print_tables(void)
{
    printk("tables (hv/hooks.h: hypercalls and vectors highest lab wins, "
           "options unique, initcalls, switch and domain hooks all run):\n");
    print_hypercall_table();
    print_trap_table();
    print_domain_options();
    print_initcalls();
    print_vcpu_switch_hooks();
    print_domain_hooks();
    result("table end");
}

void do_initcalls(void)
{
    const struct initcall_entry *call;
    for (call = __initcall_start; call < __initcall_end; call++)
        call->fn();
}

/*
 * The LDT register is never loaded by the boot loader: it keeps its reset
 * value, base 0 and limit 0xFFFF, so a selector with the table-indicator
 * bit set (TI, bit 2) would read its descriptor from linear address 0 -
 * guest memory.  A guest could put a call gate to our code segment there
 * and run in ring 0.  Load the null selector: every TI=1 selector then
 * raises #GP.  (Lab 4's MMUEXT_SET_LDT installs a guest's LDT only after
 * checking every descriptor in it.)
 */
static void load_null_ldt(void)
{
    __asm__ volatile("lldt %w0" : : "r"(0));
}

void start_hypervisor(uint32_t magic, uint32_t mbi_pa)
{
    unsigned int i;

    init_early_gdt();
    load_null_ldt();
    console_init();
    parse_multiboot(magic, mbi_pa);

    /*
     * Drop the identity mapping boot.S needed for the jump to high
     * addresses: from now on low addresses belong to guests only, and a
     * stray NULL pointer in the hypervisor faults instead of reading RAM.
     */
    for (i = 0; i < DIRECTMAP_NR_L1; i++)
        idle_pg_table[i] = 0;
    init_m2p();                         /* slot 1008: the read-only m2p */
    write_cr3(__pa(idle_pg_table));

    print_boot_summary();
    init_frame_allocator(&boot_info);   /* exercise 1 */
    print_memory_summary();

    init_gdt_and_tss();                 /* exercise 2 */
    init_idt();
    init_pic();

    do_initcalls();
    if (hv_cmdline_option("tables"))
        print_tables();
    integrity_init();
    run_selftests();
    start_domains();                    /* exercises 3, 4 and 5 run here */
}
