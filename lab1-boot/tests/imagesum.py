#!/usr/bin/env python3
"""tests/imagesum.py - stamp a guest with the checksums of its own image.

A guest that defines `uint32_t image_sums[6]` (tests/hello.c) can check,
once loaded, that the domain builder copied its ELF image intact.  After
linking, this script writes into that array, inside the ELF file:

    { text va, text bytes, text sum, data va, data bytes, data sum }

for the first two PT_LOAD segments' file bytes, each sum FNV-1a (32-bit)
with the bytes of image_sums itself and of start_info (written by _start
before main runs) counted as zeros.  A guest without image_sums is left
alone.  Run by the Makefile's guest link rule.
Usage: imagesum.py GUEST.elf
"""
import struct
import sys

PT_LOAD, SHT_SYMTAB = 1, 2


def symbols(data):
    """{name: (value, size)} from the ELF's symbol table."""
    shoff, = struct.unpack_from("<I", data, 32)
    shentsize, shnum = struct.unpack_from("<HH", data, 46)
    out = {}
    for i in range(shnum):
        sh = struct.unpack_from("<10I", data, shoff + i * shentsize)
        if sh[1] != SHT_SYMTAB:
            continue
        link = struct.unpack_from("<10I", data, shoff + sh[6] * shentsize)
        stroff = link[4]
        for off in range(sh[4], sh[4] + sh[5], 16):
            name, value, size = struct.unpack_from("<III", data, off)
            end = data.index(b"\0", stroff + name)
            out[data[stroff + name:end].decode()] = (value, size)
    return out


def main():
    path = sys.argv[1]
    data = bytearray(open(path, "rb").read())
    syms = symbols(data)
    if "image_sums" not in syms:
        return 0
    phoff, = struct.unpack_from("<I", data, 28)
    phentsize, phnum = struct.unpack_from("<HH", data, 42)
    loads = []
    for i in range(phnum):
        p_type, p_offset, p_vaddr, _, p_filesz, _ = struct.unpack_from("<6I", data, phoff + i * phentsize)
        if p_type == PT_LOAD:
            loads.append((p_offset, p_vaddr, p_filesz))
    assert len(loads) >= 2, "%s: expected two PT_LOAD segments" % path
    skip = [(syms["image_sums"][0], 24), (syms["start_info"][0], 4)]

    def file_offset(va):
        for off, vaddr, filesz in loads:
            if vaddr <= va < vaddr + filesz:
                return off + va - vaddr
        raise SystemExit("%s: image_sums at %#x is not in a segment's file bytes" % (path, va))

    def fnv(off, vaddr, n):
        seg = bytearray(data[off:off + n])
        for s, l in skip:           # the skipped words count as zeros
            lo, hi = max(s, vaddr), min(s + l, vaddr + n)
            if lo < hi:
                seg[lo - vaddr:hi - vaddr] = bytes(hi - lo)
        h = 2166136261
        for b in seg:
            h = ((h ^ b) * 16777619) & 0xFFFFFFFF
        return h

    words = []
    for off, vaddr, filesz in loads[:2]:
        words += [vaddr, filesz, fnv(off, vaddr, filesz)]
    struct.pack_into("<6I", data, file_offset(syms["image_sums"][0]), *words)
    with open(path, "wb") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
