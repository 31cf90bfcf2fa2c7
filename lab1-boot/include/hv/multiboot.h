/*
 * hv/multiboot.h - what the boot loader hands us (lab 1), and our copy of it.
 *
 * Multiboot (version 1) gives a physical pointer to a `multiboot_info` in
 * %ebx.  setup.c copies everything we need out of it into `struct
 * boot_info` before the frame allocator runs, so the loader's structures
 * never need protecting: only the hypervisor image and the modules do.
 */
#ifndef HV_MULTIBOOT_H
#define HV_MULTIBOOT_H

#include <stdint.h>
#include <hv/config.h>

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002
#define MBI_MEMLIMITS (1 << 0)
#define MBI_CMDLINE (1 << 2)
#define MBI_MODULES (1 << 3)
#define MBI_MEMMAP (1 << 6)

struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper; /* KiB below 1 MiB and above it        */
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct multiboot_module {
    uint32_t mod_start, mod_end; /* physical, end exclusive */
    uint32_t string;
    uint32_t reserved;
} __attribute__((packed));

/* A memory-map entry; `size` does not count itself. */
struct multiboot_mmap_entry {
    uint32_t size;
    uint64_t addr, len;
    uint32_t type; /* 1 = RAM usable by us; anything else is reserved */
} __attribute__((packed));

#define E820_RAM 1
#define MAX_MEMMAP 32

struct memmap_region {
    uint64_t addr, len;
    uint32_t type;
};

struct boot_module {
    unsigned long start, end; /* machine addresses, end exclusive     */
    char file[64];            /* first word of the module string      */
    char args[256];           /* the rest: the domain's options       */
};

/* Everything from the boot loader, copied into the hypervisor's own .bss. */
struct boot_info {
    unsigned int nr_memmap;
    struct memmap_region memmap[MAX_MEMMAP];
    unsigned int nr_modules;
    struct boot_module modules[MAX_MODULES];
    char cmdline[256];
    unsigned long hv_start, hv_end; /* machine addresses of our image     */
};

extern struct boot_info boot_info;

#endif /* HV_MULTIBOOT_H */
