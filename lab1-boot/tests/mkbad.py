#!/usr/bin/env python3
"""tests/mkbad.py - make the bad modules of lab 1's bad-modules test.

Each is a good guest (hello.elf) with one thing wrong, so each must be
refused for exactly one reason:
    notelf.bin    a text file
    truncated.elf hello.elf cut after its program headers
    elf64.elf     EI_CLASS says 64-bit
    seginhole.elf the first loadable segment moved to 0xFC000000
    overlap.elf   the second loadable segment moved onto the first
    manyphdrs.elf 65 535 program headers (the most e_phnum can say): its
                  own loadable segments, then 16-byte PT_LOAD segments
                  side by side; checking every pair of them takes about
                  2 * 10^9 comparisons (issue 10 item 5)
and those of the bad-elf test, one field of the ELF header or of a program
header each:
    bigendian.elf EI_DATA says big-endian
    machine.elf   e_machine 62 (x86-64)
    dyn.elf       e_type ET_DYN
    phentsize.elf e_phentsize 40
    wrapoff.elf   segment 0's file offset 0xFFFFF000: offset + size wraps
    filesz.elf    segment 0's p_memsz 16 bytes short of its p_filesz
    straddle.elf  segment 0 starting 16 bytes below 0xFC000000
    entry.elf     e_entry 0xB0000000, in no segment
    noload.elf    every PT_LOAD turned into PT_NOTE
Usage: mkbad.py hello.elf OUTDIR
"""
import os
import struct
import sys

PT_LOAD = 1


def load_segments(data):
    """(offset of each PT_LOAD program header, its p_vaddr)."""
    phoff, = struct.unpack_from("<I", data, 28)
    phentsize, phnum = struct.unpack_from("<HH", data, 42)
    out = []
    for i in range(phnum):
        off = phoff + i * phentsize
        p_type, _, p_vaddr = struct.unpack_from("<III", data, off)
        if p_type == PT_LOAD:
            out.append((off, p_vaddr))
    return out


def main():
    src, outdir = sys.argv[1], sys.argv[2]
    good = open(src, "rb").read()
    os.makedirs(outdir, exist_ok=True)

    def write(name, data):
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)

    write("notelf.bin", b"#!/bin/sh\necho this is not a kernel\n" * 4)
    segs = load_segments(good)
    assert len(segs) >= 2, "hello.elf should have two PT_LOAD segments"
    # Keep the headers, drop most of the first segment's bytes.
    first_off = struct.unpack_from("<I", good, segs[0][0] + 4)[0]
    write("truncated.elf", good[:first_off + 64])

    elf64 = bytearray(good)
    elf64[4] = 2  # EI_CLASS = ELFCLASS64
    write("elf64.elf", bytes(elf64))

    hole = bytearray(good)
    struct.pack_into("<II", hole, segs[0][0] + 8, 0xFC000000, 0xFC000000)
    write("seginhole.elf", bytes(hole))

    overlap = bytearray(good)
    struct.pack_into("<II", overlap, segs[1][0] + 8, segs[0][1], segs[0][1])
    write("overlap.elf", bytes(overlap))

    def patched(name, fmt, offset, *values):
        bad = bytearray(good)
        struct.pack_into(fmt, bad, offset, *values)
        write(name, bytes(bad))

    ph0 = segs[0][0]
    filesz0, = struct.unpack_from("<I", good, ph0 + 16)
    patched("bigendian.elf", "<B", 5, 2)                  # EI_DATA = ELFDATA2MSB
    patched("machine.elf", "<H", 18, 62)                  # EM_X86_64
    patched("dyn.elf", "<H", 16, 3)                       # ET_DYN
    patched("phentsize.elf", "<H", 42, 40)
    patched("wrapoff.elf", "<I", ph0 + 4, 0xFFFFF000)     # p_offset
    patched("filesz.elf", "<I", ph0 + 20, filesz0 - 16)   # p_memsz
    patched("straddle.elf", "<II", ph0 + 8, 0xFBFFFFF0, 0xFBFFFFF0)
    patched("entry.elf", "<I", 24, 0xB0000000)
    noload = bytearray(good)
    for off, _ in segs:
        struct.pack_into("<I", noload, off, 4)            # PT_NOTE
    write("noload.elf", bytes(noload))

    # hello.elf's own program header table, copied to the end of the file
    # at an offset that is 2 more than a multiple of 4: a valid table, so
    # only the alignment check can refuse it.
    phoff0, = struct.unpack_from("<I", good, 28)
    phnum0, = struct.unpack_from("<H", good, 44)
    odd = bytearray(good)
    odd += b"\0" * ((-len(odd) % 4) + 2)
    struct.pack_into("<I", odd, 28, len(odd))
    odd += good[phoff0:phoff0 + 32 * phnum0]
    write("phoffalign.elf", bytes(odd))

    # A new program header table at the end of the file: hello.elf's own
    # PT_LOAD headers, then tiny disjoint segments up to 65 535 headers.
    many = bytearray(good)
    many += b"\0" * (-len(many) % 4)
    phoff = len(many)
    table = [bytes(good[off:off + 32]) for off, _ in segs]
    for i in range(65535 - len(table)):
        va = 0xD0000000 + 16 * i
        table.append(struct.pack("<8I", PT_LOAD, 0, va, va, 0, 16, 6, 16))
    many += b"".join(table)
    struct.pack_into("<I", many, 28, phoff)
    struct.pack_into("<H", many, 44, 65535)
    write("manyphdrs.elf", bytes(many))


if __name__ == "__main__":
    main()
