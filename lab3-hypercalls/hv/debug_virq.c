/*
 * hv/debug_virq.c - an asynchronous event source for lab 3's tests
 * (given).  Lab 5 brings real timers; until then this Parakeet-only
 * hypercall programs the 8253 PIT to interrupt the machine periodically
 * and raises VIRQ_DEBUG for the domain that armed it, a given number of
 * times.  The interrupts land wherever the guest happens to be, which is
 * exactly what tests of the upcall path need.
 */
#include <hv/event.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/traps.h>

#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define IRQ_PIT 0

static unsigned long debug_remaining;
static struct vcpu *debug_target;
static int skip_stale_tick;

/*
 * Stop: mask IRQ 0, and put channel 0 in mode 0 without writing a count -
 * its output then stays low, so no new edge can latch a request in the PIC
 * that would fire the moment the next user unmasks the line.
 */
static void pit_stop(void)
{
    outb(0x21, inb(0x21) | 1);
    outb(PIT_CMD, 0x30);
    debug_remaining = 0;
    debug_target = NULL;
}

/* Is a request for IRQ 0 already latched in the PIC (OCW3: read IRR)? */
static int irq0_requested(void)
{
    outb(0x20, 0x0A);
    return inb(0x20) & 1;
}

/* A period the PIT can count (16 bits) and the guest can keep up with. */
long debug_virq_check_period(unsigned long period)
{
    if (period >= DEBUG_VIRQ_MIN_PERIOD && period <= 0xFFFF)
        return 0;
    printk("d%u: debug_virq: period %lu PIT ticks, expected %u..65535 (a "
           "shorter period leaves the guest no time between events)\n",
           current->domain->domain_id, period, DEBUG_VIRQ_MIN_PERIOD);
    return -EINVAL;
}

/* debug_virq(count, period): see public/event_channel.h. */
static long do_debug_virq(unsigned long count, unsigned long period)
{
    if (count == 0) {
        pit_stop();
        return 0;
    }
    if (debug_virq_check_period(period))
        return -EINVAL;
    outb(PIT_CMD, 0x34);                 /* channel 0, lobyte/hibyte, mode 2 */
    outb(PIT_CH0, period & 0xFF);
    outb(PIT_CH0, (period >> 8) & 0xFF);
    debug_remaining = count;
    debug_target = current;
    skip_stale_tick = irq0_requested(); /* left over from an earlier user */
    pic_unmask(IRQ_PIT);
    return 0;
}
REGISTER_HYPERCALL(__HYPERVISOR_debug_virq, do_debug_virq);

static void debug_virq_tick(struct cpu_user_regs *regs)
{
    (void)regs;
    pic_eoi(IRQ_PIT);
    if (skip_stale_tick) {
        skip_stale_tick = 0;
        return;
    }
    if (!debug_remaining || !debug_target)
        return;
    send_guest_virq(debug_target, VIRQ_DEBUG);
    if (--debug_remaining == 0)
        pit_stop();
}
REGISTER_TRAP_HANDLER(FIRST_IRQ_VECTOR + IRQ_PIT, debug_virq_tick);

/* A domain's source dies with it. */
static void debug_virq_switch(struct vcpu *prev, struct vcpu *next)
{
    (void)next;
    if (prev && prev == debug_target)
        pit_stop();
}
REGISTER_VCPU_SWITCH_HOOK(debug_virq_switch);

/*
 * Could anything wake v from SCHEDOP_block?  Lab 5 adds its timers.  An
 * armed source is not enough: the event it raises must be able to wake v
 * (virq_can_wake), or a guest that armed it with VIRQ_DEBUG unbound or
 * masked would sleep through every tick, for as long as it asked.
 */
__weak int event_source_armed(struct vcpu *v)
{
    return debug_target == v && debug_remaining > 0 && virq_can_wake(v, VIRQ_DEBUG);
}

/*
 * xen_version(cmd, arg): 0 returns the version, major << 16 | minor.
 * Guests also use it as the cheapest hypercall there is: returning from
 * it delivers any pending event (Linux's force_evtchn_callback).
 */
static long do_xen_version(unsigned long cmd)
{
    return cmd == 0 ? (1 << 16) | 0 : -ENOSYS;
}
REGISTER_HYPERCALL(__HYPERVISOR_xen_version, do_xen_version);
