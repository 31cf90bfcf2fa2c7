/*
 * tests/hostile_calls.c - a guest kernel that attacks lab 3's hypercall
 * interface with the classes the other tests leave out (lab 3; issue 15).
 * Every attack must be refused with its documented error and change
 * nothing: after them, events are still delivered to the old callback.
 *
 * Classes (the names in the report lines):
 *   count.*    counts of every batch and buffer: 0, one past the limit,
 *              huge, negative (multicall, console_io, test_report)
 *   sel.*      the selector of set_callbacks: null, LDT, data, ring 3,
 *              beyond the GDT, the hypervisor's own code and TSS
 *   reenter.*  a multicall of multicalls (each refused alone), and a page
 *              fault inside the event callback (bounced to our handler
 *              while the callback runs; the callback then finishes)
 */
#include <guest/events.h>
#include <guest/traps.h>

static struct mc_batch batch;
static volatile unsigned long port_hits, pf_in_callback;
static volatile int in_callback;
static multicall_entry_t inner[2];
static long port_a, port_b;

static void on_page_fault(struct trap_frame *f)
{
    if (in_callback)
        pf_in_callback++;
    f->eip += 5; /* past the `movl 0xB0000000, %eax` below (a1 + 4 bytes) */
}

/* The event handler touches unmapped memory: a #PF inside the callback. */
static void on_event(evtchn_port_t port)
{
    in_callback = 1;
    __asm__ volatile("movl 0xB0000000, %%eax\n nop" ::
                         : "eax", "memory");
    in_callback = 0;
    port_hits++;
}

static void counts(void)
{
    report("count multicall_zero=%ld", HYPERVISOR_multicall(batch.entries, 0));
    report("count multicall_limit_plus_one=%ld",
           HYPERVISOR_multicall(batch.entries, MAX_MULTICALL_ENTRIES + 1));
    report("count multicall_huge=%ld", HYPERVISOR_multicall(batch.entries, 0x7FFFFFFFUL));
    report("count multicall_negative=%ld", HYPERVISOR_multicall(batch.entries, -1UL));
    report("count console_io_negative=%ld", HYPERVISOR_console_io(CONSOLEIO_write, -1, "x"));
    report("count console_io_huge=%ld", HYPERVISOR_console_io(CONSOLEIO_write, 0x40000000, "x"));
    report("count test_report_zero=%ld", HYPERVISOR_test_report("x", 0));
    report("count test_report_negative=%ld", HYPERVISOR_test_report("x", -1UL));
    report("count debug_virq_period_zero=%ld", HYPERVISOR_debug_virq(1, 0));
    report("count debug_virq_period_huge=%ld", HYPERVISOR_debug_virq(1, 0x10000));
}

static void selectors(void)
{
    extern char hypervisor_callback[], failsafe_callback[];
    static const struct {
        const char *name;
        unsigned long sel;
    } bad[] = {
        { "null", 0x0000 },
        { "null_rpl1", 0x0001 },
        { "ldt", 0x000d },
        { "data", FLAT_KERNEL_DS },
        { "ring3_code", FLAT_USER_CS },
        { "beyond_gdt", 0xfff9 },
        { "hv_code", 0xe008 },
        { "hv_code_rpl1", 0xe009 },
        { "hv_tss", 0xe040 },
    };
    unsigned int i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        report("sel event_%s=%ld", bad[i].name,
               HYPERVISOR_set_callbacks(bad[i].sel, (unsigned long)hypervisor_callback,
                                        FLAT_KERNEL_CS, (unsigned long)failsafe_callback));
        report("sel failsafe_%s=%ld", bad[i].name,
               HYPERVISOR_set_callbacks(FLAT_KERNEL_CS, (unsigned long)hypervisor_callback,
                                        bad[i].sel, (unsigned long)failsafe_callback));
    }
}

static void reentrancy(void)
{
    unsigned int i;
    long rc, refused = 0;

    /* A full batch of multicalls, each pointing at a valid inner batch. */
    inner[0].op = __HYPERVISOR_xen_version;
    batch.n = 0;
    for (i = 0; i < MAX_MULTICALL_ENTRIES; i++)
        mc_add(&batch, __HYPERVISOR_multicall, (unsigned long)inner, 1, 0);
    rc = HYPERVISOR_multicall(batch.entries, batch.n);
    for (i = 0; i < batch.n; i++)
        if ((long)batch.entries[i].result == -EINVAL)
            refused++;
    report("reenter multicall_of_multicalls rc=%ld refused=%ld inner_ran=%d", rc, refused,
           inner[0].result != 0);
    batch.n = 0;

    /* A page fault inside the event callback. */
    set_trap_callback(14, on_page_fault);
    port_a = evtchn_alloc_unbound_self();
    port_b = evtchn_bind_interdomain_self((evtchn_port_t)port_a);
    bind_evtchn_to_handler((evtchn_port_t)port_a, on_event);
    for (i = 0; i < 10; i++)
        evtchn_send((evtchn_port_t)port_b);
    report("reenter fault_in_callback sends=10 hits=%lu faults=%lu", port_hits, pf_in_callback);
}

int main(void)
{
    long rc = traps_init();

    report("init traps=%ld events=%ld", rc, events_init());
    counts();
    selectors();
    reentrancy();
    /* Everything refused changed nothing: an event still arrives. */
    port_hits = pf_in_callback = 0;
    rc = evtchn_send((evtchn_port_t)port_b);
    report("after send=%ld hits=%lu faults=%lu", rc, port_hits, pf_in_callback);
    return 0;
}
