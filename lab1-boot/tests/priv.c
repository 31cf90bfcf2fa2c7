/*
 * tests/priv.c - a guest that tries one privileged instruction (lab 1).
 * The option op= says which.  In ring 1 each of them raises #GP; the
 * hypervisor must destroy this domain, report the faulting address, and
 * go on with the next one.  The guest reports the address of the
 * instruction before executing it, so the test can compare the two.
 */
#include <guest/lib.h>

#define TRY(label, insn)                                                  \
    do {                                                                  \
        extern char label[];                                              \
        report("op=%s eip=%#lx", op, (unsigned long)label);               \
        __asm__ volatile(".globl " #label "\n" #label ": " insn ::: "memory"); \
    } while (0)

int main(void)
{
    const char *op = cmdline_option("op");

    if (!op) {
        printf("priv: give op=hlt|cli|lgdt|cr3|in|wrmsr\n");
        return 1;
    }
    if (!strcmp(op, "hlt"))
        TRY(priv_hlt, "hlt");
    else if (!strcmp(op, "cli"))
        TRY(priv_cli, "cli");
    else if (!strcmp(op, "lgdt"))
        TRY(priv_lgdt, "lgdt (0)");
    else if (!strcmp(op, "cr3"))
        TRY(priv_cr3, "mov %%eax, %%cr3");
    else if (!strcmp(op, "in"))
        TRY(priv_in, "inb $0x60, %%al");
    else if (!strcmp(op, "wrmsr"))
        TRY(priv_wrmsr, "wrmsr");
    else {
        printf("priv: unknown op=%s\n", op);
        return 1;
    }
    report("op=%s survived=1", op); /* must never be reached */
    return 0;
}
