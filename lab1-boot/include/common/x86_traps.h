/*
 * common/x86_traps.h - which exceptions push an error code (lab 1, given).
 *
 * One list for everything that builds or reads an exception frame: the
 * hypervisor's entry stubs (hv/entry.S), trap_has_error_code() (hv/traps.c,
 * which lab 2's bounce frames follow) and the guest's own stubs
 * (guest/trap_entry.S, lab 2).  Safe to include from assembly: the
 * expression also works in a gas `.if`.
 *
 * The i386 CPUs QEMU and Bochs model push an error code for #DF (8), #TS
 * (10), #NP (11), #SS (12), #GP (13), #PF (14) and #AC (17), and for no
 * other vector (QEMU's exception_has_error_code() lists exactly these).
 * Three later exceptions also push one but never happen here: #CP (21)
 * only with CET, which Parakeet never enables (CR4.CET stays 0), and #VC
 * (29) and #SX (30), which are AMD's, for SEV-ES guests and SVM.  Listing
 * them would be wrong, not just unused: an `int $21` has no error code,
 * and a stub that assumed one would misread the whole frame.
 */
#ifndef COMMON_X86_TRAPS_H
#define COMMON_X86_TRAPS_H

#define X86_TRAP_HAS_ERRCODE(v) \
    ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17)

#endif /* COMMON_X86_TRAPS_H */
