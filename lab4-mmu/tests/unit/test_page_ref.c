/*
 * tests/unit/test_page_ref.c - host-side unit tests of the frame table's
 * reference counts (lab 4, exercise 1), compiled for x86_64 by `make unit`
 * against your lab4-mmu/hv/page_ref.c (or the reference solution, when the
 * tree has solutions/).
 *
 * unit-sources: solutions/lab4-mmu/hv/page_ref.c
 *
 * Everything page_ref.c calls outside itself is a stub here that records
 * the call: alloc_page_type (validation, exercises 2-3: the test decides
 * whether it succeeds, and may take references from inside it, as a real
 * table does), free_page_type, free_domheap_page, flush_tlb_local, panic.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include <hv/page_type.h>

struct page_info frame_table[MAX_FRAMES];
unsigned long max_page = 64;

/* ---- stubs ---- */
static int validate_result = 1, nr_alloc, nr_free_type, nr_freed, nr_flush;
static unsigned long last_freed = ~0UL;
static void (*during_validation)(struct page_info *pg);
static jmp_buf panic_jmp;
static int expect_panic, panicked;

void exercise_todo(int lab, int ex, const char *name, const char *file,
                   const char *func)
{
    printf("exercise_todo: lab %d exercise %d (%s) in %s:%s\n", lab, ex, name,
           file, func);
    failures++;
}
void printk(const char *fmt, ...) { (void)fmt; }
void panic(const char *fmt, ...)
{
    panicked++;
    if (expect_panic)
        longjmp(panic_jmp, 1);
    printf("FAIL: unexpected panic: %s\n", fmt);
    exit(1);
}
int alloc_page_type(struct page_info *pg, uint32_t type)
{
    (void)type;
    nr_alloc++;
    if (during_validation)
        during_validation(pg);
    return validate_result;
}
void free_page_type(struct page_info *pg, uint32_t type)
{
    (void)pg, (void)type;
    nr_free_type++;
}
void free_domheap_page(struct page_info *pg)
{
    nr_freed++;
    last_freed = page_to_mfn(pg);
}
void flush_tlb_local(void) { nr_flush++; }

/* ---- helpers ---- */
static struct domain *dom_a = (struct domain *)&frame_table[1];
static struct domain *dom_b = (struct domain *)&frame_table[2];

/* A frame of d with its allocation reference, no type. */
static struct page_info *owned(unsigned long mfn, struct domain *d)
{
    struct page_info *pg = &frame_table[mfn];
    pg->owner = d;
    pg->count_info = PGC_allocated | 1;
    pg->type_info = 0;
    return pg;
}
static unsigned int count(const struct page_info *pg) { return pg->count_info & PGC_count_mask; }
static unsigned int tcount(const struct page_info *pg) { return pg->type_info & PGT_count_mask; }
static uint32_t type(const struct page_info *pg) { return pg->type_info & PGT_type_mask; }

/* Does calling fn(pg) panic? */
static int panics(void (*fn)(struct page_info *), struct page_info *pg)
{
    int before = panicked;
    expect_panic = 1;
    if (!setjmp(panic_jmp))
        fn(pg);
    expect_panic = 0;
    return panicked > before;
}

/* ---- the tests ---- */
static void test_get_put_page(void)
{
    struct page_info *pg = owned(10, dom_a);

    CHECK(get_page(pg, dom_a) == 1 && count(pg) == 2);
    CHECK(get_page(pg, dom_b) == 0 && count(pg) == 2);   /* not b's */
    CHECK(get_page(pg, NULL) == 0);
    put_page(pg);
    CHECK(count(pg) == 1 && nr_freed == 0);
    CHECK(pg->count_info & PGC_allocated);
    put_page(pg);                                           /* the last one */
    CHECK(nr_freed == 1 && last_freed == 10);
    pg->count_info = PGC_allocated;                         /* count 0: being freed */
    CHECK(get_page(pg, dom_a) == 0);
    CHECK(panics(put_page, pg));                            /* nothing to drop */
    pg = owned(11, NULL);                                   /* the hypervisor's */
    CHECK(get_page(pg, NULL) == 0 && get_page(pg, dom_a) == 0);
    pg = owned(12, dom_a);
    pg->count_info = PGC_allocated | PGC_count_mask;        /* would overflow */
    CHECK(get_page(pg, dom_a) == 0 && count(pg) == PGC_count_mask);
    CHECK(get_page_from_pagenr(max_page, dom_a) == 0);
    owned(13, dom_a);
    CHECK(get_page_from_pagenr(13, dom_a) == 1 && count(&frame_table[13]) == 2);
}

static void test_types(void)
{
    struct page_info *pg = owned(20, dom_a);
    int allocs = nr_alloc, flushes = nr_flush;

    /* writable: no validation, validated at once */
    CHECK(get_page_type(pg, PGT_writable_page) == 1);
    CHECK(type(pg) == PGT_writable_page && tcount(pg) == 1 && (pg->type_info & PGT_validated));
    CHECK(nr_alloc == allocs);
    CHECK(get_page_type(pg, PGT_writable_page) == 1 && tcount(pg) == 2);
    CHECK(get_page_type(pg, PGT_l1_page_table) == 0);       /* in use as writable */
    CHECK(tcount(pg) == 2 && type(pg) == PGT_writable_page);
    put_page_type(pg);
    put_page_type(pg);
    CHECK(tcount(pg) == 0 && nr_free_type == 0);           /* not a table */

    /* count 0: the type may change; L1 is validated, the TLB flushed */
    CHECK(get_page_type(pg, PGT_l1_page_table) == 1);
    CHECK(type(pg) == PGT_l1_page_table && tcount(pg) == 1 && (pg->type_info & PGT_validated));
    CHECK(nr_alloc == allocs + 1 && nr_flush == flushes + 1);
    CHECK(get_page_type(pg, PGT_l1_page_table) == 1 && nr_alloc == allocs + 1);
    CHECK(get_page_type(pg, PGT_writable_page) == 0);       /* a table: never writable */
    CHECK(get_page_type(pg, PGT_l2_page_table) == 0);
    put_page_type(pg);
    CHECK(nr_free_type == 0 && tcount(pg) == 1);
    put_page_type(pg);                                      /* last: released */
    CHECK(nr_free_type == 1 && tcount(pg) == 0 && !(pg->type_info & PGT_validated));
    CHECK(panics(put_page_type, pg));

    /* a table at count 0 is validated again when used again */
    CHECK(get_page_type(pg, PGT_l1_page_table) == 1 && nr_alloc == allocs + 2);
    put_page_type(pg);

    /* failed validation: nothing held, type none */
    validate_result = 0;
    CHECK(get_page_type(pg, PGT_l2_page_table) == 0);
    CHECK(tcount(pg) == 0 && type(pg) == PGT_none && !(pg->type_info & PGT_validated));
    validate_result = 1;

    /* overflow of the type count */
    pg->type_info = PGT_writable_page | PGT_validated | PGT_count_mask;
    CHECK(get_page_type(pg, PGT_writable_page) == 0);
    pg->type_info = 0;
}

/* An L2 whose entry points back at itself asks for the L1 type on itself
 * while being validated: it must be refused, because the frame is
 * already typed L2 (count 1) - the linear page table of XSA-240. */
static int self_ref_result = -1;
static void take_l1_on_self(struct page_info *pg)
{
    self_ref_result = get_page_type(pg, PGT_l1_page_table);
}

static void test_self_reference(void)
{
    struct page_info *pg = owned(30, dom_a);

    during_validation = take_l1_on_self;
    CHECK(get_page_type(pg, PGT_l2_page_table) == 1);
    during_validation = NULL;
    CHECK(self_ref_result == 0);
    CHECK(type(pg) == PGT_l2_page_table && tcount(pg) == 1);
    put_page_type(pg);
}

static void test_pairs(void)
{
    struct page_info *pg = owned(40, dom_a);

    CHECK(get_page_and_type(pg, dom_b, PGT_writable_page) == 0);
    CHECK(count(pg) == 1 && tcount(pg) == 0);
    CHECK(get_page_and_type(pg, dom_a, PGT_l1_page_table) == 1);
    CHECK(count(pg) == 2 && tcount(pg) == 1);
    CHECK(get_page_and_type(pg, dom_a, PGT_writable_page) == 0);
    CHECK(count(pg) == 2 && tcount(pg) == 1);               /* general ref given back */
    put_page_and_type(pg);
    CHECK(count(pg) == 1 && tcount(pg) == 0);
    /* a frame freed with a type reference still held is a bug */
    pg->type_info = PGT_writable_page | PGT_validated | 1;
    CHECK(panics(put_page, pg));
}

int main(void)
{
    test_get_put_page();
    test_types();
    test_self_reference();
    test_pairs();
    return check_summary("test_page_ref");
}
