/*
 * hv/panic.c - when the hypervisor itself is wrong (lab 1, given).
 *
 * A guest can never cause a panic: anything a guest does wrong ends that
 * guest.  A panic is the hypervisor's own bug (or an unfinished exercise
 * that broke it), so it prints everything that helps find it - the
 * message, the registers, a backtrace - and ends the run with status 3.
 * Turn a backtrace address into a line with
 *     i686-linux-gnu-addr2line -e build/labN/hv.elf ADDRESS
 * or `info symbol ADDRESS` in `make gdb`.
 */
#include <hv/lib.h>
#include <hv/sched.h>
#include <hv/traps.h>

extern char hv_stack[], hv_stack_top[];
static int panicking;

/* Follow the chain of saved %ebp values (needs -fno-omit-frame-pointer). */
static void backtrace(uint32_t ebp, uint32_t eip)
{
    int depth = 0;

    printk("backtrace (innermost first):\n");
    printk("  %#x\n", eip);
    while (ebp >= (uint32_t)hv_stack && ebp + 8 <= (uint32_t)hv_stack_top &&
           depth++ < 32) {
        uint32_t *frame = (uint32_t *)ebp;
        printk("  %#x\n", frame[1]); /* the return address above saved %ebp */
        ebp = frame[0];
    }
}

void show_registers(const struct cpu_user_regs *regs)
{
    printk("eax %08x  ebx %08x  ecx %08x  edx %08x\n", regs->eax, regs->ebx,
           regs->ecx, regs->edx);
    printk("esi %08x  edi %08x  ebp %08x  eflags %08x\n", regs->esi, regs->edi,
           regs->ebp, regs->eflags);
    printk("eip %08x  cs %04x  ds %04x  es %04x  error code %08x\n", regs->eip,
           regs->cs & 0xFFFF, regs->ds & 0xFFFF, regs->es & 0xFFFF,
           regs->error_code);
    if (guest_mode(regs))
        printk("esp %08x  ss %04x (guest stack)\n", regs->esp, regs->ss & 0xFFFF);
    printk("cr0 %08x  cr2 %08x  cr3 %08x  cr4 %08x\n", read_cr0(), read_cr2(),
           read_cr3(), read_cr4());
}

static void __noreturn panic_end(void)
{
    if (current)
        printk("current domain: d%u (%s)\n", current->domain->domain_id,
               current->domain->name);
    machine_exit(3);
}

void panic(const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    uint32_t ebp;

    cli();
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (panicking++) /* a panic while panicking: say the least possible */
        machine_exit(3);
    printk("PANIC: %s\n", msg);
    result("panic: %s", msg);
    __asm__ volatile("mov %%ebp, %0" : "=r"(ebp));
    backtrace(ebp, (uint32_t)__builtin_return_address(0));
    panic_end();
}

void fatal_trap(struct cpu_user_regs *regs)
{
    unsigned int v = regs->entry_vector;

    if (panicking++)
        machine_exit(3);
    printk("PANIC: %s (vector %u) in the hypervisor at eip %#x\n", trap_name(v),
           v, regs->eip);
    result("panic: %s (vector %u) in the hypervisor at eip %#x", trap_name(v), v,
           regs->eip);
    show_registers(regs);
    backtrace(regs->ebp, regs->eip);
    panic_end();
}
