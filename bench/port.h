/*
 * bench/port.h - the "port" the benchmarks run on: the few things a guest
 * kernel needs from the machine, with two build-time backends (issue 17;
 * uses labs 1-4).  This is Linux's paravirt_ops idea in miniature:
 *
 *   operation            paravirtual (port_pv.c)       native (native/port.c)
 *   trap handlers        set_trap_table + direct gate  its own IDT
 *   page-table entry     mmu_update (queued)           a store + invlpg
 *   current-space entry  update_va_mapping             a store + invlpg
 *   switch space         mmuext NEW_BASEPTR            mov %cr3
 *   events off/on        the vcpu's upcall mask        cli / sti
 *   timer event          (lab 5's bench_sched)         the PIT's IRQ 0
 *   disk read            (lab 6's bench_io)            a copy from the image
 *   console, results     console_io, test_report       the UARTs
 *
 * bench/bench.c is compiled unchanged against either backend.
 */
#ifndef BENCH_PORT_H
#define BENCH_PORT_H

#include <stdint.h>

#define PORT_PAGE_SIZE 4096UL
#define PORT_USER_BASE 0x40000000UL /* one 4 MiB region of ring-3 pages */

/* Code and data a ring-3 program uses (user-accessible on both sides). */
#define PORT_USER_FN __attribute__((section(".user.text"), noinline))
#define PORT_USER_DATA __attribute__((section(".user.data")))
#define PORT_SYS_exit 1 /* int $0x80, %eax = number: anything else is a null call */

/* The deterministic clock: under make bench's settings rdtsc counts
 * instructions (QEMU -icount shift=0, Bochs clock sync=none). */
static inline uint64_t port_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc"
                     : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* How many times the hypervisor's timer tick has interrupted us so far:
 * each tick adds the tick handler's instructions to whatever rdtsc
 * measures.  Paravirtual: the updates of our vcpu_time_info (lab 5's tick
 * stamps it; before lab 5 nothing does, and this stays 0).  Native: 0
 * (no timer is programmed). */
unsigned long port_ticks(void);

struct port_space; /* a ring-3 address space: the kernel's mappings shared */

const char *port_name(void); /* "pv" or "native" */
int port_init(void);         /* traps, page tables: 0 or an error */
void port_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void port_exit(int code) __attribute__((noreturn));

/* Run entry in ring 3 with stack esp in the current space; returns when it
 * makes the exit system call. */
int port_run_user(void (*entry)(void), unsigned long esp);
/* While on, a page fault in the kernel skips a 5-byte `movl addr, %eax`. */
void port_skip_faults(int on);
void port_irq_disable(void);
void port_irq_enable(void);
/* A timer interrupt that is already due, taken: instructions from the
 * moment events are enabled to the timer handler's first instruction.
 * 0: this port does not measure it (paravirtualised, lab 5's
 * tests/bench_sched.c measures set_timer_op -> VIRQ_TIMER handler). */
uint64_t port_timer_latency(void);

/* Read count (1-8) 512-byte sectors from sector on into buf: 0, or -1
 * if this port has no disk or the range is not on it.  Native: the disk
 * image is a Multiboot module and a read copies its sectors, as lab 6's
 * disk_io hypercall does for domain 0.  Paravirtual: always -1 - a guest
 * reads through lab 6's split driver, which needs a second domain, so
 * lab 6's tests/bench_io.c measures that side of the workload. */
int port_block_read(unsigned long sector, unsigned int count, void *buf);

unsigned long port_frame_alloc(void); /* a zeroed... or not: a free frame */
void port_frame_free(unsigned long frame);
struct port_space *port_space_new(void);
void port_space_free(struct port_space *s);
/* Map frame (0: unmap) at user address va of s, writable.  queue=1 lets
 * the backend batch it until port_flush(). */
void port_map(struct port_space *s, unsigned long va, unsigned long frame, int queue);
void port_flush(void);
/* Change one entry of the current space (update_va_mapping, or a store). */
void port_map_current(unsigned long va, unsigned long frame);
void port_switch(struct port_space *s); /* NULL: the kernel's own tables */
/* fork: copy every page of from's user region into fresh frames of to. */
void port_space_copy(struct port_space *to, struct port_space *from);
void port_space_clear(struct port_space *s); /* unmap and free every page */

#endif /* BENCH_PORT_H */
