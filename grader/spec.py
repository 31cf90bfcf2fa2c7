"""
grader/spec.py - read test specifications (labN-*/tests/tests.ini).

One INI section per test; grader/README.md documents every key.  This
module only parses and validates: it turns a section into a Test and
raises SpecError with the file, the section and the reason otherwise.
"""

import configparser
import glob
import os
import math
import re
from dataclasses import dataclass, field
from typing import List, Optional

from emulators import Module

EMULATORS = ("qemu", "bochs")

# From lab 5 on, domains run concurrently: their result and console lines
# interleave.  Patterns are then matched in order per domain (checks.py,
# match_per_domain) unless a test says `order = global`.
CONCURRENT_FROM_LAB = 5
ORDERS = ("global", "per-domain")

KNOWN_KEYS = {"description", "points", "exercises", "modules", "hv_args", "memory",
              "timeout", "results", "console", "reject", "exit", "emulators",
              "emulators_reason", "demo", "lab", "until_lab", "until_lab_reason", "order",
              # grader extensions, used by grader/selftest: boot this file
              # from $BUILD instead of hv.elf; its lines carry no guest tags
              "kernel", "guest_tags"}


class SpecError(Exception):
    pass


@dataclass
class Test:
    lab: int
    name: str
    source: str                       # the .ini file it came from
    description: str = ""
    points: float = 0
    exercises: List[str] = field(default_factory=list)
    modules: List[Module] = field(default_factory=list)
    hv_args: str = ""
    memory: int = 32
    timeout: float = 10.0
    results: List[str] = field(default_factory=list)
    console: List[str] = field(default_factory=list)
    reject: List[str] = field(default_factory=list)
    exit: int = 0
    emulators: List[str] = field(default_factory=lambda: list(EMULATORS))
    emulators_reason: str = ""
    until_lab: Optional[int] = None   # graded at labs <= this one only
    until_lab_reason: str = ""
    demo: bool = False
    kernel: str = "hv.elf"
    guest_tags: bool = True           # guest lines must carry this run's tags (tags.py)
    hidden: bool = False
    order: str = ""                   # "global", "per-domain", "" = by the lab graded
    graded_at: int = 0                # the lab being graded (set by load())

    @property
    def id(self) -> str:
        """labL/name: what --tests matches and what the reports show."""
        return "lab%d/%s" % (self.lab, self.name)


def _lines(value: str) -> List[str]:
    """A multi-line value: one item per non-empty line, surrounding space removed."""
    return [ln.strip() for ln in value.splitlines() if ln.strip()]


def _parser() -> configparser.ConfigParser:
    # interpolation=None: patterns use % freely.  A line starting with # or
    # ; is a comment; after a value, only " ;" starts one (not " #": console
    # patterns such as "#GP" need it).
    return configparser.ConfigParser(interpolation=None, comment_prefixes=("#", ";"),
                                     inline_comment_prefixes=(" ;", "\t;"),
                                     empty_lines_in_values=False, strict=True)


def parse_test(section: configparser.SectionProxy, lab: Optional[int], source: str,
               hidden: bool = False) -> Test:
    where = "%s [%s]" % (source, section.name)

    def fail(msg):
        raise SpecError("%s: %s" % (where, msg))

    for key in section:
        if key not in KNOWN_KEYS:
            fail("unknown key %r (known: %s)" % (key, ", ".join(sorted(KNOWN_KEYS))))
    if "lab" in section:
        try:
            lab = int(section["lab"])
        except ValueError:
            fail("lab = %r is not a number" % section["lab"])
    if lab is None:
        fail("a hidden test must say which lab it belongs to (lab = N)")
    t = Test(lab=lab, name=section.name, source=source, hidden=hidden)
    t.description = " ".join(_lines(section.get("description", "")))
    try:
        t.points = float(section.get("points", "0"))
        if not math.isfinite(t.points) or t.points < 0:   # found by tools/fuzz-spec
            fail("points = %r: use a number of points, 0 or more" % section.get("points"))
        if t.points == int(t.points):
            t.points = int(t.points)
        t.memory = int(section.get("memory", "32"))
        t.timeout = float(section.get("timeout", "10"))
        if not math.isfinite(t.timeout) or t.timeout <= 0:
            fail("timeout = %r: use a number of seconds above 0" % section.get("timeout"))
        t.exit = int(section.get("exit", "0"))
    except ValueError as e:
        fail("bad number: %s" % e)
    t.exercises = section.get("exercises", "").split()
    for line in _lines(section.get("modules", "")):
        parts = line.split(None, 1)
        t.modules.append(Module(parts[0], parts[1] if len(parts) > 1 else ""))
    t.hv_args = section.get("hv_args", "").strip()
    t.results = _lines(section.get("results", ""))
    t.console = _lines(section.get("console", ""))
    t.reject = _lines(section.get("reject", ""))
    emus = section.get("emulators", "both").strip()
    if emus == "both":
        t.emulators = list(EMULATORS)
    elif emus in EMULATORS:
        t.emulators = [emus]
        t.emulators_reason = " ".join(_lines(section.get("emulators_reason", "")))
        if not t.emulators_reason:
            fail("emulators = %s needs emulators_reason = (why not both)" % emus)
    else:
        fail("emulators = %r: use both, qemu or bochs" % emus)
    if "until_lab" in section:
        try:
            t.until_lab = int(section["until_lab"])
        except ValueError:
            fail("until_lab = %r is not a number" % section["until_lab"])
        if t.until_lab < t.lab:
            fail("until_lab = %d is before the test's own lab %d" % (t.until_lab, t.lab))
        t.until_lab_reason = " ".join(_lines(section.get("until_lab_reason", "")))
        if not t.until_lab_reason:
            fail("until_lab = %d needs until_lab_reason = (why it cannot pass later, "
                 "and which test replaces it)" % t.until_lab)
    elif "until_lab_reason" in section:
        fail("until_lab_reason without until_lab")
    demo = section.get("demo", "no").strip().lower()
    if demo not in ("yes", "no", "true", "false", "1", "0"):
        fail("demo = %r: use yes or no" % demo)
    t.demo = demo in ("yes", "true", "1")
    t.kernel = section.get("kernel", "hv.elf").strip()
    tagged = section.get("guest_tags", "yes").strip().lower()
    if tagged not in ("yes", "no"):
        fail("guest_tags = %r: use yes or no" % tagged)
    t.guest_tags = tagged == "yes"
    t.order = section.get("order", "").strip()
    if t.order and t.order not in ORDERS:
        fail("order = %r: use global or per-domain" % t.order)
    for p in t.results + t.console + t.reject:
        try:
            # Placeholders are filled in later; check the rest compiles.
            re.compile(re.sub(r"\{[A-Za-z_]\w*\}", "x", p))
        except re.error as e:
            fail("pattern %r does not compile: %s" % (p, e))
    return t


def per_domain(t: Test) -> bool:
    """Are t's patterns matched in order per domain (checks.py)?  At the
    lab it says (`order =`), else from CONCURRENT_FROM_LAB on."""
    order = getattr(t, "order", "")
    if order:
        return order == "per-domain"
    return getattr(t, "graded_at", 0) >= CONCURRENT_FROM_LAB


def retired(t: Test, lab: int) -> Optional[str]:
    """Why test t is not run when grading lab `lab` (until_lab = N and
    lab > N), else None.  Such a test is listed and counts for nothing."""
    if t.until_lab is not None and lab > t.until_lab:
        return "not run at lab %d: %s" % (lab, t.until_lab_reason)
    return None


def read_file(path: str, lab: Optional[int], hidden: bool = False) -> List[Test]:
    cp = _parser()
    try:
        with open(path, encoding="utf-8") as f:
            cp.read_file(f, path)
    except (configparser.Error, OSError) as e:
        raise SpecError("%s: %s" % (path, e))
    except UnicodeDecodeError as e:   # found by tools/fuzz-spec
        raise SpecError("%s: not UTF-8 text (byte %#x at offset %d)"
                        % (path, e.object[e.start], e.start))
    return [parse_test(cp[s], lab, path, hidden) for s in cp.sections()]


def lab_dirs(root: str) -> List[tuple]:
    """[(N, path)] for every labN-* directory of the tree, sorted by N."""
    out = []
    for d in glob.glob(os.path.join(root, "lab*-*")):
        m = re.match(r"lab(\d+)-", os.path.basename(d))
        if m and os.path.isdir(d):
            out.append((int(m.group(1)), d))
    return sorted(out)


def load(root: str, max_lab: int, hidden_dir: Optional[str] = None,
         only_lab: Optional[int] = None) -> List[Test]:
    """Tests of labs 1..max_lab (or just only_lab), plus hidden ones."""
    tests: List[Test] = []
    for n, d in lab_dirs(root):
        if n > max_lab or (only_lab is not None and n != only_lab):
            continue
        path = os.path.join(d, "tests", "tests.ini")
        if os.path.isfile(path):
            tests += read_file(path, n)
    if hidden_dir:
        files = sorted(glob.glob(os.path.join(hidden_dir, "*.ini")))
        if not files:
            raise SpecError("--hidden %s: no *.ini files there" % hidden_dir)
        for path in files:
            for t in read_file(path, None, hidden=True):
                if t.lab <= max_lab and (only_lab is None or t.lab == only_lab):
                    tests.append(t)
    seen = {}
    for t in tests:
        t.graded_at = max_lab
        if t.id in seen:
            raise SpecError("test %s is defined twice: %s and %s" % (t.id, seen[t.id], t.source))
        seen[t.id] = t.source
    _check_replacements(tests, max_lab, only_lab)
    return tests


def _check_replacements(tests: List[Test], max_lab: int, only_lab: Optional[int]) -> None:
    """An until_lab_reason that names a later test (`lab4/exit-iret`) must
    name one that exists, whenever that lab's tests are loaded: the reason
    is what a student reads instead of the test's verdict."""
    ids = {t.id for t in tests}
    for t in tests:
        for lab, name in re.findall(r"\blab(\d+)/([A-Za-z0-9_-]+)", t.until_lab_reason):
            if int(lab) > max_lab or (only_lab is not None and int(lab) != only_lab):
                continue
            if "lab%s/%s" % (lab, name) not in ids:
                raise SpecError("%s [%s]: until_lab_reason names lab%s/%s, which is no test"
                                % (t.source, t.name, lab, name))


def find_demo(root: str, lab: int) -> Optional[Test]:
    """The `demo = yes` test of lab N, else of N-1, ... down to 1."""
    tests = load(root, lab)
    for n in range(lab, 0, -1):
        for t in tests:
            if t.lab == n and t.demo:
                return t
    return None
