# Parakeet - the one entry point.  `make help` lists every target and variable.
#
# The layering rule (DESIGN.md): lab N is the union of lab1..labN - every
# hv/, guest/ and common/ source of those labs compiled into one hypervisor
# and one guest library, every tests/ guest built, every include/ on the
# path.  For the labs named in REF, each exercise file is taken from
# solutions/ instead of the lab directory.

.SUFFIXES:
.DELETE_ON_ERROR:
.SECONDARY:
SHELL := /bin/bash

# ---------------------------------------------------------------- variables
LAB_DIRS_ALL := $(sort $(wildcard lab[0-9]-*))
labnum = $(patsubst lab%,%,$(firstword $(subst -, ,$(1))))
MAX_LAB := $(lastword $(sort $(foreach d,$(LAB_DIRS_ALL),$(call labnum,$(d)))))

LAB ?= $(MAX_LAB)
REF ?=
TEST ?=
EMU ?= both
TESTS ?=
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
HIDDEN ?=
TIMEOUT_SCALE ?= 1
DEST ?=

ifeq ($(filter $(LAB),$(foreach d,$(LAB_DIRS_ALL),$(call labnum,$(d)))),)
$(error LAB=$(LAB): no directory lab$(LAB)-*; labs present: $(LAB_DIRS_ALL))
endif

# REF=all | N | N-M | empty  ->  the list of lab numbers built from solutions/
# (Counted by make itself, not a shell: every $(shell) is a new bash, and
# make test parses this file about 90 times.)
NUMBERS := 1 2 3 4 5 6 7 8 9
seq = $(wordlist $(1),$(2),$(NUMBERS))
REF_LABS := $(strip \
  $(if $(filter all,$(REF)),$(call seq,1,9), \
  $(if $(findstring -,$(REF)),$(call seq,$(word 1,$(subst -, ,$(REF))),$(word 2,$(subst -, ,$(REF)))), \
  $(REF))))

# A student release (make dist) has no solutions/: there REF= would quietly
# build the student's own files under a -ref name, so it stops instead.
HAVE_SOLUTIONS := $(wildcard solutions)
FOLDED = $(shell sed -n 's/^solutions folded in: //p' RELEASE 2>/dev/null)
ifneq ($(REF),)
ifeq ($(HAVE_SOLUTIONS),)
$(error REF=$(REF) needs solutions/, which a student release does not have$(if $(FOLDED), (this one already has labs $(FOLDED) solved: grade without REF=),; your instructor can ship a release with earlier labs solved: make dist REF=1-2))
endif
endif

LAB_DIRS := $(foreach d,$(LAB_DIRS_ALL),$(if $(filter $(call labnum,$(d)),$(call seq,1,$(LAB))),$(d)))
BUILD := build/lab$(LAB)$(if $(REF),-ref$(REF))

# V=1 shows every command; by default one short line per file.
# make prints that line itself ($(info)): a recipe line that expands to
# nothing starts no shell, and a shell a file for a printf was a seventh
# of a warm lab-6 build's CPU (2.2 -> 1.9 s, 2026-12-03).
V ?=
Q := $(if $(V),,@)
empty :=
say_tag = $(if $(filter CC AS LD AR,$(1)),$(1)  ,$(1))
say = $(if $(V),,$(info $(empty)  $(call say_tag,$(1)) $(2)))

# ---------------------------------------------------------------- toolchain
comma := ,
# tools/toolprefix finds i386-elf-, i686-elf-, i686-linux-gnu- or a host gcc
# whose -m32 really links; TOOLPREFIX= overrides.
# (Scripts are run through their interpreter, so a tree unpacked without
# execute bits - Python's zipfile does that - still builds.)  When none is
# found the prefix is a name that cannot exist, so the `toolchain` check
# below stops with one clear message instead of a host-gcc link error.
# (Asked once: a `?=` variable would run the script at every use.)
ifeq ($(origin TOOLPREFIX),undefined)
TOOLPREFIX := $(shell sh tools/toolprefix 2>/dev/null || echo no-i386-toolchain-found-)
endif
CROSS_GCC := $(TOOLPREFIX)gcc
# ccache, when installed (make deps installs it; CCACHE= turns it off):
# make test builds every lab twice (student files, REF=all) and most
# files are the same given code each time - 82 % of the compiles are
# hits even on a fresh clone (12 builds: 66 s of CPU -> 42 s, measured
# 2026-12-03).  Its cache is build/ccache, bounded (CCACHE_MAXSIZE), so
# it goes with `make clean` and is not shared between two trees (a
# submission graded beside another cannot reach its objects).
# COMPILE_CACHE=DIR names another cache: make test's releases (trees it
# makes itself from this one) use this tree's.  Sources are named
# relative to the tree, and CCACHE_NOHASHDIR leaves the tree's path out
# of the lookup, so the same file compiled the same way in another tree
# is a hit (its debug information then names the first tree's path).
ifeq ($(origin CCACHE),undefined)
CCACHE := $(if $(shell command -v ccache 2>/dev/null),ccache)
endif
COMPILE_CACHE ?= $(CURDIR)/build/ccache
# Its settings are exported to the recipes rather than set by `env` on
# each command line: one process fewer a compile.
CC := $(if $(CCACHE),$(CCACHE) )$(CROSS_GCC)
ifneq ($(CCACHE),)
export CCACHE_DIR := $(COMPILE_CACHE)
export CCACHE_MAXSIZE := 100M
export CCACHE_NOHASHDIR := 1
endif
LD := $(TOOLPREFIX)ld
AR := $(TOOLPREFIX)ar
OBJCOPY := $(TOOLPREFIX)objcopy
HOSTCC ?= cc
PYTHON ?= python3
# The build's own helpers need only Python's standard library, and one of
# them (tests/imagesum.py) runs once per guest that has image_sums,
# several times a build, dozens in make test.  -S skips site-packages and its .pth files,
# which some installations fill with imports: with this machine's pyenv
# Python a start took 40 ms of CPU, with -S 5 ms (2026-12-03).
PYTHON_TOOL = $(PYTHON) -S
# pyenv's python3 is a shim: a bash script that forks a dozen processes
# before Python starts (0.1 s a call on an idle machine, seconds on a busy
# one), and a build runs python3 dozens of times, make test hundreds.  When
# python3 is such a shim, the interpreter it stands for goes first on PATH
# for everything make runs (recursive makes then find no shim).  Asking
# the shim which interpreter it stands for is itself such a call, so it is
# asked once per build directory, when build/.python/python3.real is
# missing or its target is gone (after switching pyenv versions).
# build/.python/python3 runs it with -S (see PYTHON_TOOL): everything
# Parakeet runs in Python needs only the standard library, and a pyenv
# installation's site-packages may hold .pth files that import packages
# at every start (this machine's: 37 ms of CPU a start, 7 ms with -S;
# make test starts Python about 220 times, 2026-12-03).  Only its owner
# may run it: another user (a build user of grader/batch.py) goes on
# along PATH, as it did past the symlink into the owner's pyenv.
ifneq ($(findstring /shims/,$(shell command -v python3)),)
PYTHON_DIR := $(CURDIR)/build/.python
ifeq ($(shell test -x $(PYTHON_DIR)/python3.real && test -f $(PYTHON_DIR)/python3 && echo y),)
$(shell mkdir -p $(PYTHON_DIR) && ln -sfn "$$(python3 -c 'import sys; print(sys.executable)')" $(PYTHON_DIR)/python3.real && \
  rm -f $(PYTHON_DIR)/python3 && printf '#!/bin/sh\nexec "$${0%%/*}/python3.real" -S "$$@"\n' > $(PYTHON_DIR)/python3 && \
  chmod 700 $(PYTHON_DIR)/python3)
endif
export PATH := $(PYTHON_DIR):$(PATH)
endif

# -mstringop-strategy=unrolled_loop: gcc copies a structure (or zeroes
# one) with plain moves, never `rep movsl`, which QEMU -icount and Bochs
# count differently (make bench's instruction counts, handouts/bench.md).
# -falign-jumps=1 -falign-loops=1: no padding before a loop or a jump
# target.  -O2 pads them for real CPUs' instruction fetch, and the padding
# is nops that run every time - instructions on both emulators' count,
# and noise in GDB's disassembly.
CFLAGS := -std=gnu11 -m32 -march=i686 -O2 -g -mstringop-strategy=unrolled_loop \
  -falign-jumps=1 -falign-loops=1 \
  -ffreestanding -fno-pic -fno-pie -fno-stack-protector -nostdlib \
  -fno-omit-frame-pointer -fno-strict-aliasing -fno-asynchronous-unwind-tables \
  -mgeneral-regs-only -Wall -Wextra -Werror -Wno-unused-parameter -Wmissing-prototypes \
  -MMD -MP $(foreach d,$(LAB_DIRS),-I$(d)/include)
ASFLAGS := -m32 -fno-pic -fno-pie -D__ASSEMBLER__ -Wa,--noexecstack -MMD -MP \
  $(foreach d,$(LAB_DIRS),-I$(d)/include)
LDFLAGS := -m elf_i386 -nostdlib -static --build-id=none

# stamp FILE,TEXT: FILE holds TEXT, rewritten only when TEXT changes, so
# that its time says when TEXT last changed; expands to FILE.  Read and
# written by make itself ($(file)), with a mkdir only the first time:
# make test parses this file about ninety times, and four stamps made
# in shells were a thousand processes.
same = $(and $(findstring x$(1)x,x$(2)x),$(findstring x$(2)x,x$(1)x))
stamp = $(if $(call same,$(file <$(1)),$(2)),,$(if $(wildcard $(dir $(1))),,$(shell mkdir -p $(dir $(1))))$(file >$(1),$(2)))$(1)
# A changed CFLAGS or ASFLAGS rebuilds every object: a build directory
# keeps the flags its objects were compiled with in DIR/flags, and every
# object depends on that file.  (Without it, objects compiled before
# -mstringop-strategy kept their rep movsl.)
flags_stamp = $(call stamp,$(1)/flags,$(CFLAGS) | $(ASFLAGS))
# The same for what an image is linked from: FILE lists the objects
# (named relative to the build directory), and the image depends on it.
# make compares times, not lists, so an image whose list went back to an
# older object file - a SKEL_DIR build (tools/variant_build.py: one
# exercise undone, then the next variant with the solution's file
# again) - would otherwise never be relinked, and a guest would boot with
# the previous variant's code.
list_stamp = $(call stamp,$(1),$(2))
# Asked of the compiler once, when first needed (a link): as a plain `=`
# it ran gcc again at every link, 71 times a lab-6 build.
LIBGCC = $(eval LIBGCC := $$(shell $$(CROSS_GCC) -m32 -print-libgcc-file-name))$(LIBGCC)

# ---------------------------------------------------------------- sources
# pick(file): the solution copy when the file's lab is in REF and has one.
# SKEL_DIR=dir overrides both: a file at dir/<same path> is compiled
# instead (tools/check-exercises.py puts there a solution with one exercise
# left undone, to prove each test's `exercises =` list).
SKEL_DIR ?=
pick = $(or $(if $(SKEL_DIR),$(wildcard $(SKEL_DIR)/$(1))),$(if $(and $(filter $(call labnum,$(1)),$(REF_LABS)),$(wildcard solutions/$(1))),solutions/$(1),$(1)))
# Every source of a lab subdirectory, the lab's own and its exercise files.
lab_srcs = $(sort $(wildcard $(1)/$(2)/*.c $(1)/$(2)/*.S) \
  $(patsubst solutions/%,%,$(wildcard solutions/$(1)/$(2)/*.c solutions/$(1)/$(2)/*.S)))
srcs_of = $(foreach d,$(LAB_DIRS),$(foreach f,$(call lab_srcs,$(d),$(1)),$(call pick,$(f))))

HV_SRCS := $(call srcs_of,hv) $(call srcs_of,common)
GUEST_SRCS := $(call srcs_of,guest) $(call srcs_of,common)
obj = $(patsubst %,$(BUILD)/obj/%.o,$(basename $(1)))
HV_OBJS := $(call obj,$(HV_SRCS))
GUEST_OBJS := $(call obj,$(GUEST_SRCS))
HV_LDS := $(firstword $(wildcard $(foreach d,$(LAB_DIRS),$(d)/hv/hv.ld)))
GUEST_LDS := $(firstword $(wildcard $(foreach d,$(LAB_DIRS),$(d)/guest/guest.ld)))

TEST_SRCS := $(foreach d,$(LAB_DIRS),$(wildcard $(d)/tests/*.c))
# An instructor's hidden tests may bring their own test guests: HIDDEN/*.c
# (built for every lab) and HIDDEN/labN/*.c (built when N <= LAB, so they
# may use lab N's headers), compiled against the guest library like the
# lab's own and linked into the same guests/ directory.
HIDDEN_SRCS := $(if $(HIDDEN),$(wildcard $(HIDDEN)/*.c) \
  $(foreach d,$(LAB_DIRS),$(wildcard $(HIDDEN)/lab$(call labnum,$(d))/*.c)))
ifneq ($(HIDDEN_SRCS),)
HIDDEN_DUPS := $(shell printf '%s\n' $(notdir $(TEST_SRCS) $(HIDDEN_SRCS)) | sort | uniq -d)
ifneq ($(HIDDEN_DUPS),)
$(error HIDDEN=$(HIDDEN): test guest $(HIDDEN_DUPS) has the name of another guest; give it a new name)
endif
TEST_SRCS += $(HIDDEN_SRCS)
endif
GUESTS := $(patsubst %.c,$(BUILD)/guests/%.elf,$(notdir $(TEST_SRCS)))
# The guests that check their own image (tests/hello.c: an array
# image_sums, filled in after linking by tests/imagesum.py).  Only they
# are stamped: Python for each of 71 guests was a fifth of a warm lab-6
# build's CPU, for nothing in 70 of them.
IMAGE_SUMS_GUESTS := $(basename $(notdir $(shell grep -l '^uint32_t image_sums\[' $(TEST_SRCS) /dev/null)))
stamp_image_sums = $(if $(filter $(1),$(IMAGE_SUMS_GUESTS)),$(PYTHON_TOOL) lab1-boot/tests/imagesum.py $(2))
GUESTS_BOOT := $(patsubst $(BUILD)/guests/%,$(BUILD)/guests-boot/%,$(GUESTS))

HV := $(BUILD)/hv.elf
HV_BOOT := $(BUILD)/hv-boot.elf
LIBGUEST := $(BUILD)/libguest.a

# ---------------------------------------------------------------- layering
# (hv/hooks.h, docs/architecture.md)  Every file is compiled with
# -DPARAKEET_LAB=N, N read from the labN-* directory it comes from
# (labN-*/..., solutions/labN-*/... or SKEL_DIR/labN-*/...), so a table
# entry records its lab without anyone typing the number.
lab_of_path = $(call labnum,$(lastword $(filter lab%,$(subst /, ,$(1)))))
lab_define = $(if $(call lab_of_path,$(1)),-DPARAKEET_LAB=$(call lab_of_path,$(1)))

# Two labs' headers with one path under include/, or two test guests with
# one file name, fail the build naming both (the earlier lab's would win
# silently).  LAYERING_ALLOW lists later-lab files allowed to repeat an
# earlier name anyway, each with its reason in a comment; none today.
LAYERING_ALLOW :=
layering:
	@bash tools/check-layering $(foreach f,$(LAYERING_ALLOW),--allow $(f)) $(LAB_DIRS_ALL)
.PHONY: layering

# make tables: every hypercall, trap vector, option, initcall, switch hook
# and weak hook of this build with the lab it came from (tools/tables.py
# boots hv.elf with the option `tables` and reads the objects with nm).
tables: build
	$(Q)$(PYTHON) tools/tables.py --build $(BUILD) --lab $(LAB) --nm $(TOOLPREFIX)nm \
	  --hv-objs "$(HV_OBJS)" --guest-objs "$(GUEST_OBJS)" $(if $(CHECK),--check)
.PHONY: tables

# ---------------------------------------------------------------- targets
.PHONY: help all build run test trace grade qemu qemu-gdb qemu-record qemu-replay gdb bochs dist clean \
        skeletons check-skeletons check-exercises check-mutants check-bench doctor deps unit abi gradescope \
        handin fuzz fault-sweep analyze bench

all: build

help:
	@echo "Parakeet: a teaching hypervisor.  Targets:"
	@echo "  make run              build lab $(MAX_LAB) and boot its demo in QEMU: $(if $(HAVE_SOLUTIONS),the finished system (REF=all),your files (a release has no solutions))"
	@echo "  make test             everything CI checks (installs missing tools first)"
	@echo "  make build            build lab LAB into build/labN[-refSPEC]/"
	@echo "  make qemu             boot lab LAB's guests (TEST=name, default the demo) in QEMU; Ctrl-A X quits"
	@echo "  make trace            (lab 5 on) boot TEST in QEMU with the scheduler's trace on; draw its timeline SVG, print CPU shares"
	@echo "  make qemu-gdb         the same, halted, waiting for GDB on port $(GDBPORT)"
	@echo "  make gdb              attach GDB to make qemu-gdb, with the hypervisor's symbols"
	@echo "  make qemu-record      run TEST once as the grader does, recording it (QEMU record/replay)"
	@echo "  make qemu-replay      replay that recording, waiting for make gdb: reverse-stepi, reverse-continue"
	@echo "  make bochs            boot the same guests in Bochs (it enforces segment limits)"
	@echo "  make grade            grade labs 1..LAB against lab LAB's build"
	@echo "  make unit             host-side unit tests (ELF checks, formatting) and the ABI test"
	@echo "  make abi              the ABI test alone: public headers against Xen 3.0's sizes, offsets, numbers"
	@echo "  make tables           every hypercall, trap vector and hook of lab LAB with the lab it came from"
	@echo "  make skeletons        regenerate every skeleton from solutions/"
	@echo "  make check-skeletons  fail if a committed skeleton differs from the generator's"
	@echo "  make check-exercises  prove each test's exercises= list (one exercise left undone at a time)"
	@echo "  make check-mutants    every catalogued wrong answer fails a test (MUTANTS=1 or 1:name)"
	@echo "  make fuzz             the hypercall fuzzer guests - lab 3's, from lab 4 lab 4's, from lab 6 lab 6's as"
	@echo "                        domain 0 and as a domU (SEED, CALLS, TRACE, FUZZ_TESTS; QEMU, REF=all unless"
	@echo "                        given), then the host fuzzers (ELF check, command line, test specs) HOST_SECONDS each"
	@echo "  make analyze          cppcheck on every hypervisor, guest and test source (tools/static-check)"
	@echo "  make fault-sweep      failframe=N: every frame allocation of a domain build fails in turn"
	@echo "  make check-bench      instructions per hypercall, trap and event vs tools/bench-baseline.ini"
	@echo "  make bench            paravirtual vs native: instructions, wall time, build/bench/ (REF, EMU, BENCH_RUNS)"
	@echo "  make lint             shellcheck, pyflakes3 and clang-format in check mode (tools/lint)"
	@echo "  make check-links      every link in README.md and handouts/ resolves, here and in a release"
	@echo "  make doctor           check the tools, explain each problem and its fix"
	@echo "  make deps             install missing tools (apt-get) or print the command"
	@echo "  make dist DEST=dir    a student release: everything but solutions/ (REF=1-2: those labs solved in it; LABS=1-2: only those labs)"
	@echo "  make handin           handin-labN.zip for LAB: labs 1..N's directories and answers-labN.md"
	@echo "  make gradescope       build/gradescope/autograder.zip for LAB (EMU, REF, HIDDEN, JOBS, DEADLINE=420 s; timeouts x2)"
	@echo "  make clean            remove build/"
	@echo "Variables:"
	@echo "  LAB=N          which lab to build (default $(MAX_LAB), the highest present)"
	@echo "  REF=all|N|N-M  take those labs' exercise files from solutions/ (default: yours)"
	@echo "  TEST=name      which test's guests make qemu/bochs boot (default: the lab's demo)"
	@echo "  EMU=qemu|bochs|both   emulators for make grade (default both)"
	@echo "  TESTS=pattern  only grade tests matching (e.g. 'lab1/*' or hello)"
	@echo "  JOBS=N         parallel grading runs (default: cores, $(JOBS))"
	@echo "  HIDDEN=dir     extra test directory (an instructor's hidden tests: *.ini, and guests *.c, labN/*.c)"
	@echo "  TIMEOUT_SCALE=x  multiply every test timeout (slow machines)"
	@echo "  TOOLPREFIX=p   cross toolchain prefix (found: '$(TOOLPREFIX)')"
	@echo "  CCACHE=        compile without ccache (used when installed: '$(CCACHE)'; cache: build/ccache)"
	@echo "  COMPILE_CACHE=DIR  ccache's cache directory instead of build/ccache"
	@echo "  SKEL_DIR=dir   compile dir/labN-*/F instead of F where it exists (tools/check-exercises.py)"

deps:
	@bash tools/deps

doctor:
	@bash tools/doctor

build: layering $(HV) $(HV_BOOT) $(GUESTS) $(GUESTS_BOOT) lab-extras

FLAGS_STAMP := $(call flags_stamp,$(BUILD))
HV_OBJS_STAMP := $(call list_stamp,$(BUILD)/hv-objs,$(patsubst $(BUILD)/%,%,$(HV_OBJS)))
GUEST_OBJS_STAMP := $(call list_stamp,$(BUILD)/guest-objs,$(patsubst $(BUILD)/%,%,$(GUEST_OBJS)))
NATIVE_FLAGS_STAMP := $(call flags_stamp,build/bench)

# The commands that make the build's files run without bash: GNU make
# starts a command that needs no shell (a compile, a link) itself when
# SHELL is /bin/sh, and through a new bash for every command otherwise
# (89 bash processes for a lab-1 build, 2026-12-03).  Only other targets
# (make trace's pipefail) need bash.
$(BUILD)/%: SHELL := /bin/sh
build/bench/%: SHELL := /bin/sh

# Each directory is made once, by the first file that needs it (an
# order-only prerequisite, $$(@D)/.), not by a mkdir for every file.
.SECONDEXPANSION:
%/.:
	@mkdir -p $@

$(BUILD)/obj/%.o: %.c $(FLAGS_STAMP) | toolchain $$(@D)/.
	@$(call say,CC,$<)
	$(Q)$(CC) $(CFLAGS) $(call lab_define,$<) -c $< -o $@

$(BUILD)/obj/%.o: %.S $(FLAGS_STAMP) | toolchain $$(@D)/.
	@$(call say,AS,$<)
	$(Q)$(CC) $(ASFLAGS) $(call lab_define,$<) -c $< -o $@

$(HV): $(HV_OBJS) $(HV_LDS) $(HV_OBJS_STAMP)
	@$(call say,LD,$@)
	$(Q)$(LD) $(LDFLAGS) -T $(HV_LDS) -o $@ $(HV_OBJS) $(LIBGCC)

# What GRUB loads on Bochs (grader/emulators.py): hv.elf without its debug
# sections.  GRUB's multiboot loader reads and moves the whole file byte
# by byte: 4.4 M of its 49 M instructions for a 280 KB hv.elf, against
# 70 KB stripped.  hv.elf keeps them, for GDB and addr2line.
$(HV_BOOT): $(HV)
	@$(call say,STRIP,$@)
	$(Q)$(OBJCOPY) --strip-debug $< $@

$(LIBGUEST): $(GUEST_OBJS) $(GUEST_OBJS_STAMP)
	@rm -f $@
	@$(call say,AR,$@)
	$(Q)$(AR) rcs $@ $(GUEST_OBJS)

# The guest library is linked whole: ld takes an archive member only to
# resolve an undefined symbol, never to replace a weak definition, so a
# later lab's strong override (lab 4's make_user_pages over lab 2's weak
# one) would be silently ignored in every guest that does not call the
# later lab's code itself.
$(BUILD)/guests/%.elf: $(BUILD)/obj/tests/%.o $(LIBGUEST) $(GUEST_LDS) | $$(@D)/.
	@$(call say,LD,$@)
	$(Q)$(LD) $(LDFLAGS) -T $(GUEST_LDS) -o $@ $< --whole-archive $(LIBGUEST) --no-whole-archive $(LIBGCC)
	$(Q)$(call stamp_image_sums,$*,$@)

# What the emulators load as a test's modules (grader/emulators.py), for
# the same reason as hv-boot.elf: a guest is 48 KB without its debug
# sections and 190 KB with them, and on Bochs GRUB spends 1.7 M
# instructions reading and moving the difference.  The loaded segments,
# their checksums (imagesum.py) and the symbols are the same; guests/
# keeps the debug sections for GDB (make gdb's add-guest).  Lab 1's
# malformed modules (tests/bad-modules.mk) have no copy here: they are
# loaded byte for byte as mkbad.py wrote them.
$(BUILD)/guests-boot/%.elf: $(BUILD)/guests/%.elf | $$(@D)/.
	@$(call say,STRIP,$@)
	$(Q)$(OBJCOPY) --strip-debug $< $@

# One clear message when there is no cross compiler (tools/deps installs one).
toolchain:
	@command -v $(CROSS_GCC) >/dev/null 2>&1 || { \
	  echo "error: no i386 cross compiler found$(if $(filter no-i386-toolchain-found-,$(TOOLPREFIX)), (tools/toolprefix tried i386-elf-$(comma) i686-elf-$(comma) i686-linux-gnu- and gcc -m32), (TOOLPREFIX='$(TOOLPREFIX)': no '$(CROSS_GCC)'))."; \
	  echo "       run 'make deps' to install one, or set TOOLPREFIX=, e.g. TOOLPREFIX=i686-elf-"; \
	  exit 1; }
.PHONY: toolchain

# Test guests are found by name in any lab's tests/ directory.
vpath %.c $(foreach d,$(LAB_DIRS),$(d)/tests) $(sort $(dir $(HIDDEN_SRCS)))
$(BUILD)/obj/tests/%.o: %.c $(FLAGS_STAMP) | toolchain $$(@D)/.
	@$(call say,CC,$<)
	$(Q)$(CC) $(CFLAGS) $(call lab_define,$<) $(if $(HIDDEN_SRCS),-I$(HIDDEN)) -c $< -o $@

# A lab may add build rules for extra modules in tests/*.mk; they add
# their outputs to LAB_EXTRAS.
LAB_EXTRAS :=
include $(wildcard $(foreach d,$(LAB_DIRS),$(d)/tests/*.mk))
lab-extras: $(LAB_EXTRAS)
.PHONY: lab-extras

-include $(HV_OBJS:.o=.d) $(GUEST_OBJS:.o=.d) $(patsubst $(BUILD)/guests/%.elf,$(BUILD)/obj/tests/%.d,$(GUESTS))

# ---------------------------------------------------------------- bench
# make bench (issue 17, handouts/bench.md): bench/bench.c built twice -
# as a guest of lab LAB's build (bench/port_pv.c, from lab 4 on) and as a
# native ring-0 kernel (bench/native/, no hypervisor, no guest library) -
# then tools/bench.py boots both and writes build/bench/.
BENCH_RUNS ?= 5
BENCH_PV := $(BUILD)/guests/bench_pv.elf
NATIVE := build/bench/native.elf
NATIVE_SRCS := bench/bench.c $(wildcard bench/native/*.c bench/native/*.S) \
  lab2-traps/guest/trap_entry.S lab1-boot/common/format.c lab1-boot/common/string.c
NATIVE_OBJS := $(patsubst %,build/bench/obj/%.o,$(basename $(NATIVE_SRCS)))

$(BENCH_PV): $(BUILD)/obj/bench/bench.o $(BUILD)/obj/bench/port_pv.o $(LIBGUEST) $(GUEST_LDS) | $$(@D)/.
	@$(call say,LD,$@)
	$(Q)$(LD) $(LDFLAGS) -T $(GUEST_LDS) -o $@ $(filter %.o,$^) --whole-archive $(LIBGUEST) --no-whole-archive $(LIBGCC)

build/bench/obj/%.o: %.c $(NATIVE_FLAGS_STAMP) | toolchain $$(@D)/.
	@$(call say,CC,$<)
	$(Q)$(CC) $(CFLAGS) -DPORT_NATIVE -Ibench -c $< -o $@

build/bench/obj/%.o: %.S $(NATIVE_FLAGS_STAMP) | toolchain $$(@D)/.
	@$(call say,AS,$<)
	$(Q)$(CC) $(ASFLAGS) -c $< -o $@

$(NATIVE): $(NATIVE_OBJS) bench/native/native.ld
	@$(call say,LD,$@)
	$(Q)$(LD) $(LDFLAGS) -T bench/native/native.ld -o $@ $(NATIVE_OBJS) $(LIBGCC)

# From lab 4 every build has the paravirtual bench guest, so the guard
# (tools/check-bench.py, in make test) finds it with the others.
ifneq ($(filter-out 1 2 3,$(LAB)),)
lab-extras: $(BENCH_PV)
-include $(BUILD)/obj/bench/bench.d $(BUILD)/obj/bench/port_pv.d
endif
-include $(NATIVE_OBJS:.o=.d)

# The native kernel's disk, its first Multiboot module, for work_block_io:
# lab 6's image, made by lab 6's script (no lab 6 here: no disk, no row).
NATIVE_DISK := build/bench/guests/disk.img
MKDISK := lab6-isolation/tests/mkdisk.py
$(NATIVE_DISK): $(MKDISK) | $$(@D)/.
	$(Q)$(PYTHON_TOOL) $(MKDISK) $@ 2048 >/dev/null

bench-build: build $(NATIVE) $(if $(wildcard $(MKDISK)),$(NATIVE_DISK)) \
  $(if $(filter-out 1 2 3,$(LAB)),$(BENCH_PV))
bench: bench-build
	@$(PYTHON) tools/bench.py --lab $(LAB) --build $(BUILD) --native $(NATIVE) \
	  --runs $(BENCH_RUNS) --emu $(EMU) --make-args "$(MAKE_ARGS_STR)"
.PHONY: bench bench-build

# ---------------------------------------------------------------- running
GDBPORT = $(shell expr 26000 + $$(id -u) % 5000)
MAKE_ARGS_STR := LAB=$(LAB)$(if $(REF), REF=$(REF))
RUN := $(PYTHON) grader/run.py --lab $(LAB) --build $(BUILD) $(if $(TEST),--test $(TEST)) $(if $(HIDDEN),--hidden $(HIDDEN))

qemu: build
	$(RUN) --emu qemu

qemu-gdb: build
	$(RUN) --emu qemu --gdb $(GDBPORT)

bochs: build
	$(RUN) --emu bochs

# Record a run (as grading runs it) and replay it under GDB, backwards too
# (grader/replay.py; QEMU only).  qemu-replay does not rebuild: a replay
# needs the very files that were recorded, and says so when they changed.
qemu-record: build
	$(RUN) --emu qemu --record

qemu-replay:
	$(RUN) --emu qemu --replay --gdb $(GDBPORT)

gdb:
	@sed -e 's|@PORT@|$(GDBPORT)|g' -e 's|@BUILD@|$(BUILD)|g' .gdbinit.tmpl > .gdbinit
	@echo "gdb: symbols from $(BUILD)/hv.elf, connecting to localhost:$(GDBPORT) (start make qemu-gdb or qemu-replay $(MAKE_ARGS_STR) first)"
	gdb -q -iex 'set auto-load local-gdbinit off' -x .gdbinit

grade: build
	$(PYTHON) grader/grade.py --lab $(LAB) --build $(BUILD) --emu $(EMU) \
	  --jobs $(JOBS) --timeout-scale $(TIMEOUT_SCALE) --make-args "$(MAKE_ARGS_STR)" \
	  $(if $(TESTS),--tests '$(TESTS)') $(if $(HIDDEN),--hidden $(HIDDEN))

# In a student release there is no finished system to boot: it boots the
# student's own files (the highest lab) and says so.
RUN_REF := $(if $(HAVE_SOLUTIONS),all)
run: deps
	@$(MAKE) --no-print-directory build LAB=$(MAX_LAB) $(if $(RUN_REF),REF=$(RUN_REF))
	@echo "run: booting $(if $(RUN_REF),the finished system (reference solutions$(comma) REF=all)$(comma) lab $(MAX_LAB),your files$(comma) lab $(MAX_LAB) (a student release has no reference solutions$(if $(FOLDED),; labs $(FOLDED) are solved in it)))"
	$(PYTHON) grader/run.py --lab $(MAX_LAB) --build build/lab$(MAX_LAB)$(if $(RUN_REF),-ref$(RUN_REF)) --emu qemu

test: deps
	@bash tools/make-test

# make trace LAB=5 TEST=name: boot the test in QEMU with the hypervisor
# option `trace` (lab 5's scheduler keeps every switch, wake and timer and
# prints them on the console at the end), keep the console, and draw the
# timeline, one lane per domain (tools/trace.py).
TRACE_BASE = $(BUILD)/trace-$(or $(subst /,-,$(TEST)),demo)
trace: build
	set -o pipefail; $(RUN) --emu qemu --add-hv-args trace </dev/null | tee $(TRACE_BASE).console
	$(PYTHON) tools/trace.py $(TRACE_BASE).console $(BUILD)/run/result.txt -o $(TRACE_BASE).svg \
	  --title "make trace LAB=$(LAB)$(if $(REF), REF=$(REF))$(if $(TEST), TEST=$(TEST))"

# ---------------------------------------------------------------- checks
UNIT_SRCS := $(foreach d,$(LAB_DIRS_ALL),$(wildcard $(d)/tests/unit/test_*.c))
ABI_SRCS := $(foreach d,$(LAB_DIRS_ALL),$(wildcard $(d)/tests/abi/abi_*.c))
unit:
	@rc=0; bash tools/unit-tests $(UNIT_SRCS) || rc=1; \
	  CC='$(CROSS_GCC)' bash tools/abi-check $(ABI_SRCS) || rc=1; exit $$rc

abi:
	@CC='$(CROSS_GCC)' bash tools/abi-check $(ABI_SRCS)

skeletons:
	@$(PYTHON) tools/skeleton.py generate

check-skeletons:
	@$(PYTHON) tools/skeleton.py check

check-exercises:
	@$(PYTHON) tools/check-exercises.py

# Every catalogued wrong answer (solutions/labN-*/mutants.ini) must fail a
# test of its lab.  MUTANTS=1 or MUTANTS=1:name narrows it.
check-mutants:
	@$(PYTHON) tools/check-mutants.py --jobs $(JOBS) $(MUTANTS)

# Instructions per paravirtual operation (lab 3's, 4's and 5's bench guests,
# REF=all) on both emulators, against tools/bench-baseline.ini: a path >10 %
# longer fails.
check-bench:
	@$(MAKE) --no-print-directory build LAB=3 REF=all
	@$(if $(wildcard lab4-*),$(MAKE) --no-print-directory build LAB=4 REF=all,true)
	@$(if $(wildcard lab5-*),$(MAKE) --no-print-directory build LAB=5 REF=all,true)
	@$(PYTHON) tools/check-bench.py --build build/lab3-refall

# The hypercall fuzzer guest (tools/fuzz): CALLS seeded random hypercalls
# on one emulator (QEMU unless EMU=bochs), the reference solutions unless
# REF= says otherwise: lab 3's, from lab 4 also lab 4's, from lab 6 also
# lab 6's (as domain 0 and as a domU).  A failure prints the command that
# replays it.
SEED ?= 1
CALLS ?= 1000000
TRACE ?=
fuzz:
	@bash tools/fuzz --seed '$(SEED)' --calls '$(CALLS)' $(if $(TRACE),--trace '$(TRACE)') \
	  --emu $(if $(filter bochs,$(EMU)),bochs,qemu) --lab $(LAB) --ref '$(or $(REF),all)' \
	  --timeout-scale $(TIMEOUT_SCALE) --host-seconds '$(HOST_SECONDS)' \
	  $(if $(FUZZ_TESTS),--tests '$(FUZZ_TESTS)')
HOST_SECONDS ?= 120
# FUZZ_TESTS=lab6/fuzz-ctl-run (say) runs only that fuzzer (tools/fuzz --tests).

analyze:
	@bash tools/static-check

# Fault injection (issue 15): failframe=N for every allocation of a domain
# build, and from lab 6 of domain 0's creates and reservations; make test
# runs a sample (--sample).
fault-sweep:
	@$(PYTHON) tools/fault-sweep --lab $(LAB) --ref '$(or $(REF),all)' --jobs $(JOBS) \
	  --timeout-scale $(TIMEOUT_SCALE)

dist:
	@LABS=$(LABS) bash tools/dist $(if $(REF),--ref $(REF)) $(DEST)

handin:
	@$(PYTHON) tools/handin.py --lab $(LAB)

gradescope:
	$(PYTHON) grader/gradescope.py --lab $(LAB) --emu $(EMU) $(if $(REF),--ref $(REF)) \
	  $(if $(HIDDEN),--hidden $(HIDDEN)) --timeout-scale $(if $(filter 1,$(TIMEOUT_SCALE)),2,$(TIMEOUT_SCALE)) \
	  $(if $(filter command line environment,$(origin JOBS)),--jobs $(JOBS)) $(if $(DEADLINE),--deadline $(DEADLINE))

clean:
	rm -rf build .gdbinit

# ---------------------------------------------------------------- lint and links
# (tools/lint, tools/check-links.py; both are steps of make test)
.PHONY: lint check-links
lint:
	@bash tools/lint

check-links:
	@$(PYTHON) tools/check-links.py $(if $(wildcard solutions),--release)

# The README's two commands on a minimal Debian 12 root (debootstrap):
# run before each release, as root; not part of make test.
.PHONY: test-fresh
test-fresh:
	@bash tools/test-fresh
