"""
grader/selftest/build.py - build the self-test kernels (kernel.S variants).

The toolchain is found like the project's: $TOOLPREFIX if set, else the
first of i386-elf-, i686-elf-, i686-linux-gnu- that has a gcc, else the
host gcc with -m32 (assembling needs no 32-bit libraries).
"""

import os
import shutil
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
VARIANTS = ["good", "wrong", "hang", "never", "flood", "triple", "silent", "todo", "stuck"]


def toolprefix() -> str:
    if "TOOLPREFIX" in os.environ:
        return os.environ["TOOLPREFIX"]
    for p in ("i386-elf-", "i686-elf-", "i686-linux-gnu-"):
        if shutil.which(p + "gcc") and shutil.which(p + "ld"):
            return p
    return ""


def build(outdir: str) -> str:
    """Build every variant into outdir (and guests/mod.bin); return outdir."""
    os.makedirs(os.path.join(outdir, "guests"), exist_ok=True)
    pre = toolprefix()
    cc, ld = pre + "gcc", pre + "ld"
    for tool in (cc, ld):
        if not shutil.which(tool):
            raise RuntimeError("no %s: install gcc-i686-linux-gnu binutils-i686-linux-gnu "
                               "(make deps) or set TOOLPREFIX=" % tool)
    src = os.path.join(HERE, "kernel.S")
    lds = os.path.join(HERE, "kernel.ld")
    for v in VARIANTS:
        obj = os.path.join(outdir, v + ".o")
        elf = os.path.join(outdir, v + ".elf")
        subprocess.run([cc, "-m32", "-fno-pic", "-fno-pie", "-DVARIANT_" + v.upper(),
                        "-c", src, "-o", obj], check=True)
        # ld warns about the one RWX segment; that is fine for these kernels.
        subprocess.run([ld, "-m", "elf_i386", "-nostdlib", "-static", "--build-id=none",
                        "-T", lds, "-o", elf, obj], check=True,
                       stderr=subprocess.DEVNULL)
    with open(os.path.join(outdir, "guests", "mod.bin"), "w") as f:
        f.write("a module for the self-test kernels\n")
    return outdir


if __name__ == "__main__":
    import sys
    print(build(sys.argv[1] if len(sys.argv) > 1 else "build/grader-selftest"))
