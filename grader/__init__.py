"""grader - Parakeet's autograder, as a Python package (grader/README.md).

Entry points, each also run as a script (`python3 grader/grade.py ...`):
    grade.py        make grade: grade one build against labs 1..N
    run.py          make qemu / make bochs: boot a test's guests
    gradescope.py   make gradescope: the Gradescope autograder zip
    autograde.py    what Gradescope's run_autograder runs
    batch.py        grade a directory of submissions into one CSV
    selftest/run.py the grader's own self-test
Library modules: spec (tests.ini), emulators (QEMU and Bochs command
lines, GRUB images), process (process groups, timeouts), checks (verdicts),
runtest (one run), report, submission (unpacking and building a student's
tree).

The modules import one another by their short names (`import spec`), as
scripts run from this directory do.  Importing the package puts this
directory on sys.path, and `from grader import spec` returns that same
module object - never a second copy with its own state (process.py's table
of live emulators must be one table).
"""
import importlib
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

MODULES = ("autograde", "checks", "emulators", "grade", "gradescope", "process",
           "report", "run", "runtest", "spec", "submission")


def __getattr__(name):
    """`from grader import X`: the module X, imported by its short name."""
    if name in MODULES:
        return importlib.import_module(name)
    raise AttributeError("module 'grader' has no attribute %r" % name)
