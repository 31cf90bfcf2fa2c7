"""tools/variant_build.py - build a lab with some solution files replaced
(tools/check-exercises.py: one exercise left undone; tools/check-mutants.py:
one plausible wrong answer).  Shared by both, so they build the same way.

A variant differs from `make build LAB=N REF=all` in one or two files, so
its first build starts from a copy of build/labN-refall when that exists
(make test has built it by then): make keeps the copied objects, whose
times are preserved, and compiles only the replaced files, which live
under SKEL_DIR and so have object files of their own.  Without the copy a
first build compiled the whole lab on one core."""
import os
import shutil
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def retarget_dependencies(top, old, new):
    """The copied .d files (gcc -MMD) name their objects under the old build
    directory: name them under the new one, so that a header edited later
    still rebuilds what includes it."""
    for d, _, files in os.walk(top):
        for f in files:
            if f.endswith(".d"):
                p = os.path.join(d, f)
                with open(p, encoding="utf-8", errors="replace") as fh:
                    text = fh.read()
                with open(p, "w", encoding="utf-8") as fh:
                    fh.write(text.replace(old.rstrip("/") + "/", new.rstrip("/") + "/"))


def build(lab, skel_dir, build_dir, jobs=2):
    """make build LAB=lab REF=all SKEL_DIR=skel_dir BUILD=build_dir (paths
    relative to the repository); returns (succeeded, make's output)."""
    dst = os.path.join(ROOT, build_dir)
    seed = os.path.join(ROOT, "build", "lab%d-refall" % lab)
    if not os.path.exists(dst) and os.path.isfile(os.path.join(seed, "hv.elf")):
        shutil.copytree(seed, dst, symlinks=True,
                        ignore=shutil.ignore_patterns("grub-cache"))
        retarget_dependencies(dst, os.path.relpath(seed, ROOT), build_dir)
    # A variant that goes back to the solution's (older) object file is
    # still relinked: the Makefile's list_stamp records what hv.elf and
    # libguest.a were linked from.
    r = subprocess.run(["make", "--no-print-directory", "-j%d" % max(1, jobs), "-C", ROOT,
                        "build", "LAB=%d" % lab, "REF=all", "SKEL_DIR=" + skel_dir,
                        "BUILD=" + build_dir],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return r.returncode == 0, r.stdout
