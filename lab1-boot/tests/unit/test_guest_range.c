/*
 * tests/unit/test_guest_range.c - host-side unit test of guest_range_ok()
 * (lab 1, include/hv/guest_access.h), the check in front of every guest
 * pointer the hypervisor follows: [addr, addr + len) must lie entirely
 * below HYPERVISOR_VIRT_START, and no choice of addr and len may wrap
 * around the top of the 32-bit address space to get past the test.
 *
 * Every 32-bit address near the edges (0, the hole's start, the top of
 * memory) is tried with every length near the edges, against a reference
 * computed in 64 bits, where addr + len cannot wrap.  Only the range
 * check is compiled here: the copy routines beside it are i386 assembly.
 * (On the host unsigned long has 64 bits, so a sum that would wrap only
 * in 32 bits cannot be seen here; on i386, lab 3's badptr and fuzz tests
 * pass the hypervisor such ranges.)
 */
#include <check.h>
#include <stdint.h>
#include <hv/guest_access.h>

/* The rule, computed where nothing wraps.  An empty range is fine
 * anywhere up to the hole's start (it touches nothing). */
static int reference(uint64_t addr, uint64_t len)
{
    return addr <= HYPERVISOR_VIRT_START && addr + len <= HYPERVISOR_VIRT_START;
}

static const uint64_t edges[] = {
    0, 1, 4095, 4096, HYPERVISOR_VIRT_START / 2,
    HYPERVISOR_VIRT_START - 4096, HYPERVISOR_VIRT_START - 64,
    HYPERVISOR_VIRT_START, HYPERVISOR_VIRT_START + 1,
    0xFFFFF000u, 0xFFFFFFE0u, 0xFFFFFFFFu,
};

int main(void)
{
    uint64_t base, len;
    unsigned int e, f;
    int64_t d;

    /* Addresses around each edge, lengths 0..64 and around each edge. */
    for (e = 0; e < sizeof(edges) / sizeof(edges[0]); e++)
        for (d = -70; d <= 70; d++) {
            base = edges[e] + (uint64_t)d;
            if (base > 0xFFFFFFFFu)
                continue;
            for (len = 0; len <= 64; len++)
                CHECKF(guest_range_ok((unsigned long)base, len) == reference(base, len),
                       "guest_range_ok(%#llx, %llu) = %d, want %d",
                       (unsigned long long)base, (unsigned long long)len,
                       guest_range_ok((unsigned long)base, len), reference(base, len));
            for (f = 0; f < sizeof(edges) / sizeof(edges[0]); f++) {
                len = edges[f];
                CHECKF(guest_range_ok((unsigned long)base, len) == reference(base, len),
                       "guest_range_ok(%#llx, %#llx) = %d, want %d",
                       (unsigned long long)base, (unsigned long long)len,
                       guest_range_ok((unsigned long)base, len), reference(base, len));
            }
        }

    /* The cases the hypervisor relies on, spelled out. */
    CHECK(guest_range_ok(HYPERVISOR_VIRT_START - 28, 28));   /* an evtchn_op at the top */
    CHECK(!guest_range_ok(HYPERVISOR_VIRT_START - 27, 28));  /* one byte in the hole */
    CHECK(!guest_range_ok(HYPERVISOR_VIRT_START, 1));
    CHECK(!guest_range_ok(0xFFFFFFF0u, 0x20));               /* would wrap in 32 bits */
    CHECK(!guest_range_ok(0, (size_t)HYPERVISOR_VIRT_START + 1));
    CHECK(guest_range_ok(0, HYPERVISOR_VIRT_START));         /* all of the guest's space */
    return check_summary("test_guest_range");
}
