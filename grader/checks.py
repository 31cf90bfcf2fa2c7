"""
grader/checks.py - decide what one run means.

verdict() takes a test, the text of both channels and how the emulator
ended (process.RunOutcome), and returns a Verdict:

  OK       the run ended with `end status=N` and every check passed
  FAIL     it ended cleanly but a check failed (a pattern missing, a
           rejected pattern present, a wrong exit status, e.g. a panic)
  TIMEOUT  no `end status=` line before the deadline
  CRASH    it ended without `end status=`: a triple fault / reset, a
           silent exit through port 0xF4, or the emulator itself failed
  FLOOD    a channel passed the output cap; the run was stopped
  ERROR    the run could not be started (a missing file, ...)

The order of precedence matters: the result channel's `end status=` line
is the hypervisor's own word that it finished, so it is looked at first;
the emulator's exit status only explains runs without it.
"""

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import tags
from emulators import GRUB_FAILED
from spec import per_domain

END_RE = re.compile(r"^end status=(-?\d+)\s*$", re.M)
TODO_RE = re.compile(r"^.*\btodo: (LAB \d+ exercise \d+.*)$", re.M | re.I)
EXERCISE_RE = re.compile(r"LAB (\d+) exercise (\d+)", re.I)   # in a todo line
PANIC_RE = re.compile(r"^.*\bpanic: .*$", re.M)
PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_]\w*)\}")


@dataclass
class Verdict:
    kind: str                         # OK FAIL TIMEOUT CRASH FLOOD ERROR
    reason: str = ""                  # one line: what went wrong
    expected: str = ""                # the pattern that was not found / was found
    todos: List[str] = field(default_factory=list)    # unfinished exercises
    panic: str = ""                   # the hypervisor's panic line, if any
    end_status: Optional[int] = None
    nearest: str = ""                 # the line closest to the missing pattern

    @property
    def ok(self) -> bool:
        return self.kind == "OK"


ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def clean(data: bytes) -> str:
    """Bytes from a serial file as text: UTF-8 (bad bytes replaced), \\r and
    terminal escape sequences (GRUB's screen clearing) dropped."""
    return ANSI_RE.sub("", data.decode("utf-8", "replace").replace("\r", ""))


def expand(pattern: str, values: Dict[str, str]) -> str:
    """Fill {name} placeholders: {memory} and groups captured earlier.

    Only {identifier} is a placeholder, so regex counts such as [0-9]{3,}
    stay as they are; {{ and }} are literal braces.  An unknown name
    raises KeyError.
    """
    def sub(m):
        if m.group(0) == "{{":
            return r"\{"
        if m.group(0) == "}}":
            return r"\}"
        return values[m.group(1)]
    return PLACEHOLDER.sub(sub, pattern)


REGEX_META = set(".^$*+?{}[]|()")


def literal_prefix(pattern: str) -> str:
    """The text every match of pattern starts with: `^d0: entered [0-9]+`
    -> `d0: entered `.  Stops at the first regex operator (a character
    before a quantifier is dropped too, as it may repeat)."""
    out, i = [], 1 if pattern.startswith("^") else 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            if i + 1 < len(pattern) and not pattern[i + 1].isalnum():
                out.append(pattern[i + 1])
                i += 2
                continue
            break                       # \d, \s, ...: a class
        if c in REGEX_META:
            if c in "*?{" and out:
                out.pop()
            break
        out.append(c)
        i += 1
    return "".join(out)


def nearest_line(pattern: str, text: str) -> str:
    """The line of text that comes closest to matching pattern, or "".

    First choice: a line that starts like the pattern (the same key with a
    different value: `d0: entered the hypervisor 10008 times` for
    `^d0: entered the hypervisor [0-9]{1,2} times$`), the longest shared
    start winning; else a line that looks much like it (difflib).  So a
    failure shows what the guest said instead, not only what it did not."""
    import difflib
    lines = [x for x in text.split("\n") if x.strip()][-4000:]
    if not lines:
        return ""
    lit = literal_prefix(pattern)
    # Shorten the literal start word by word until some line has it,
    # but keep at least the key: `d0: entered` still names one fact.
    words = lit.split(" ")
    while words:
        start = " ".join(words)
        if len(start) < 4:
            break
        hits = [x for x in lines if x.startswith(start)]
        if hits:
            bare = re.sub(r"[\\^$]", "", pattern)
            return max(hits, key=lambda x: difflib.SequenceMatcher(None, x, bare).ratio())
        words = words[:-1]
    bare = re.sub(r"\\(.)", r"\1", pattern).strip("^$")
    best = max(lines, key=lambda x: difflib.SequenceMatcher(None, x, bare).ratio())
    return best if difflib.SequenceMatcher(None, best, bare).ratio() >= 0.75 else ""


def compile_pattern(pattern: str, values: Dict[str, str], channel: str, i: int):
    """(regex, None), or (None, failure) when pattern i uses a {name} that
    no earlier pattern captured (both matchers below report it alike)."""
    try:
        return re.compile(expand(pattern, values), re.M), None
    except KeyError as e:
        return None, ("%s pattern %d uses {%s}, which no earlier pattern captured"
                      % (channel, i, e.args[0]), pattern)


def capture(m, values: Dict[str, str]) -> None:
    """A match's named groups, re.escape'd, for later patterns' {name}."""
    for k, v in m.groupdict().items():
        if v is not None:
            values[k] = re.escape(v)


def match_in_order(patterns: List[str], text: str, values: Dict[str, str], channel: str):
    """Search each pattern after the end of the previous match.

    Returns None when all match, else (reason, pattern).  Named groups
    are added to values (re.escape'd) for later patterns.
    """
    pos = 0
    for i, pat in enumerate(patterns, 1):
        rx, failure = compile_pattern(pat, values, channel, i)
        if failure:
            return failure
        m = rx.search(text, pos)
        if not m:
            where = "anywhere" if pos == 0 else "after the previous match"
            if pos and rx.search(text):
                where = "after the previous match (it appears earlier: wrong order?)"
            return ("%s pattern %d of %d not found %s" % (channel, i, len(patterns), where),
                    expand(pat, values))
        capture(m, values)
        pos = m.end()
    return None


# Whose line is it?  `dN: ...` (result channel), `(hv) dN (name): ...`,
# `(hv)   dN name ...` (the summary) and `[dN] ...` (a guest's console).
DOMAIN_LINE = re.compile(r"^(?:\(hv\) ?)?\s*(?:d(\d+)(?:[: ]|$)|\[d(\d+)\])")


def line_domain(line: str) -> Optional[str]:
    m = DOMAIN_LINE.match(line)
    return (m.group(1) or m.group(2)) if m else None


def pattern_domain(pattern: str) -> Optional[str]:
    """The domain every match of pattern belongs to, from its literal
    prefix (`^d0: x` -> "0"), or None (it may match any line)."""
    return line_domain(literal_prefix(pattern))


def match_per_domain(patterns: List[str], text: str, values: Dict[str, str], channel: str):
    """match_in_order, but each domain's lines are a stream of their own:
    a pattern naming domain N is searched after the previous match among
    N's lines only; the hypervisor's other lines are another stream, and
    a pattern naming no domain searches every line.  Domains that run
    concurrently (lab 5 on) interleave their lines in any order; each
    one's own order, and the hypervisor's, still count."""
    lines = text.split("\n")
    streams = {"*": text}
    for dom in set(line_domain(ln) for ln in lines):
        key = dom if dom is not None else "hv"
        streams[key] = "\n".join(ln for ln in lines if line_domain(ln) == dom)
    pos = {}
    for i, pat in enumerate(patterns, 1):
        rx, failure = compile_pattern(pat, values, channel, i)
        if failure:
            return failure
        dom = pattern_domain(pat)
        key = dom if dom is not None else "hv"
        stream = streams.get(key, "")
        m = rx.search(stream, pos.get(key, 0))
        if not m and dom is None and not rx.search(stream):  # e.g. `Hello` in a guest's line
            key, stream = "*", text
            m = rx.search(stream, pos.get(key, 0))
        if not m:
            whose = "d%s's lines" % dom if dom is not None else (
                "the hypervisor's lines" if key == "hv" else "the output")
            where = "anywhere in %s" % whose if not pos.get(key) else \
                "in %s after the previous match there" % whose
            if pos.get(key) and rx.search(stream):
                where += " (it appears earlier: wrong order?)"
            return ("%s pattern %d of %d not found %s (matched per domain: domains run "
                    "concurrently)" % (channel, i, len(patterns), where), expand(pat, values))
        capture(m, values)
        pos[key] = m.end()
    return None


def needed_unfinished(test, todos: List[str]) -> List[str]:
    """The todo lines among `todos` that name an exercise `test` lists in
    its exercises= (its own lab's): with one of those not done, the test
    cannot pass - tools/check-exercises.py proves, exercise by exercise,
    that every test listing it fails naming it."""
    need = []
    for line in todos:
        m = EXERCISE_RE.search(line)
        if m and int(m.group(1)) == test.lab and m.group(2) in test.exercises:
            need.append(line)
    return need


def unfinished(console: str, result: str) -> List[str]:
    """`todo: LAB L exercise E ...` lines (result channel first), unique."""
    seen = []
    for text in (result, console):
        for m in TODO_RE.finditer(text):
            line = m.group(1).strip()
            key = re.match(r"LAB \d+ exercise \d+", line, re.I).group(0).upper()
            if not any(k == key for k, _ in seen):
                seen.append((key, line))
    return [line for _, line in seen]


FORGED = "result line not produced by a test guest"


def verdict(test, console: str, result: str, outcome, emulator: str,
            nonces: Optional[List[str]] = None) -> Verdict:
    """What this run means; see the module comment.  With nonces, guest
    lines must carry this run's tags (tags.py); they are checked and
    stripped before any pattern is matched."""
    tagged = None
    if nonces is not None:
        tagged = tags.verify(result, nonces)
        result, console = tagged.text, tags.display(console, nonces)
    v = Verdict("OK")
    v.todos = unfinished(console, result)
    pm = PANIC_RE.search(result) or PANIC_RE.search(console)
    v.panic = pm.group(0).strip() if pm else ""
    ends = END_RE.findall(result)
    if ends:
        v.end_status = int(ends[-1])
    printed = bool(console.strip() or result.strip())

    if outcome.stop == "flood":
        v.kind, v.reason = "FLOOD", "output flood: %s; the run was stopped" % outcome.detail
        return v
    need = needed_unfinished(test, v.todos) if outcome.stop == "unfinished" else []
    if need and v.end_status is None:
        v.kind = "FAIL"
        v.reason = ("stopped %.1f s in: %s is not done, and this test needs it "
                    "(exercises = %s): the rest of the run could not pass" % (
                        outcome.seconds, need[0].split(" is not done")[0],
                        " ".join(test.exercises)))
        v.expected = "every exercise in exercises = %s done" % " ".join(test.exercises)
        return v
    if v.end_status is None:
        if outcome.stop == "timeout":
            v.kind = "TIMEOUT"
            if outcome.detail == "silent":
                v.reason = ("no `end status=` line; stopped after %.0f s with no output for "
                            "%.0f s: hung%s" % (outcome.seconds, outcome.seconds
                                                 - (outcome.last_output or 0),
                                                 "" if printed else ", it never printed anything"))
            elif not printed:
                v.reason = "no `end status=` line within %.0f s; it never printed anything" \
                           % outcome.seconds
            elif outcome.last_output is not None and outcome.seconds - outcome.last_output < 1.0:
                v.reason = ("no `end status=` line within %.0f s; it was still printing "
                            "when stopped (%d console bytes): a loop?"
                            % (outcome.seconds, len(console)))
            else:
                v.reason = ("no `end status=` line within %.0f s; hung after printing "
                            "(last output at %.1f s)" % (outcome.seconds, outcome.last_output or 0))
            return v
        v.kind = "CRASH"
        v.reason = crash_reason(outcome, emulator, printed)
        g = console.find(GRUB_FAILED)
        if g >= 0:   # GRUB could not load a file (see emulators.grub_cfg)
            lines = console[g:].split("\n")
            v.reason = "GRUB could not boot: %s %s" % (
                lines[0].replace(GRUB_FAILED, "").strip(" :"),
                " ".join(x.strip() for x in lines[1:3] if x.strip()))
        return v

    # The hypervisor finished: now the checks, in the order people read them.
    if v.end_status != test.exit:
        v.kind = "FAIL"
        v.reason = "hypervisor exit status %d, expected %d%s" % (
            v.end_status, test.exit, " (3 = panic)" if v.end_status == 3 else "")
        v.expected = "end status=%d" % test.exit
        return v
    if tagged and tagged.forged:
        v.kind, v.reason = "FAIL", "%s: %s" % (FORGED, tagged.forged)
        v.expected = "every guest line tagged by a guest of this run (grader/tags.py)"
        return v
    values = {"memory": str(test.memory)}
    match = match_per_domain if per_domain(test) else match_in_order
    for channel, pats, text in (("result", test.results, result),
                                ("console", test.console, console)):
        miss = match(pats, text, values, channel)
        if miss:
            v.kind, (v.reason, v.expected) = "FAIL", miss
            v.nearest = nearest_line(v.expected, text)
            return v
    for pat in test.reject:
        try:
            rx = re.compile(expand(pat, values), re.M)
        except KeyError as e:
            v.kind, v.reason, v.expected = "FAIL", "reject pattern uses unknown {%s}" % e.args[0], pat
            return v
        for channel, text in (("result", result), ("console", console)):
            m = rx.search(text)
            if m:
                line = text[text.rfind("\n", 0, m.start()) + 1:].split("\n", 1)[0]
                v.kind = "FAIL"
                v.reason = "rejected pattern found on the %s channel: %s" % (channel, line.strip())
                v.expected = "(must not match) " + pat
                return v
    if tagged and tagged.order:
        v.kind, v.reason = "FAIL", "%s in this order: %s" % (FORGED, tagged.order)
        return v
    return v


def crash_reason(outcome, emulator: str, printed: bool) -> str:
    """Why a run ended without `end status=` (it did not time out)."""
    rc = outcome.returncode
    said = "" if printed else "; it never printed anything"
    if outcome.stop == "triple":
        return "triple fault (Bochs: %s)%s" % (outcome.detail, said)
    if outcome.stop == "panic":
        return "Bochs stopped with a panic: %s%s" % (outcome.detail, said)
    if rc is not None and rc < 0:
        return "the emulator was killed by signal %d%s" % (-rc, said)
    if emulator == "qemu":
        if rc == 0:
            return ("triple fault or reset: QEMU ended (status 0 with -no-reboot) "
                    "without an `end status=` line" + said)
        if rc is not None and rc % 2 == 1 and not outcome.detail:
            return ("the kernel exited silently: port 0xF4 got %d (QEMU status %d) "
                    "but no `end status=` line was written%s" % (rc >> 1, rc, said))
        return "QEMU failed (exit status %s)%s%s" % (
            rc, ": " + outcome.detail if outcome.detail else "", said)
    # Bochs: "Shutdown" to port 0x8900 ends it with status 1.
    if outcome.detail == "shutdown":
        return ("the kernel exited silently: it wrote Shutdown to port 0x8900 "
                "but no `end status=` line" + said)
    return "Bochs ended unexpectedly (exit status %s)%s%s" % (
        rc, ": " + outcome.detail if outcome.detail and outcome.detail != "shutdown" else "",
        said)
