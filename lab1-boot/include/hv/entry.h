/*
 * hv/entry.h - the facts hv/entry.S and C share about the trap frame
 * (lab 1, given).  Safe to include from assembly.
 *
 * entry.S builds a struct cpu_user_regs (hv/x86.h) by pushing registers;
 * these numbers say how big it is and where each field lands.  hv/x86.h
 * checks every one of them against the structure with _Static_assert, so
 * changing the structure without entry.S (or the reverse) fails the build.
 */
#ifndef HV_ENTRY_H
#define HV_ENTRY_H

#define UREGS_ebx 0
#define UREGS_ecx 4
#define UREGS_edx 8
#define UREGS_esi 12
#define UREGS_edi 16
#define UREGS_ebp 20
#define UREGS_eax 24
#define UREGS_ds 28
#define UREGS_es 32
#define UREGS_fs 36
#define UREGS_gs 40
#define UREGS_entry_vector 44
#define UREGS_error_code 48
#define UREGS_eip 52
#define UREGS_cs 56
#define UREGS_eflags 60
#define UREGS_esp 64
#define UREGS_ss 68
#define UREGS_SIZE 72 /* sizeof(struct cpu_user_regs) */

/* Each vector's entry stub is this many bytes from the previous one:
 * entry.S pads every stub to it (and fails to assemble if one is longer);
 * init_idt() points gate v at trap_stubs_start + v * TRAP_STUB_SIZE. */
#define TRAP_STUB_SIZE 16

/*
 * What hv/entry.S's hypercall entry reads in C's structures, so that the
 * hot path needs no call to find it.  hv/sched.h checks each against the
 * structures with _Static_assert.
 */
#define VCPU_domain 0            /* struct vcpu: ->domain                  */
#define VCPU_nr_traps 2136       /* struct vcpu: ->nr_traps                */
#define DOMAIN_state 40          /* struct domain: ->state                 */
#define DOMAIN_shared_info 240   /* struct domain: ->shared_info           */
#define DOMAIN_STATE_RUNNING 3   /* enum domain_state: DOMSTATE_running    */
#define SHINFO_upcall_pending 0  /* shared_info: vcpu_info[0].evtchn_upcall_pending */

#endif /* HV_ENTRY_H */
