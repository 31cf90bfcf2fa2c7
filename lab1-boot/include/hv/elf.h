/*
 * hv/elf.h - ELF32 executables, as the domain builder sees them (lab 1).
 *
 * elf_check() is exercise 3.  It is pure logic over a byte array, so it is
 * also compiled for the host and unit-tested there (tests/unit/).
 */
#ifndef HV_ELF_H
#define HV_ELF_H

#include <stddef.h>
#include <stdint.h>

#define EI_NIDENT 16
#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define EM_386 3
#define PT_NULL 0
#define PT_LOAD 1

typedef struct {
    uint8_t e_ident[EI_NIDENT];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint32_t e_entry;
    uint32_t e_phoff;
    uint32_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
} Elf32_Ehdr;

typedef struct {
    uint32_t p_type;
    uint32_t p_offset;
    uint32_t p_vaddr;
    uint32_t p_paddr;
    uint32_t p_filesz;
    uint32_t p_memsz;
    uint32_t p_flags;
    uint32_t p_align;
} Elf32_Phdr;

/*
 * The most program headers elf_check() accepts.  A kernel has a handful
 * (ours: two PT_LOAD and a GNU_STACK); e_phnum is 16 bits, and a hostile
 * image with 65 535 of them must not keep the hypervisor busy: the bound,
 * and checks that take O(n log n), keep every check short.
 */
#define ELF_MAX_PHNUM 64

/* What the builder needs from a checked image. */
struct elf_info {
    uint32_t entry;      /* e_entry                                        */
    uint32_t vstart;     /* lowest p_vaddr of a PT_LOAD, rounded down to a page */
    uint32_t vend;       /* highest p_vaddr + p_memsz, rounded up to a page */
    const Elf32_Phdr *phdrs; /* the program headers, inside the image     */
    unsigned int phnum;
};

/*
 * Check that image[0..len) is an ELF32 i386 executable a domain can be
 * built from, with every loadable segment inside [0, limit).  On success
 * fill *info and return 0.  On failure write one sentence saying what is
 * wrong, with the values involved, into why[0..whylen) and return -1.
 */
int elf_check(const uint8_t *image, size_t len, uint32_t limit,
              struct elf_info *info, char *why, size_t whylen);

#endif /* HV_ELF_H */
