/*
 * tests/unit/test_elf.c - host-side unit tests of elf_check() (lab 1,
 * exercise 3), compiled for x86_64 by `make unit` against your
 * lab1-boot/hv/elf.c (or, in a course tree that has the reference
 * solutions, against solutions/lab1-boot/hv/elf.c: tools/unit-tests picks
 * the file below when it exists, else the same path under lab1-boot/).
 *
 * unit-sources: solutions/lab1-boot/hv/elf.c
 *
 * Each case starts from a small valid image and breaks one thing; the
 * check must refuse it with a message naming the problem, and must never
 * read outside the image (run under valgrind or -fsanitize=address to see).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include <hv/elf.h>

#define LIMIT 0xFC000000u

/* The tests never call the skeleton stub, but elf.c references it. */
void exercise_todo(int lab, int ex, const char *name, const char *file,
                   const char *func)
{
    (void)lab, (void)ex, (void)name, (void)file, (void)func;
}

struct image {
    uint8_t bytes[0x3000];
    size_t len;
};

static Elf32_Ehdr *ehdr(struct image *im) { return (Elf32_Ehdr *)im->bytes; }
static Elf32_Phdr *phdr(struct image *im, int i)
{
    return (Elf32_Phdr *)(im->bytes + sizeof(Elf32_Ehdr)) + i;
}

/* A valid kernel: text at 0xC0000000 (0x1000 bytes), data+bss after it. */
static void make_valid(struct image *im)
{
    Elf32_Ehdr *e = ehdr(im);
    memset(im, 0, sizeof(*im));
    memcpy(e->e_ident, "\177ELF", 4);
    e->e_ident[EI_CLASS] = ELFCLASS32;
    e->e_ident[EI_DATA] = ELFDATA2LSB;
    e->e_ident[6] = 1;
    e->e_type = ET_EXEC;
    e->e_machine = EM_386;
    e->e_version = 1;
    e->e_entry = 0xC0000010;
    e->e_phoff = sizeof(Elf32_Ehdr);
    e->e_ehsize = sizeof(Elf32_Ehdr);
    e->e_phentsize = sizeof(Elf32_Phdr);
    e->e_phnum = 2;
    *phdr(im, 0) = (Elf32_Phdr){ PT_LOAD, 0x1000, 0xC0000000, 0xC0000000,
                                 0x1000, 0x1000, 5, 0x1000 };
    *phdr(im, 1) = (Elf32_Phdr){ PT_LOAD, 0x2000, 0xC0001000, 0xC0001000,
                                 0x800, 0x3000, 6, 0x1000 };
    im->len = 0x2800;
}

/*
 * n PT_LOAD segments of one page each, header i at 0xC0000000 + (n-1-i)
 * pages (the highest address first, so that sorting has work to do); no
 * file bytes, entry in the lowest.
 */
static void make_many(struct image *im, unsigned int n)
{
    unsigned int i;

    make_valid(im);
    ehdr(im)->e_phnum = (uint16_t)n;
    for (i = 0; i < n; i++) {
        uint32_t va = 0xC0000000u + (n - 1 - i) * 0x1000u;
        *phdr(im, i) = (Elf32_Phdr){ PT_LOAD, 0, va, va, 0, 0x1000, 6, 0x1000 };
    }
}

static void expect_ok(const char *name, struct image *im, struct elf_info *out)
{
    char why[200] = "";
    CHECKF(elf_check(im->bytes, im->len, LIMIT, out, why, sizeof(why)) == 0,
           "%s: refused a valid image: %s", name, why);
}

static void expect_refused(const char *name, struct image *im, const char *needle)
{
    char why[200] = "";
    struct elf_info info;
    if (elf_check(im->bytes, im->len, LIMIT, &info, why, sizeof(why)) == 0)
        CHECKF(0, "%s: accepted a bad image", name);
    else
        CHECKF(strstr(why, needle), "%s: message \"%s\" does not mention \"%s\"", name, why,
               needle);
}

int main(void)
{
    struct image im;
    struct elf_info info;

    make_valid(&im);
    expect_ok("valid", &im, &info);
    CHECKF(info.entry == 0xC0000010 && info.vstart == 0xC0000000 &&
               info.vend == 0xC0004000 && info.phnum == 2,
           "valid: info entry %#x vstart %#x vend %#x phnum %u", info.entry, info.vstart,
           info.vend, info.phnum);

    make_valid(&im); im.len = 20;
    expect_refused("shorter than a header", &im, "truncated");
    make_valid(&im); im.bytes[0] = '#';
    expect_refused("bad magic", &im, "not an ELF file: magic 23 45 4c 46");
    make_valid(&im); im.bytes[EI_CLASS] = ELFCLASS64;
    expect_refused("64-bit", &im, "class 2 (64-bit)");
    make_valid(&im); im.bytes[EI_DATA] = 2;
    expect_refused("big-endian", &im, "data encoding 2");
    make_valid(&im); ehdr(&im)->e_machine = 62;
    expect_refused("x86-64 machine", &im, "machine 62");
    make_valid(&im); ehdr(&im)->e_type = 3;
    expect_refused("shared object", &im, "type 3");
    make_valid(&im); ehdr(&im)->e_phentsize = 40;
    expect_refused("phentsize", &im, "program header size 40");
    make_valid(&im); ehdr(&im)->e_phoff = 0x27F0;
    expect_refused("phdrs past the end", &im, "truncated");
    make_valid(&im); ehdr(&im)->e_phoff = 0xFFFFFFF0u;
    expect_refused("phoff wraps", &im, "truncated");
    make_valid(&im); phdr(&im, 1)->p_filesz = 0x900;
    expect_refused("segment past the end", &im, "segment 1 has file bytes");
    make_valid(&im); phdr(&im, 1)->p_offset = 0xFFFFF800u;
    expect_refused("segment offset wraps", &im, "truncated");
    make_valid(&im); phdr(&im, 1)->p_memsz = 0x100;
    expect_refused("filesz > memsz", &im, "larger than memory size");
    make_valid(&im); phdr(&im, 0)->p_vaddr = 0xFC000000u; ehdr(&im)->e_entry = 0xFC000010u;
    expect_refused("segment in the hole", &im, "not below 0xfc000000");
    make_valid(&im); phdr(&im, 1)->p_vaddr = 0xFBFFF000u;
    expect_refused("segment runs into the hole", &im, "not below 0xfc000000");
    make_valid(&im); phdr(&im, 1)->p_vaddr = 0xFFFFF000u;
    expect_refused("segment wraps around", &im, "not below");
    make_valid(&im); phdr(&im, 1)->p_vaddr = 0xC0000800u;
    expect_refused("overlapping segments", &im, "overlaps segment 0");
    make_valid(&im); ehdr(&im)->e_entry = 0xB0000000u;
    expect_refused("entry outside", &im, "entry point 0xb0000000");
    make_valid(&im); phdr(&im, 0)->p_type = PT_NULL; phdr(&im, 1)->p_type = PT_NULL;
    expect_refused("no PT_LOAD", &im, "no loadable");

    /* A segment that ends exactly at the hole is fine. */
    make_valid(&im);
    phdr(&im, 1)->p_vaddr = 0xFBFFD000u;
    expect_ok("segment ending at the hole", &im, &info);
    CHECKF(info.vend == 0xFC000000u, "segment ending at the hole: vend %#x", info.vend);
    /* Segments sharing a page but not bytes do not overlap. */
    make_valid(&im);
    phdr(&im, 0)->p_memsz = 0x800; phdr(&im, 0)->p_filesz = 0x800;
    phdr(&im, 1)->p_vaddr = 0xC0000800u;
    expect_ok("adjacent segments in one page", &im, &info);

    /* Issue 10 item 5: the number of program headers is bounded... */
    make_valid(&im); ehdr(&im)->e_phnum = ELF_MAX_PHNUM + 1;
    expect_refused("one program header too many", &im, "65 program headers, at most 64");
    make_valid(&im); ehdr(&im)->e_phnum = 65535;
    expect_refused("65535 program headers", &im, "65535 program headers, at most 64");
    /* ... and the overlap check still finds every overlap. */
    make_many(&im, ELF_MAX_PHNUM);
    expect_ok("64 disjoint PT_LOADs in reverse order", &im, &info);
    CHECKF(info.vstart == 0xC0000000u && info.vend == 0xC0040000u,
           "64 segments: vstart %#x vend %#x", info.vstart, info.vend);
    make_many(&im, ELF_MAX_PHNUM); phdr(&im, 0)->p_vaddr = 0xC0000800u;
    expect_refused("last-placed segment overlaps the first", &im, "overlaps segment");
    make_many(&im, ELF_MAX_PHNUM); phdr(&im, 63)->p_memsz = 0x40000;
    expect_refused("lowest segment covers all others", &im, "overlaps segment");
    make_many(&im, ELF_MAX_PHNUM); phdr(&im, 30)->p_vaddr = phdr(&im, 10)->p_vaddr;
    expect_refused("two segments at one address", &im, "segment 30 at");
    /* An empty segment between two overlapping ones does not hide them. */
    make_valid(&im); ehdr(&im)->e_phnum = 3;
    phdr(&im, 1)->p_vaddr = 0xC0000800u;
    *phdr(&im, 2) = (Elf32_Phdr){ PT_LOAD, 0x1000, 0xC0000400, 0xC0000400, 0, 0, 6, 0x1000 };
    expect_refused("empty segment between overlapping ones", &im, "overlaps segment 0");

    return check_summary("test_elf");
}
