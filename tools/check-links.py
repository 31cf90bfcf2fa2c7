#!/usr/bin/env python3
"""tools/check-links.py - every link in README.md and handouts/ resolves.

A link is a Markdown inline link [text](target), a reference definition
[name]: target, or an HTML href="target" / src="target".  A web address
(http:, https:, mailto:) is left alone; every other target must be a path
inside the repository that exists, and a #fragment after a Markdown file
must name one of its headings (GitHub's anchor rule).  A link to a path
outside the repository (../something) is an error even when the file
happens to exist on this machine: a student's clone has nothing there.

    tools/check-links.py             check this tree
    tools/check-links.py --release   also make a release (tools/dist) in a
                                     scratch directory and check it there:
                                     a release has no solutions/ and no
                                     handouts/instructor.md
    tools/check-links.py --root DIR  check the tree at DIR
    tools/check-links.py --self-test prove the checker finds what it must

Prints FILE:LINE: the link and what is wrong; exit status 1 when any.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Inline links and images: [text](target "title") - the target ends at
# whitespace or the closing parenthesis.
INLINE = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFDEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
HTML = re.compile(r"""(?:href|src)\s*=\s*["']([^"']+)["']""")
EXTERNAL = re.compile(r"^(?:https?|mailto|ftp):", re.I)
FENCE = re.compile(r"^\s*(```|~~~)")


def documents(root):
    """README.md and every Markdown file under handouts/."""
    docs = []
    if os.path.isfile(os.path.join(root, "README.md")):
        docs.append("README.md")
    hd = os.path.join(root, "handouts")
    if os.path.isdir(hd):
        for dirpath, _, names in os.walk(hd):
            for n in sorted(names):
                if n.endswith(".md"):
                    docs.append(os.path.relpath(os.path.join(dirpath, n), root))
    return sorted(docs)


def links(text):
    """(line number, target) for each link outside code blocks and spans
    and outside HTML comments (text a reader never sees: tools/dist
    uncomments a release's own lines, and this checker sees them there)."""
    out = []
    text = re.sub(r"<!--.*?-->", lambda m: "\n" * m.group(0).count("\n"),
                  text, flags=re.S)
    in_fence = False
    for i, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        # `code spans` are text, not links
        bare = re.sub(r"`[^`]*`", "", line)
        for rx in (INLINE, HTML):
            for m in rx.finditer(bare):
                out.append((i, m.group(1)))
        m = REFDEF.match(bare)
        if m:
            out.append((i, m.group(1)))
    return out


def anchor(heading):
    """GitHub's anchor for a heading: lower case, punctuation dropped,
    spaces to hyphens."""
    h = re.sub(r"<[^>]+>", "", heading.strip().lower())
    h = re.sub(r"[^\w\- ]", "", h)
    return h.replace(" ", "-")


def anchors(path):
    names, seen = set(), {}
    in_fence = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if FENCE.match(line):
                in_fence = not in_fence
                continue
            m = None if in_fence else re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
            if m:
                a = anchor(m.group(1))
                n = seen.get(a, 0)
                seen[a] = n + 1
                names.add(a if n == 0 else "%s-%d" % (a, n))
    for m in re.finditer(r"""<a\s+(?:name|id)=["']([^"']+)["']""",
                         open(path, encoding="utf-8").read()):
        names.add(m.group(1))
    return names


def check_tree(root, label=""):
    """Return a list of problem lines for the tree at root."""
    root = os.path.realpath(root)
    problems = []
    for doc in documents(root):
        with open(os.path.join(root, doc), encoding="utf-8") as f:
            text = f.read()
        for line, target in links(text):
            if EXTERNAL.match(target):
                continue
            where = "%s%s:%d: link '%s'" % (label, doc, line, target)
            path, _, frag = target.partition("#")
            if path == "":
                full = os.path.join(root, doc)
            elif path.startswith("/"):
                problems.append("%s is absolute; write it relative to %s"
                                % (where, doc))
                continue
            else:
                full = os.path.realpath(os.path.join(root, os.path.dirname(doc), path))
            if os.path.commonpath([full, root]) != root:
                problems.append("%s points outside the repository" % where)
                continue
            if not os.path.exists(full):
                problems.append("%s: no file %s" % (where, os.path.relpath(full, root)))
                continue
            if frag and full.endswith(".md") and frag not in anchors(full):
                problems.append("%s: %s has no heading with anchor #%s"
                                % (where, os.path.relpath(full, root), frag))
    return problems


def make_release(root, dest):
    subprocess.run(["bash", os.path.join(root, "tools", "dist"), dest],
                   check=True, stdout=subprocess.DEVNULL)


def self_test():
    """The checker must catch each kind of broken link and accept good ones."""
    tmp = tempfile.mkdtemp()
    try:
        os.makedirs(os.path.join(tmp, "repo", "handouts"))
        r = os.path.join(tmp, "repo")
        open(os.path.join(tmp, "outside.md"), "w").write("# x\n")
        open(os.path.join(r, "handouts", "lab1.md"), "w").write(
            "# Lab 1 — boot\n## The GDT, and why\n"
            "[ok](tools.md) [ok](#the-gdt-and-why) [ok](../README.md#top)\n"
            "[bad](missing.md) [bad](tools.md#nowhere)\n"
            "```\n[not a link](nothing.md)\n```\n`[nor this](x.md)`\n"
            "[web](https://example.org/) <a href=\"../../outside.md\">x</a>\n"
            "[ref]: /abs/path.md\n"
            "<!-- dist:only\n[hidden](gone.md)\ndist:end -->\n")
        open(os.path.join(r, "handouts", "tools.md"), "w").write("# Tools\n")
        open(os.path.join(r, "README.md"), "w").write("# Top\n[x](../outside.md)\n")
        got = check_tree(r)
        want = ["handouts/lab1.md:4: link 'missing.md': no file handouts/missing.md",
                "handouts/lab1.md:4: link 'tools.md#nowhere': handouts/tools.md has no heading with anchor #nowhere",
                "handouts/lab1.md:9: link '../../outside.md' points outside the repository",
                "handouts/lab1.md:10: link '/abs/path.md' is absolute; write it relative to handouts/lab1.md",
                "README.md:2: link '../outside.md' points outside the repository"]
        if sorted(got) != sorted(want):
            print("check-links self-test FAILED")
            print("  expected:\n    " + "\n    ".join(sorted(want)))
            print("  found:\n    " + "\n    ".join(sorted(got)))
            return 1
        print("check-links self-test: %d broken links found, as expected" % len(want))
        return 0
    finally:
        shutil.rmtree(tmp)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("--release", action="store_true",
                    help="also check a release made by tools/dist")
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args()
    if a.self_test:
        return self_test()
    root = os.path.realpath(a.root)
    problems = check_tree(root)
    n = len(documents(root))
    print("check-links: %d documents in %s" % (n, "this tree"))
    if a.release:
        tmp = tempfile.mkdtemp()
        try:
            dest = os.path.join(tmp, "release")
            make_release(root, dest)
            problems += check_tree(dest, label="(release) ")
            print("check-links: %d documents in a release (tools/dist)"
                  % len(documents(dest)))
        finally:
            shutil.rmtree(tmp)
    for p in problems:
        print(p)
    if problems:
        print("check-links: %d broken link(s)" % len(problems))
        return 1
    print("check-links: every link resolves")
    return 0


if __name__ == "__main__":
    sys.exit(main())
