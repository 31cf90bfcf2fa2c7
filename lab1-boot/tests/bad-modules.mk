# tests/bad-modules.mk - build rule for lab 1's bad modules (included by
# the top-level Makefile; see tests/mkbad.py).
BAD_MODULES := $(addprefix $(BUILD)/guests/,notelf.bin truncated.elf elf64.elf seginhole.elf overlap.elf \
  bigendian.elf machine.elf dyn.elf phentsize.elf wrapoff.elf filesz.elf straddle.elf entry.elf noload.elf \
  manyphdrs.elf phoffalign.elf)
LAB_EXTRAS += $(BAD_MODULES)
$(BAD_MODULES) &: $(BUILD)/guests/hello.elf lab1-boot/tests/mkbad.py
	$(PYTHON_TOOL) lab1-boot/tests/mkbad.py $< $(BUILD)/guests
