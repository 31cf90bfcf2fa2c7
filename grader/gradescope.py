#!/usr/bin/env python3
"""
grader/gradescope.py - build build/gradescope/autograder.zip (make gradescope).

    python3 grader/gradescope.py --lab N [--ref SPEC] [--emu both|qemu|bochs]
        [--hidden DIR] [--timeout-scale X] [--out build/gradescope/autograder.zip]

The zip holds what Gradescope needs at its top level:
  setup.sh          installs the Debian packages and creates the user `student`
  run_autograder    runs tree/grader/autograde.py (see there)
  autograder.json   which lab to grade and how
  tree/             the pristine course tree (without build/ and .git; without
                    solutions/ except the labs --ref takes from it)
  hidden/           the hidden tests, if given (outside tree/: root-only)
Choose "Ubuntu 22.04" (or a Debian-based image) in Gradescope's settings.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import submission  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def packages() -> str:
    """The Debian packages grading needs: tools/deps keeps the one list."""
    r = subprocess.run(["bash", os.path.join(ROOT, "tools", "deps"), "--grade-packages"],
                       stdout=subprocess.PIPE, universal_newlines=True, check=True)
    return r.stdout.strip()


SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image (Ubuntu
# 22.04 or Debian).  Each tool is checked after installing it, with the
# same tests as `make doctor` (tree/tools/tool-checks.sh and the QEMU floor
# in tree/tools/doctor); the first one missing fails set-up with one line.
set -eu
export DEBIAN_FRONTEND=noninteractive
cd "$(dirname "$0")"
apt-get update
apt-get install -y --no-install-recommends %s
fail() { echo "setup.sh: FAILED: $*" >&2; exit 1; }
. tree/tools/tool-checks.sh
have_python || fail "python3 >= 3.7 is needed (found: $(python3 --version 2>&1))"
command -v i686-linux-gnu-gcc >/dev/null || fail "i686-linux-gnu-gcc missing after installing gcc-i686-linux-gnu"
command -v qemu-system-i386 >/dev/null || fail "qemu-system-i386 missing after installing qemu-system-x86"
floor=$(sed -n 's/^QEMU_FLOOR=//p' tree/tools/doctor)
qv=$(qemu-system-i386 --version | head -1 | grep -o '[0-9][0-9.]*' | head -1)
[ "$(printf '%%s\n%%s\n' "$floor" "$qv" | sort -V | head -1)" = "$floor" ] ||
    fail "QEMU $qv is older than $floor, the oldest the grader supports"
qemu-system-i386 -device help 2>/dev/null | grep -q isa-debug-exit ||
    fail "QEMU $qv has no isa-debug-exit device"
command -v bochs >/dev/null || fail "bochs missing after installing bochs"
have_bochs_sdl || fail "Bochs has no SDL2 display plugin (libbx_sdl2*.so): install bochs-sdl"
[ -f /usr/share/bochs/BIOS-bochs-latest ] || fail "Bochs BIOS missing: install bochsbios"
[ -f /usr/lib/grub/i386-pc/multiboot.mod ] || fail "GRUB's i386-pc modules missing: install grub-pc-bin"
for t in grub-mkrescue xorriso mformat make; do
    command -v $t >/dev/null || fail "$t missing after installing its package"
done
# Student code is built and run as this unprivileged user.
id student >/dev/null 2>&1 || useradd --create-home --shell /bin/bash student
echo "setup.sh: every tool checked: QEMU $qv (floor $floor), Bochs with SDL2, GRUB, $(python3 --version)"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission; it must leave
# /autograder/results/results.json, which autograde.py always does.
cd /autograder/source
exec python3 /autograder/source/tree/grader/autograde.py --source /autograder/source
"""


def main() -> int:
    ap = argparse.ArgumentParser(description="Build the Gradescope autograder zip.")
    ap.add_argument("--lab", type=int, default=None,
                    help="the lab to grade (default: the highest lab in the tree)")
    ap.add_argument("--ref", default="", help="REF= for the build (ships solutions/)")
    ap.add_argument("--emu", choices=["qemu", "bochs", "both"], default="both")
    ap.add_argument("--hidden", default=None, help="directory of hidden *.ini tests")
    ap.add_argument("--timeout-scale", type=float, default=2.0,
                    help="Gradescope's machines are slower than yours (default 2)")
    ap.add_argument("--deadline", type=float, default=420,
                    help="seconds for one submission, build included (Gradescope's limit "
                         "is 10 minutes by default); tests not run by then are reported")
    ap.add_argument("--jobs", type=int, default=None,
                    help="emulator runs at a time (default: the container's CPU count)")
    ap.add_argument("--tests", default=None,
                    help="only tests matching this pattern (tools/test-batch uses it)")
    ap.add_argument("--out", default=os.path.join("build", "gradescope", "autograder.zip"))
    a = ap.parse_args()
    import spec
    labs = [n for n, _ in spec.lab_dirs(ROOT)]
    if not labs:
        sys.exit("gradescope: no lab*-* directories in %s" % ROOT)
    lab = a.lab or max(labs)
    with tempfile.TemporaryDirectory() as tmp:
        stage = os.path.join(tmp, "stage")
        os.makedirs(stage)
        submission.copy_pristine(ROOT, os.path.join(stage, "tree"), a.ref)
        if a.hidden:   # next to the tree, not in it: autograde.py keeps it root-only
            shutil.copytree(a.hidden, os.path.join(stage, "hidden"))
        files = {"setup.sh": SETUP_SH % packages(), "run_autograder": RUN_AUTOGRADER,
                 "autograder.json": json.dumps({"lab": lab, "ref": a.ref, "emu": a.emu,
                                                "timeout_scale": a.timeout_scale,
                                                "deadline": a.deadline, "jobs": a.jobs,
                                                "tests": a.tests or None},
                                               indent=2)}
        for name, text in files.items():
            with open(os.path.join(stage, name), "w") as f:
                f.write(text)
            os.chmod(os.path.join(stage, name), 0o755)
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with zipfile.ZipFile(a.out, "w", zipfile.ZIP_DEFLATED) as z:
            for root, dirs, names in os.walk(stage):
                dirs.sort()
                for n in sorted(names):
                    p = os.path.join(root, n)
                    zi = zipfile.ZipInfo.from_file(p, os.path.relpath(p, stage))
                    zi.compress_type = zipfile.ZIP_DEFLATED
                    with open(p, "rb") as f:
                        z.writestr(zi, f.read())
    print("gradescope: wrote %s (lab %d%s, %s%s)" % (
        a.out, lab, ", REF=" + a.ref if a.ref else "", a.emu,
        ", hidden tests from " + a.hidden if a.hidden else ""))
    print("gradescope: upload it as a zip autograder (base image: Ubuntu 22.04 or Debian)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
