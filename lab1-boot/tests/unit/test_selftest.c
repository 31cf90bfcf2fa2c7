/*
 * tests/unit/test_selftest.c - host-side unit test of the usable-frame
 * count (lab 1, hv/selftest.c).  count_usable_frames() asks the frame rule
 * once per stretch between boundaries; here it must agree with asking
 * the rule for every frame, on memory maps made to be awkward: regions
 * that start and end inside a page, overlap, leave holes, run past the
 * direct map or sit reserved inside RAM, with the image and the modules
 * at odd addresses.
 *
 * unit-sources:
 */
#include <check.h>
#include <stdarg.h>
#include <stdlib.h>

/* selftest.c, with what it uses of the rest of the hypervisor stubbed
 * (the image's bounds renamed: the host's C library has its own _start). */
#define _start image_start
#define _erodata image_end
#include "../../hv/selftest.c"

struct boot_info boot_info;
char image_start[4], image_end[4];
void printk(const char *fmt, ...) { (void)fmt; }
void result(const char *fmt, ...) { (void)fmt; }
unsigned long alloc_frame(void) { return INVALID_MFN; }
void free_frame(unsigned long mfn) { (void)mfn; }
unsigned long nr_free_frames(void) { return 0; }
const char *hv_cmdline_option(const char *key)
{
    (void)key;
    return NULL;
}

/* The definition: every frame asked on its own. */
static unsigned long count_frame_by_frame(void)
{
    unsigned long mfn, n = 0;

    for (mfn = 0; mfn < MAX_FRAMES; mfn++)
        n += !frame_must_not_be_free(mfn);
    return n;
}

/* An address near a page boundary more often than not. */
static uint64_t some_address(uint64_t limit)
{
    uint64_t a = (uint64_t)rand() % limit;

    switch (rand() % 4) {
    case 0: return a & ~(uint64_t)(PAGE_SIZE - 1);       /* on a boundary */
    case 1: return (a & ~(uint64_t)(PAGE_SIZE - 1)) + 1; /* just after */
    case 2: return (a | (PAGE_SIZE - 1));                /* last byte */
    default: return a;
    }
}

static void random_boot_info(void)
{
    /* up to twice the direct map, so regions run past MAX_FRAMES */
    uint64_t limit = 2 * (uint64_t)MAX_FRAMES * PAGE_SIZE;
    unsigned int i;

    boot_info.nr_memmap = 1 + (unsigned int)rand() % MAX_MEMMAP;
    for (i = 0; i < boot_info.nr_memmap; i++) {
        struct memmap_region *r = &boot_info.memmap[i];
        r->addr = some_address(limit);
        r->len = some_address(limit / 2) + 1;
        r->type = rand() % 3 ? E820_RAM : 2;
    }
    boot_info.nr_modules = (unsigned int)rand() % (MAX_MODULES + 1);
    for (i = 0; i < boot_info.nr_modules; i++) {
        boot_info.modules[i].start = (unsigned long)some_address(limit / 2);
        boot_info.modules[i].end = boot_info.modules[i].start +
                                   (unsigned long)some_address(1 << 20);
    }
    boot_info.hv_start = (unsigned long)some_address(16 << 20);
    boot_info.hv_end = boot_info.hv_start + (unsigned long)some_address(1 << 20) + 1;
}

int main(void)
{
    unsigned int round;

    /* QEMU's 32 MiB map with the image at 1 MiB and two modules. */
    boot_info = (struct boot_info){
        .nr_memmap = 3,
        .memmap = { { 0, 0x9fc00, E820_RAM }, { 0xf0000, 0x10000, 2 }, { 0x100000, 0x1f00000, E820_RAM } },
        .nr_modules = 2,
        .modules = { { .start = 0x160000, .end = 0x171d38 },
                     { .start = 0x172000, .end = 0x183d38 } },
        .hv_start = 0x100000,
        .hv_end = 0x15a000,
    };
    CHECKF(count_usable_frames() == count_frame_by_frame(),
           "QEMU's map: %lu by stretches, %lu frame by frame", count_usable_frames(),
           count_frame_by_frame());
    srand(1);
    for (round = 0; round < 3000; round++) {
        unsigned long fast, slow;
        random_boot_info();
        fast = count_usable_frames();
        slow = count_frame_by_frame();
        CHECKF(fast == slow, "round %u: %lu by stretches, %lu frame by frame (%u regions, "
                             "%u modules)",
               round, fast, slow, boot_info.nr_memmap, boot_info.nr_modules);
    }
    return check_summary("test_selftest");
}
