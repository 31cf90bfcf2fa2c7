"""
grader/report.py - what the grader tells people and machines.

People (stdout): one line per test and emulator as runs finish, then for
each failure what failed and how to rerun and debug it, a score per lab,
the total, and the closing line `N passed, N failed`.
Machines (--out): results.json (Gradescope's format) and junit.xml.

Scoring rule: a test earns its points only when it passes on EVERY
emulator it runs on (a hypervisor that works on QEMU but breaks on Bochs
is broken).  Demo tests (demo = yes) are not graded.
"""

import importlib.util
import json
import os
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Dict, List

CONSOLE_TAIL = 15   # console lines shown for a failure


# --- colour (only on a terminal, and never with NO_COLOR set) --------------

def _use_colour(stream) -> bool:
    return hasattr(stream, "isatty") and stream.isatty() and not os.environ.get("NO_COLOR") \
        and os.environ.get("TERM") != "dumb"


COLOURS = {"OK": "32", "FAIL": "31", "TIMEOUT": "33", "CRASH": "35", "FLOOD": "35",
           "ERROR": "31", "NOTRUN": "33", "SKIP": "36", "bold": "1", "dim": "2", "todo": "1;33"}


def paint(text: str, what: str, stream=sys.stdout) -> str:
    if not _use_colour(stream) or what not in COLOURS:
        return text
    return "\033[%sm%s\033[0m" % (COLOURS[what], text)


# --- one test's runs ------------------------------------------------------------

@dataclass
class TestResult:
    test: object                                   # spec.Test
    runs: Dict[str, object] = field(default_factory=dict)   # emulator -> RunRecord
    skipped: List[str] = field(default_factory=list)        # emulators not run, why
    expect_skeleton: bool = False
    wanted: int = 0                                # runs planned (0: unknown)
    retired: bool = False                          # until_lab passed: never run

    def run_passed(self, rec) -> bool:
        """Did one run do what this grade expects of it?"""
        if self.expect_skeleton:
            # A skeleton must fail cleanly and name an unfinished exercise.
            return rec.verdict.kind == "FAIL" and bool(rec.verdict.todos)
        return rec.verdict.ok

    @property
    def complete(self) -> bool:
        return bool(self.runs) and len(self.runs) >= self.wanted

    @property
    def passed(self) -> bool:
        return bool(self.runs) and all(self.run_passed(r) for r in self.runs.values())

    @property
    def score(self):
        return self.test.points if self.passed and not self.expect_skeleton else 0


def run_line(rec, expect_skeleton: bool, stream=sys.stdout) -> str:
    """`lab1  hello         qemu   OK       20 pts   1.3 s`"""
    t = rec.test
    kind = rec.verdict.kind
    note = ""
    if expect_skeleton:
        if kind == "FAIL" and rec.verdict.todos:
            note = "  (expected: fails, names %s)" % _short_todo(rec.verdict.todos[0])
        elif kind == "OK":
            note = "  (a skeleton should fail this test)"
        else:
            note = "  (a skeleton must fail cleanly, naming its exercise)"
    elif rec.verdict.reason:
        note = "  " + rec.verdict.reason
        if len(note) > 90:
            note = note[:87] + "..."
    return "lab%-2d %-16s %-6s %s %6s pts %6.1f s%s" % (
        t.lab, t.name + ("*" if t.hidden else ""), rec.emulator,
        paint("%-8s" % kind, kind, stream), _num(t.points), rec.seconds, note)


def nice_path(p: str) -> str:
    """Relative to the current directory when inside it, else absolute."""
    r = os.path.relpath(p)
    return os.path.abspath(p) if r.startswith("..") else r


def _num(x) -> str:
    return ("%g" % x) if isinstance(x, float) else str(x)


def _short_todo(line: str) -> str:
    # "LAB 1 exercise 1 (frame allocator) is not done: hv/mm.c f()" -> up to ")"
    i = line.find(")")
    return line[:i + 1] if i > 0 else line


# --- failure details --------------------------------------------------------------

def trace_text(rec) -> List[str]:
    """For a run made with the hypervisor option `trace` (lab 5's fairness
    and latency tests): the per-domain CPU shares tools/trace.py finds in
    its console, and the timeline SVG it draws, written next to the log.
    Nothing when the console has no trace or tools/trace.py is absent."""
    if "trace t=" not in rec.console:
        return []
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "tools", "trace.py")
    if not os.path.exists(path):
        return []
    try:
        # By path: the standard library has a module called trace too.
        spec = importlib.util.spec_from_file_location("parakeet_trace", path)
        sched_trace = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sched_trace)
        tr = sched_trace.Trace.parse(rec.console + "\n" + rec.result)
        if not tr.switches:
            return []
        out = ["  scheduling trace (tools/trace.py):"]
        out += ["    " + line for line in sched_trace.report(tr).split("\n")]
        if rec.log:
            svg = os.path.splitext(rec.log)[0] + ".svg"
            with open(svg, "w") as f:
                f.write(sched_trace.svg(tr, "%s on %s" % (rec.test.id, rec.emulator)))
            out.append("    timeline: %s" % nice_path(svg))
        return out
    except (ImportError, OSError, ValueError, SyntaxError) as e:
        return ["  scheduling trace: could not be drawn (%s)" % e]

def failure_text(tr: TestResult, rec, make_args: str, stream=None) -> List[str]:
    """The block printed for one failed run (plain text when stream is None)."""
    def p(text, what):
        return paint(text, what, stream) if stream else text
    t, v = rec.test, rec.verdict
    out = []
    head = "%s on %s: %s" % (t.id, rec.emulator, v.kind)
    if tr.expect_skeleton:
        if v.kind == "OK":
            out.append(p(head + " - the skeleton PASSED this test; it should fail "
                         "naming an unfinished exercise", "FAIL"))
        elif v.kind == "FAIL":
            out.append(p(head + " - failed without a `todo: LAB L exercise E` line: "
                         "the skeleton's message must name the unfinished exercise", "FAIL"))
        else:
            out.append(p(head + " - a skeleton must fail cleanly (end status=...), not %s"
                         % v.kind, "FAIL"))
        out.append("  why: " + (v.reason or "all checks passed"))
    else:
        out.append(p(head, v.kind) + ": " + v.reason)
    if t.description:
        out.append("  test: " + t.description)
    if v.kind == "NOTRUN":
        return out
    if v.expected:
        out.append("  expected: " + v.expected)
    if v.nearest:
        # The closest line the guest did print (same key, another value).
        out.append("  got:      " + v.nearest[:200])
    for todo in v.todos:
        out.append("  " + p("unfinished exercise: " + todo, "todo"))
    if v.panic:
        out.append("  " + p(v.panic, "FAIL"))
    if t.exercises and not tr.expect_skeleton:
        out.append("  this test depends on lab %d exercise%s %s" % (
            t.lab, "s" if len(t.exercises) > 1 else "", ", ".join(t.exercises)))
    lines = rec.console.rstrip("\n").split("\n") if rec.console.strip() else []
    if lines:
        out.append("  last %d console lines:" % min(CONSOLE_TAIL, len(lines)))
        for line in lines[-CONSOLE_TAIL:]:
            out.append("    | " + line[:200])
    else:
        out.append("  the console (COM1) is empty")
    out += trace_text(rec)
    if rec.log:
        out.append("  full log: %s" % nice_path(rec.log))
    args = make_args.strip()
    emu_target = "bochs" if rec.emulator == "bochs" else "qemu"
    hidden = " HIDDEN=%s" % os.path.dirname(t.source) if t.hidden else ""
    out.append("  rerun:  make %s %s TEST=%s%s" % (emu_target, args, t.name, hidden))
    out.append("  debug:  make qemu-gdb %s TEST=%s%s   and in another terminal:  make gdb %s"
               % (args, t.name, hidden, args))
    if getattr(rec, "replay", ""):
        # grader/replay.py: the failing run recorded, to be run backwards in GDB.
        out.append("  replay: " + rec.replay.strip())
    return out


# --- summary ------------------------------------------------------------------------

def summary(results: List[TestResult], make_args: str, elapsed: float, stream=sys.stdout,
            expect_skeleton: bool = False) -> int:
    """Print failures, scores and the closing line; return the number failed."""
    w = stream.write
    failed = [tr for tr in results if tr.complete and not tr.passed]
    if failed:
        w("\n" + paint("Failures", "bold", stream) + "\n")
        for tr in failed:
            for emu, rec in sorted(tr.runs.items()):
                if not tr.run_passed(rec):
                    w("\n" + "\n".join(failure_text(tr, rec, make_args, stream)) + "\n")
    skipped = [tr for tr in results if tr.skipped]
    if skipped:
        w("\n")
        for tr in skipped:
            for s in tr.skipped:
                w(paint("skipped", "SKIP", stream) + " %s: %s\n" % (tr.test.id, s))
    w("\n" + paint("Scores", "bold", stream)
      + (" (expect skeleton: a test passes when it fails naming its exercise)"
         if expect_skeleton else "") + "\n")
    total = maxtotal = notrun_total = 0
    for lab in sorted({tr.test.lab for tr in results}):
        trs = [tr for tr in results if tr.test.lab == lab and tr.complete]
        # Tests none of whose emulators was asked for (EMU=qemu and a
        # Bochs-only test): out of the score, but the line says so.
        notrun = [tr for tr in results if tr.test.lab == lab and not tr.complete
                  and tr.skipped and not tr.retired]
        np = sum(tr.test.points for tr in notrun)
        notrun_total += np
        why = ("; %s points not run on this emulator: %s" % (
            _num(np), ", ".join(tr.test.name for tr in notrun))) if notrun else ""
        # until_lab: tests this lab's design makes impossible (spec.retired).
        retired = [tr.test.name for tr in results if tr.test.lab == lab and tr.retired]
        if retired:
            why += "; %d not run at this lab (until_lab): %s" % (len(retired),
                                                                ", ".join(retired))
        if not trs:
            if (notrun or retired) and not expect_skeleton:
                w("  lab %d: no test run%s\n" % (lab, why))
            continue
        s = sum(tr.score for tr in trs)
        m = sum(tr.test.points for tr in trs)
        total += s
        maxtotal += m
        npass = sum(tr.passed for tr in trs)
        if expect_skeleton:
            w("  lab %d: %d of %d tests fail as a skeleton should\n" % (lab, npass, len(trs)))
        else:
            w("  lab %d: %s/%s points (%d of %d tests passed%s)\n"
              % (lab, _num(s), _num(m), npass, len(trs), why))
    if not expect_skeleton:
        w("  total: %s/%s points%s\n" % (_num(total), _num(maxtotal), (
            " (%s points not run on this emulator: see `skipped` above; EMU=both runs them)"
            % _num(notrun_total)) if notrun_total else ""))
    notrun = not_run_count(results)
    if notrun:
        w("%d test%s not run: the grade's overall deadline passed first\n"
          % (notrun, "" if notrun == 1 else "s"))
    w("grade wall time: %.1f s\n" % elapsed)
    npass = sum(tr.passed for tr in results if tr.complete)
    w("%d passed, %d failed\n" % (npass, len(failed)))
    return len(failed)


def not_run_count(results: List[TestResult]) -> int:
    """Tests the overall deadline left out or cut off (grade.py --deadline)."""
    return sum(1 for tr in results
               if any(r.verdict.kind == "NOTRUN" for r in tr.runs.values()))


# --- results.json (Gradescope) -----------------------------------------------------

def results_json(results: List[TestResult], make_args: str, elapsed: float, path: str,
                 expect_skeleton: bool = False, note: str = "", partial: bool = False) -> dict:
    """Gradescope's results.json.  partial: written while the grade runs
    (after each run), so a grade that is killed still leaves one; tests
    not finished yet score 0 and say so."""
    tests = []
    for tr in results:
        if not tr.complete:
            if partial and tr.wanted:
                t = tr.test
                tests.append({"name": t.id, "score": 0, "max_score": t.points,
                              "status": "failed",
                              "output": "not run: the grade stopped before this test finished",
                              "visibility": "after_published" if t.hidden else "visible",
                              "extra_data": {"lab": t.lab, "test": t.name, "hidden": t.hidden,
                                             "runs": {}, "seconds": {}, "todos": []}})
            continue
        t = tr.test
        lines = ["%s: %s%s" % (emu, rec.verdict.kind,
                               " - " + rec.verdict.reason if rec.verdict.reason else "")
                 for emu, rec in sorted(tr.runs.items())]
        if t.emulators_reason:
            lines.append("runs only on %s: %s" % (t.emulators[0], t.emulators_reason))
        for s in tr.skipped:
            lines.append("skipped: " + s)
        for emu, rec in sorted(tr.runs.items()):
            if not tr.run_passed(rec):
                lines.append("")
                lines += failure_text(tr, rec, make_args)
        tests.append({
            "name": t.id,
            "score": tr.score,
            "max_score": t.points,
            "status": "passed" if tr.passed else "failed",
            "output": (t.description + "\n\n" if t.description else "") + "\n".join(lines),
            "visibility": "after_published" if t.hidden else "visible",
            "extra_data": {"lab": t.lab, "test": t.name, "hidden": t.hidden,
                           "runs": {emu: rec.verdict.kind for emu, rec in tr.runs.items()},
                           "seconds": {emu: round(rec.seconds, 2)
                                       for emu, rec in tr.runs.items()},
                           "todos": sorted({x for rec in tr.runs.values()
                                            for x in rec.verdict.todos})},
        })
    doc = {
        "score": sum(x["score"] for x in tests),
        "max_score": sum(x["max_score"] for x in tests),
        "execution_time": round(elapsed, 1),
        "output": note or ("%d passed, %d failed" % (
            sum(tr.passed for tr in results if tr.complete),
            sum(1 for tr in results if tr.complete and not tr.passed))),
        "visibility": "visible",
        "tests": tests,
    }
    if expect_skeleton:
        doc["output"] += " (expect skeleton mode: scores are 0 by design)"
    if not_run_count(results):
        doc["output"] += "; %d not run: the grade's overall deadline passed first" \
            % not_run_count(results)
    if partial:
        doc["output"] += " so far (the grade has not finished)"
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path + ".tmp", "w") as f:     # atomic: a reader never sees half a file
        # The final file is indented for people; a partial one, rewritten
        # while emulators run, is one line (json.dumps without indent is
        # Python's C encoder, several times faster).
        f.write(json.dumps(doc) if partial else json.dumps(doc, indent=2))
        f.write("\n")
    os.replace(path + ".tmp", path)
    return doc


# --- junit.xml ------------------------------------------------------------------------

def junit_xml(results: List[TestResult], make_args: str, path: str) -> None:
    root = ET.Element("testsuites", name="parakeet")
    for lab in sorted({tr.test.lab for tr in results}):
        suite = ET.SubElement(root, "testsuite", name="lab%d" % lab)
        n = nfail = 0
        secs = 0.0
        for tr in results:
            if tr.test.lab != lab:
                continue
            for emu, rec in sorted(tr.runs.items()):
                n += 1
                secs += rec.seconds
                case = ET.SubElement(suite, "testcase", classname="lab%d.%s" % (lab, emu),
                                     name="%s[%s]" % (tr.test.name, emu),
                                     time="%.2f" % rec.seconds)
                if not tr.run_passed(rec):
                    nfail += 1
                    f = ET.SubElement(case, "failure", type=rec.verdict.kind,
                                      message=rec.verdict.reason or rec.verdict.kind)
                    f.text = "\n".join(failure_text(tr, rec, make_args))
            for s in tr.skipped:
                n += 1
                case = ET.SubElement(suite, "testcase", classname="lab%d" % lab,
                                     name=tr.test.name)
                ET.SubElement(case, "skipped", message=s)
        suite.set("tests", str(n))
        suite.set("failures", str(nfail))
        suite.set("time", "%.2f" % secs)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
