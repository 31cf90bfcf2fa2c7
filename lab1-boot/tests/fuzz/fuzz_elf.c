/*
 * tests/fuzz/fuzz_elf.c - libFuzzer harness for elf_check() (lab 1,
 * exercise 3; issue 15).  tools/host-fuzz builds it for the host with
 * AddressSanitizer and UBSan: any read outside the image, any overflow,
 * any accepted image that breaks the promises of hv/elf.h aborts.
 *
 * fuzz-sources: solutions/lab1-boot/hv/elf.c
 *
 * No suppressions: an e_phoff that is not a multiple of 4 (which would
 * make elf_check() read Elf32_Phdr fields at misaligned addresses, as
 * this fuzzer's first run found) is refused by check 3 itself.
 * The corpus (corpus/elf/) holds a real guest kernel and broken ones.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <hv/elf.h>

#define LIMIT 0xFC000000u

/* The skeleton's stub calls it; the solution never does. */
void exercise_todo(int lab, int ex, const char *name, const char *file,
                   const char *func)
{
    (void)lab, (void)ex, (void)name, (void)file, (void)func;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A copy of exactly `size` bytes on the heap: ASan sees every byte
     * read past the end, which a module in memory would not show. */
    uint8_t *image = malloc(size ? size : 1);
    struct elf_info info;
    char why[160];
    unsigned int i;

    memcpy(image, data, size);
    memset(why, 0x55, sizeof(why));
    if (elf_check(image, size, LIMIT, &info, why, sizeof(why)) == 0) {
        /* Accepted: every promise the builder relies on must hold. */
        if ((const uint8_t *)info.phdrs < image ||
            (const uint8_t *)(info.phdrs + info.phnum) > image + size)
            abort();
        for (i = 0; i < info.phnum; i++) {
            const Elf32_Phdr *p = &info.phdrs[i];
            if (p->p_type != PT_LOAD)
                continue;
            if ((uint64_t)p->p_offset + p->p_filesz > size || p->p_filesz > p->p_memsz ||
                (uint64_t)p->p_vaddr + p->p_memsz > LIMIT)
                abort();
        }
        if (info.vstart > info.vend || info.vend > LIMIT)
            abort();
    } else if (!memchr(why, '\0', sizeof(why)) || !why[0]) {
        abort(); /* refused without a terminated reason */
    }
    free(image);
    return 0;
}
