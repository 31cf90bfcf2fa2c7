"""
grader/tags.py - result lines that only a test guest could have written.

A student controls the whole hypervisor, and the hypervisor writes the
result channel, so it could print the lines of someone else's passing run.
Nothing makes that impossible; this makes it cost more than the lab:

 1. For every run the grader draws a fresh random nonce per module and
    appends "nonce=HEX" to the module's command line, after "--" (the part
    the hypervisor does not parse; only the guest reads it).
 2. The guest library's report() (lab1-boot/guest/lib.c) appends
    " @SEQ:TAG" to each line: SEQ numbers that guest's reports from 1, TAG
    is FNV-1a (32 bits) of NONCE, "/DOMID/SEQ/" and the text, where DOMID
    is the domain id the guest read from its start_info.
 3. verify() recomputes every tag.  A `dN: ...` line that is not one the
    hypervisor itself writes (HV_LINES) must carry a tag that matches one of
    this run's nonces, for domain N, with SEQ above that guest's previous
    line's (a refused report leaves a gap).  Otherwise the run is rejected: "result line not
    produced by a test guest".  A log from another run never matches: its
    nonces were different.
 4. The tags and the nonces are then stripped, so tests.ini patterns, the
    report and the student's "got:" lines read as before; the log keeps
    the raw channels.

Lines the hypervisor writes itself (`integrity ok`, `dN: end poweroff`,
`summary ...`, `module ...`, `dN: fault ...`, `selftest frames ...`)
cannot carry a guest's tag, and a forger can print them: the tests' guest
lines carry the values that matter, and a test resting on hypervisor lines
alone (lab 1's `frames`) stays forgeable.  grader/README.md ("Results that
cannot be forged") says what this does not stop.
"""

import re
import secrets
from typing import Dict, List, Optional, Tuple

# `dN: ...` lines the hypervisor writes itself (lab1-boot/hv/domain.c,
# traps.c; solutions/lab2-traps/hv/bounce.c): no guest tag.
# A new one must be added here: the grader self-test checks that every
# `result("d%u: ...")` in the hypervisor's sources (labs, solutions) is.
HV_LINES = re.compile(r"^d\d+: (fault vector=|end |entered the hypervisor |nested fault: "
                      r"|console budget exceeded, |exit fault |cpu_ns=|teardown )")
GUEST_LINE = re.compile(r"^d(\d+): (.*)$")
TAGGED = re.compile(r"^d(\d+): (.*) @(\d+):([0-9a-f]{8})$")
ANY_TAG = re.compile(r" @\d+:[0-9a-f]{8}$", re.M)
KEY = "nonce"


def new_nonces(n: int) -> List[str]:
    return [secrets.token_hex(8) for _ in range(n)]


def with_nonce(args: str, nonce: str) -> str:
    """The module's arguments with the nonce after "--" (added if absent)."""
    if "--" in args.split():
        return "%s %s=%s" % (args, KEY, nonce)
    return ("%s -- %s=%s" % (args, KEY, nonce)).strip()


def strip_nonces(text: str, nonces: List[str]) -> str:
    """Remove what with_nonce() added wherever it shows (the hypervisor's
    `module ... args="..."` line, a guest reporting its command line)."""
    for n in nonces:
        text = re.sub(r" ?(?:-- )?%s=%s" % (KEY, n), "", text)
    return text


def fnv1a(h: int, data: bytes) -> int:
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def tag(nonce: str, domid: int, seq: int, text: str) -> str:
    h = fnv1a(2166136261, nonce.encode())
    h = fnv1a(h, ("/%d/%d/" % (domid, seq)).encode())
    return "%08x" % fnv1a(h, text.encode("utf-8", "replace"))


def strip_tags(text: str) -> str:
    """Every " @SEQ:TAG" at a line's end removed (for people and patterns)."""
    return ANY_TAG.sub("", text)


class Check:
    """The outcome of verify(): the cleaned text and what was wrong."""

    def __init__(self):
        self.text = ""
        self.forged: Optional[str] = None      # a line no guest of this run wrote
        self.order: Optional[str] = None       # a guest's lines missing or repeated
        self.guest_lines = 0


def verify(result: str, nonces: List[str]) -> Check:
    c = Check()
    out = []
    dom_nonce: Dict[int, str] = {}
    nonce_dom: Dict[str, int] = {}
    last: Dict[str, int] = {}
    for line in result.split("\n"):
        m = TAGGED.match(line)
        if m:
            dom, text, seq, t = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
            out.append("d%d: %s" % (dom, text))
            owner = next((n for n in nonces if tag(n, dom, seq, text) == t), None)
            if owner is None:
                c.forged = c.forged or ("its tag @%d:%s is not one a guest of this run "
                                        "computes: %s" % (seq, t, strip_nonces(line, nonces)))
                continue
            if dom_nonce.setdefault(dom, owner) != owner or \
                    nonce_dom.setdefault(owner, dom) != dom:
                c.forged = c.forged or ("it carries another domain's tag: %s"
                                        % strip_nonces(line, nonces))
                continue
            if seq <= last.get(owner, 0):
                c.order = c.order or ("d%d's report number %d follows number %d: a line is "
                                      "repeated or moved: %s"
                                      % (dom, seq, last.get(owner, 0),
                                         strip_nonces(out[-1], nonces)))
            last[owner] = seq
            c.guest_lines += 1
            continue
        if GUEST_LINE.match(line) and not HV_LINES.match(line):
            c.forged = c.forged or ("it has no guest tag: %s"
                                    % strip_nonces(strip_tags(line), nonces))
            out.append(strip_tags(line))
            continue
        out.append(line)
    c.text = strip_nonces("\n".join(out), nonces)
    return c


def display(text: str, nonces: Optional[List[str]]) -> str:
    """A channel as a student should read it: tags and nonces removed."""
    return strip_nonces(strip_tags(text), nonces or [])


def placeholder(i: int) -> str:
    """A nonce-sized stand-in for module i, written into the cached GRUB
    ISO and replaced by the run's nonce in each run's copy (emulators.py)."""
    return "%02d" % i + "x" * 14


def patch_iso(data: bytes, nonces: List[str]) -> Tuple[bytes, Optional[str]]:
    """Replace each placeholder by its nonce (grub.cfg names each module
    twice: emulators._grub_failure repeats a failed command)."""
    for i, n in enumerate(nonces):
        ph = ("%s=%s" % (KEY, placeholder(i))).encode()
        if not data.count(ph):
            return data, "placeholder %s not found in the GRUB ISO" % ph.decode()
        data = data.replace(ph, ("%s=%s" % (KEY, n)).encode())
    return data, None
