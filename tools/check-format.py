#!/usr/bin/env python3
"""tools/check-format.py FILE... - are these C files formatted as
.clang-format says?  (The C part of tools/lint.)

This is `clang-format --dry-run --Werror` with two allowances, both for
the way the code was written by hand:
- clang-format 14 (Debian 12's) splits every extended-asm statement at its
  colons when ColumnLimit is 0 - a known bug, llvm/llvm-project#62754,
  fixed in later releases - while the project writes short asm statements
  on one line;
- alignment padding: the authors line up comment columns, values and
  macro backslashes across blocks that clang-format groups differently.
So the file and clang-format's version of it are compared after joining
asm colon lines and reducing every run of blanks after the indentation to
one; indentation, line breaks, braces, and a missing or extra single blank
still count.

Prints FILE:LINE: what clang-format would write instead, for the first
difference in each file; exit status 1 when any file differs, 2 when
clang-format is missing.
"""
import difflib
import re
import shutil
import subprocess
import sys

ASM_START = re.compile(r"\b(__asm__|asm)\b")


def canonical(text):
    """The lines of text, with each asm statement's lines that begin with a
    colon joined to the line before, and the spaces around that
    statement's colons removed."""
    out = []
    in_asm = False
    for line in text.split("\n"):
        stripped = line.strip()
        if in_asm and stripped.startswith(":") and out:
            # a macro's line ends with a backslash: drop it with the break
            out[-1] = out[-1].rstrip().rstrip("\\").rstrip() + " " + stripped
        else:
            out.append(line)
        if ASM_START.search(line):
            in_asm = True
        if in_asm:
            out[-1] = re.sub(r"\s*:\s*", ":", out[-1])
            if stripped.endswith(";") or stripped.endswith(";\\"):
                in_asm = False
    return [align_free(ln) for ln in out]


def align_free(line):
    """line with its alignment padding removed: the indentation stays, any
    other run of blanks becomes one (a comment column, a macro's aligned
    backslashes, aligned values).  Where clang-format wants one blank and
    the file has none, or the reverse, the lines still differ."""
    indent = line[:len(line) - len(line.lstrip())]
    return indent + re.sub(r"[ \t]{2,}", " ", line[len(indent):]).rstrip()


def check(path):
    with open(path, encoding="utf-8") as f:
        original = f.read()
    formatted = subprocess.run(["clang-format", "--style=file", path],
                               capture_output=True, text=True, check=True).stdout
    if formatted == original:
        return True
    a, b = canonical(original), canonical(formatted)
    if a == b:
        return True
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        # the line number in the original file: count the joined lines back
        line = i1 + 1
        print("%s:%d: clang-format would write:" % (path, line))
        for s in b[j1:min(j2, j1 + 4)]:
            print("    " + s)
        break
    print("%s: not formatted as .clang-format says; 'clang-format -i %s' fixes it"
          " (then rejoin any asm statement it split)" % (path, path))
    return False


def main(paths):
    if not shutil.which("clang-format"):
        print("check-format: 'clang-format' is not installed; run 'make deps'"
              " (Debian package clang-format)")
        return 2
    bad = [p for p in paths if not check(p)]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
