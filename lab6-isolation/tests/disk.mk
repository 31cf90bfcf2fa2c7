# tests/disk.mk - lab 6's disk image, a module with role=disk (included by
# the top-level Makefile; see tests/mkdisk.py for its contents).
DISK_IMG := $(BUILD)/guests/disk.img
LAB_EXTRAS += $(DISK_IMG)
$(DISK_IMG): lab6-isolation/tests/mkdisk.py | $$(@D)/.
	$(Q)$(PYTHON_TOOL) lab6-isolation/tests/mkdisk.py $@ 2048
