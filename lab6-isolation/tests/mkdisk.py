#!/usr/bin/env python3
"""tests/mkdisk.py - write lab 6's disk image (tests/disk.mk runs it).

usage: mkdisk.py OUT [SECTORS]

The image is SECTORS (default 2048: 1 MiB) sectors of 512 bytes.  Every
word can be computed from where it is, so a guest checks what it read
without a copy of the image:

    word i (0..127) of sector s = (s * 128 + i) * 2654435761 mod 2^32

(little-endian; 2654435761 is Knuth's multiplicative hash constant, so
neighbouring sectors differ in every byte).  Deterministic: the same
bytes on every machine.  It prints the image's checksum - the sum of all
words mod 2^32 - which guests/blkdisk.h's disk_sum() also computes.
"""
import struct
import sys

MUL = 2654435761
WORDS = 128


def word(s, i):
    return ((s * WORDS + i) * MUL) & 0xFFFFFFFF


def main():
    out = sys.argv[1]
    sectors = int(sys.argv[2]) if len(sys.argv) > 2 else 2048
    total = 0
    with open(out, "wb") as f:
        for s in range(sectors):
            words = [word(s, i) for i in range(WORDS)]
            total = (total + sum(words)) & 0xFFFFFFFF
            f.write(struct.pack("<%dI" % WORDS, *words))
    print("mkdisk: %s: %d sectors, checksum %#010x" % (out, sectors, total))


if __name__ == "__main__":
    main()
