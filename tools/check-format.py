#!/usr/bin/env python3
"""tools/check-format.py FILE... - are these C files formatted as
.clang-format says?  (The C part of tools/lint.)

This is `clang-format --dry-run --Werror` with allowances for the way the
code is written by hand, where clang-format 14 (Debian 12's) cannot follow
it with ColumnLimit 0:
- where a statement is wrapped: the authors wrap by hand near 80 columns,
  while clang-format 14 re-breaks some wrapped statements regardless of
  ColumnLimit 0 (string concatenations followed by arguments, ternary
  chains, tables of several entries a line) and splits every extended-asm
  statement at its colons (llvm/llvm-project#62754, fixed in later
  releases);
- alignment padding: the authors line up comment columns, values and
  macro backslashes across blocks that clang-format groups differently.
So the file and clang-format's version of it are compared statement by
statement - the lines of a statement or a macro joined, every run of
blanks after the indentation reduced to one.  What still counts:
indentation, brace placement (a `{` line is never joined), one statement
a line, blank lines, comments, and a missing or extra single blank
(`if(`, `a+b`, `( x )`).

`tools/check-format.py --self-test` proves both: what it forgives and what
it still catches.

Prints FILE:LINE: what clang-format would write instead, for the first
difference in each file; exit status 1 when any file differs, 2 when
clang-format is missing.
"""
import contextlib
import difflib
import io
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

ASM_START = re.compile(r"\b(__asm__|asm)\b")
LABEL = re.compile(r"^\s*(case\b.*|default|[A-Za-z_]\w*)\s*:$")   # ends a line too


def canonical(text):
    """[(line number, text)] of the file's statements: the lines of each
    statement (and each macro) joined into one, and every run of blanks
    after the indentation reduced to one (see the module's comment)."""
    out = []            # [line number, text]
    buf = None          # the statement being joined: [line number, text]
    in_comment = False

    def flush():
        nonlocal buf
        if buf is not None:
            out.append(buf)
            buf = None

    for n, line in enumerate(text.split("\n"), 1):
        s = line.strip()
        if in_comment or (s.startswith("/*") and "*/" not in s):
            flush()
            out.append([n, line])
            in_comment = "*/" not in s if in_comment else True
            continue
        if not s or s.startswith("//") or (s.startswith("/*") and s.endswith("*/")):
            flush()
            out.append([n, line])
            continue
        in_macro = buf is not None and buf[1].lstrip().startswith("#")
        if buf is not None and (in_macro or not s.startswith("{")):
            # a continuation line: join it (a macro's backslash goes too)
            buf[1] = buf[1].rstrip().rstrip("\\").rstrip() + " " + s
        else:
            flush()
            buf = [n, line]
        code = re.sub(r"\s*(//.*|/\*.*?\*/)\s*$", "", buf[1]).rstrip()
        if buf[1].lstrip().startswith("#"):
            if not code.endswith("\\"):
                flush()
        elif code.endswith((";", "{", "}")) or LABEL.match(code):
            flush()
    flush()
    return [(n, asm_colons(align_free(t))) for n, t in out]


def align_free(line):
    """line with its alignment padding removed: the indentation stays, any
    other run of blanks becomes one (a comment column, a macro's aligned
    backslashes, aligned values).  Where clang-format wants one blank and
    the file has none, or the reverse, the lines still differ."""
    indent = line[:len(line) - len(line.lstrip())]
    return indent + re.sub(r"[ \t]{2,}", " ", line[len(indent):]).rstrip()


def asm_colons(line):
    """An asm statement's colons without the blanks around them (`: :` and
    `::` are the same to the compiler, not to clang-format 14)."""
    if ASM_START.search(line):
        return re.sub(r"\s*:\s*", ":", line)
    return line


def formatted_all(paths):
    """{path: what clang-format would make of it}, from one clang-format
    run.  With --output-replacements-xml it prints one <replacements>
    document a file, in the order given, each replacement a byte offset
    and length in that file and the text to put there.  (A clang-format
    per file spent 27 ms loading LLVM: 5 s of CPU for 198 files.)"""
    if not paths:
        return {}
    out = subprocess.run(["clang-format", "--style=file", "--output-replacements-xml"] + paths,
                         capture_output=True, check=True).stdout
    docs = out.split(b"<?xml version='1.0'?>")[1:]
    if len(docs) != len(paths):
        raise SystemExit("check-format: clang-format answered for %d of %d files"
                         % (len(docs), len(paths)))
    result = {}
    for path, doc in zip(paths, docs):
        with open(path, "rb") as f:
            data = f.read()
        pieces, pos = [], 0
        for r in ElementTree.fromstring(doc).iter("replacement"):
            offset, length = int(r.get("offset")), int(r.get("length"))
            pieces += [data[pos:offset], (r.text or "").encode("utf-8")]
            pos = offset + length
        pieces.append(data[pos:])
        result[path] = b"".join(pieces).decode("utf-8")
    return result


def check(path, formatted=None):
    """Is path as clang-format would write it, but for the allowances
    above?  formatted: clang-format's version, when formatted_all() has it."""
    with open(path, encoding="utf-8") as f:
        original = f.read()
    if formatted is None:
        formatted = formatted_all([path])[path]
    if formatted == original:
        return True
    a, b = canonical(original), canonical(formatted)
    ta, tb = [t for _, t in a], [t for _, t in b]
    if ta == tb:
        return True
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        line = a[i1][0] if i1 < len(a) else len(original.split("\n"))
        print("%s:%d: clang-format would write:" % (path, line))
        for t in tb[j1:min(j2, j1 + 3)]:
            print("    " + t[:160])
        break
    print("%s: not formatted as .clang-format says; 'clang-format -i %s' fixes it"
          " (then rejoin any asm statement it split)" % (path, path))
    return False


# The self-test: what the check must forgive, and what it must not.
GOOD = r"""/* a file as the project writes it */
#define UART_THR 0      /* transmit holding register */
#define UART_IER 1      /* interrupt enable          */
#define REGISTER(fn)                                          \
    static const int __reg_##fn = 1
struct s {
    int a;          /* aligned comments */
    long bee;       /* across a block   */
};
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
int f(int x, const char *why)
{
    __asm__ volatile("mov %%cr0, %0" : "=r"(x));
    snprintf(why, 10, "a long message, wrapped "
                      "by hand", x);
    return x ? 1
             : 2;
}
"""
BAD = {
    "indentation": ("int f(int x)\n{\n  return x;\n}\n", 3),
    "a function's brace": ("int f(int x) {\n    return x;\n}\n", 1),
    "if(": ("int f(int x)\n{\n    if(x)\n        return 1;\n    return 0;\n}\n", 3),
    "two statements a line": ("int f(int x)\n{\n    x++; x++;\n    return x;\n}\n", 3),
    "a + b": ("int f(int x)\n{\n    return x+1;\n}\n", 3),
}


def self_test():
    import tempfile
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    fails = 0
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(os.path.join(root, ".clang-format"), tmp)
        cases = [("forgiven", GOOD, None)] + [(k, v[0], v[1]) for k, v in BAD.items()]
        for name, text, line in cases:
            path = os.path.join(tmp, "t.c")
            with open(path, "w") as f:
                f.write(text)
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                ok = check(path)
            if line is None and not ok:
                print("check-format self-test: FAIL: flagged what it must forgive:\n" + out.getvalue())
                fails += 1
            elif line is not None and (ok or ":%d:" % line not in out.getvalue()):
                print("check-format self-test: FAIL: %s not reported at line %d:\n%s"
                      % (name, line, out.getvalue()))
                fails += 1
    if not fails:
        print("check-format self-test: alignment, wrapping and one-line asm forgiven; "
              "%s caught" % ", ".join(BAD))
    return 1 if fails else 0


def main(paths):
    if paths == ["--self-test"]:
        return self_test()
    if not shutil.which("clang-format"):
        print("check-format: 'clang-format' is not installed; run 'make deps'"
              " (Debian package clang-format)")
        return 2
    formatted = formatted_all(paths)
    bad = [p for p in paths if not check(p, formatted[p])]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
