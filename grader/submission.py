"""
grader/submission.py - grade a student's submission in a clean tree.

Shared by Gradescope's run_autograder (autograde.py) and grader/batch.py.

A submission is trusted for its lab directories only: prepare_tree()
copies the pristine tree, puts the submission's `lab*-*/` directories over
it, then restores every lab's `tests/` from the pristine tree (and grader/,
the Makefile, tools/ are never taken from the submission), so a
submission cannot change what it is graded by.  Symbolic links in a
submission are ignored.  build_and_grade() runs `make build` and grade.py,
as an unprivileged user when possible, and always produces a results.json,
with the compiler's errors in it when the build fails, and the lab's
questions listed as items graded by hand (answers-labN.md).
"""

import glob
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile

SKIP = shutil.ignore_patterns(".git", "build", "__pycache__", "*.pyc", ".gdbinit")
LAB_DIR = re.compile(r"^lab\d+-[\w.-]+$")


def ref_labs(ref: str) -> set:
    """REF=all|N|N-M as a set of lab numbers ("all": every lab)."""
    if not ref:
        return set()
    if ref == "all":
        return set(range(1, 100))
    a, _, b = ref.partition("-")
    return set(range(int(a), int(b or a) + 1))


def copy_pristine(pristine: str, dest: str, ref: str = "") -> None:
    """The course tree a student's build sees: no build outputs, no hidden
    tests, and solutions/ only for the labs REF takes from it (batch and
    Gradescope build exactly this tree)."""
    shutil.copytree(pristine, dest, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", "build", "__pycache__", "*.pyc", ".gdbinit", "solutions", "hidden"))
    labs = ref_labs(ref)
    sol = os.path.join(pristine, "solutions")
    for d in sorted(glob.glob(os.path.join(sol, "lab*-*"))):
        m = re.match(r"lab(\d+)-", os.path.basename(d))
        if m and int(m.group(1)) in labs:
            shutil.copytree(d, os.path.join(dest, "solutions", os.path.basename(d)),
                            symlinks=True, ignore=SKIP)


def unpack(path: str, dest: str) -> str:
    """A submission as a directory: tarballs and zips are extracted safely
    (no absolute paths, no `..`, no links)."""
    if os.path.isdir(path):
        return path
    os.makedirs(dest, exist_ok=True)
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                name = os.path.normpath(info.filename)
                if name.startswith(("/", "..")) or info.is_dir():
                    continue
                target = os.path.join(dest, name)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with z.open(info) as src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out)
        return dest
    with tarfile.open(path) as t:
        for m in t.getmembers():
            name = os.path.normpath(m.name)
            if not m.isfile() or name.startswith(("/", "..")):
                continue
            target = os.path.join(dest, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with t.extractfile(m) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)
    return dest


ARCHIVES = (".zip", ".tar.gz", ".tgz", ".tar")


def unpack_single_archive(sub: str, dest: str) -> str:
    """Gradescope unzips a .zip upload itself but keeps a .tar.gz as it is:
    a submission directory with no lab directory and one archive in it is
    that archive, unpacked into dest."""
    if not os.path.isdir(sub) or find_lab_dirs(sub):
        return sub
    files = [f for f in os.listdir(sub) if f.endswith(ARCHIVES)
             and os.path.isfile(os.path.join(sub, f))]
    if len(files) != 1:
        return sub
    return unpack(os.path.join(sub, files[0]), dest)


def find_lab_dirs(sub: str):
    """labN-* directories at the top of the submission or one level down
    (students often zip the folder that holds them)."""
    found = {}
    for depth in ("*", "*/*"):
        for d in sorted(glob.glob(os.path.join(sub, depth))):
            name = os.path.basename(d)
            if LAB_DIR.match(name) and os.path.isdir(d) and not os.path.islink(d) \
                    and name not in found:
                found[name] = d
        if found:
            break
    return found


# --- the lab's questions (answers-labN.md) -------------------------------------
#
# The course tree holds a template answers-labN.md per lab at its top: one
# `## Question K (P points)` heading per question of the handout's section
# 8.  A student fills in their copy; `make handin` puts it in the archive.
# The points come from the pristine template (a submission cannot change
# them); the text from the submission.  Each question becomes a manually
# graded item in results.json: score 0, max_score its points, a visible
# note with the answer for the grader to read.

QUESTION_RE = re.compile(r"^##\s+Question\s+(\d+)\s+\((\d+(?:\.\d+)?)\s+points?\)\s*$", re.M)
PLACEHOLDER = "(your answer)"


def answers_name(lab: int) -> str:
    return "answers-lab%d.md" % lab


def parse_answers(text: str) -> dict:
    """{question number: (points, answer text)} from an answers file."""
    found = {}
    heads = list(QUESTION_RE.finditer(text))
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        body = text[m.end():end].strip()
        if body == PLACEHOLDER:
            body = ""
        pts = float(m.group(2))
        found[int(m.group(1))] = (int(pts) if pts.is_integer() else pts, body)
    return found


def find_answers(sub: str, lab: int):
    """The submission's answers-labN.md (top or one level down), or None."""
    if not sub or not os.path.isdir(sub):
        return None
    for depth in ("", "*"):
        for p in sorted(glob.glob(os.path.join(sub, depth, answers_name(lab)))):
            if os.path.isfile(p) and not os.path.islink(p):
                return p
    return None


def question_items(pristine: str, sub, lab: int) -> list:
    """results.json entries for lab's questions, one per question of the
    pristine template (none when the course has no template)."""
    try:
        with open(os.path.join(pristine, answers_name(lab))) as f:
            template = parse_answers(f.read())
    except OSError:
        return []
    path = find_answers(sub, lab)
    answers = {}
    if path:
        with open(path, errors="replace") as f:
            answers = parse_answers(f.read(200000))
    items = []
    for q in sorted(template):
        points = template[q][0]
        text = answers.get(q, (0, ""))[1]
        if path is None:
            said = "No %s in the submission (make handin LAB=%d puts it there)." % (
                answers_name(lab), lab)
        elif not text:
            said = "Not answered (the heading of question %d in %s is followed by no " \
                   "answer)." % (q, answers_name(lab))
        else:
            said = "The answer submitted:\n\n" + text
        items.append({
            "name": "lab%d question %d (graded by hand)" % (lab, q),
            "score": 0,
            "max_score": points,
            "output": "Question %d of handouts/lab%d.md section 8: graded by the course "
                      "staff; this autograder gives it 0 of %s points until then.\n\n%s"
                      % (q, lab, points, said),
            "visibility": "visible",
            "extra_data": {"question": q, "question_of_lab": lab, "manual": True,
                           "answered": bool(text)},
        })
    return items


def add_questions(doc: dict, pristine: str, sub, lab: int, results: str) -> dict:
    """Append lab's question items to doc's tests and rewrite results.  The
    top-level score and max_score stay the autograded ones."""
    items = question_items(pristine, sub, lab)
    if not items:
        return doc
    doc.setdefault("tests", []).extend(items)
    answered = sum(1 for x in items if x["extra_data"]["answered"])
    # Appended: the output's first line stays what it was ("The build
    # failed ..." is how grader/batch.py recognises a failed build).
    doc["output"] = ("%s\n\nQuestions: %d of %d answered in %s; they are graded by hand "
                     "(listed as tests, 0 points until then)."
                     % (doc.get("output", "").rstrip("\n"), answered, len(items),
                        answers_name(lab)))
    with open(results, "w") as f:
        json.dump(doc, f, indent=2)
    return doc


def _copy_no_links(src: str, dst: str) -> None:
    for root, dirs, files in os.walk(src):
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))
                   and d not in ("build", ".git", "__pycache__")]
        rel = os.path.relpath(root, src)
        os.makedirs(os.path.join(dst, rel), exist_ok=True)
        for f in files:
            p = os.path.join(root, f)
            if not os.path.islink(p) and os.path.isfile(p):
                shutil.copy2(p, os.path.join(dst, rel, f))


def prepare_tree(pristine_copy: str, submission: str) -> list:
    """Overlay the submission's lab directories on a copy of the pristine
    tree (in place); return the lab directory names taken."""
    taken = []
    for name, d in find_lab_dirs(submission).items():
        dest = os.path.join(pristine_copy, name)
        if not os.path.isdir(dest):
            continue                       # a lab the course does not have
        keep_tests = os.path.join(dest, "tests")
        saved = None
        if os.path.isdir(keep_tests):
            saved = dest + ".pristine-tests"
            shutil.move(keep_tests, saved)
        shutil.rmtree(dest)
        _copy_no_links(d, dest)
        if os.path.isdir(os.path.join(dest, "tests")):
            shutil.rmtree(os.path.join(dest, "tests"))
        if saved:
            shutil.move(saved, keep_tests)
        taken.append(name)
    return taken


def _demote(user):
    """preexec_fn: become `user` (when we are root and the user exists)."""
    if user is None:
        return None
    pw = pwd.getpwnam(user)

    def f():
        os.setgid(pw.pw_gid)
        os.setgroups([])
        os.setuid(pw.pw_uid)
    return f


def unprivileged_user(name: str = "student"):
    """The user to run student builds as, or None (not root, or no such user)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(name)
        return name
    except KeyError:
        return None


def scratch_dir(prefix: str = "parakeet-grade-") -> str:
    """A scratch directory the build user can enter (mkdtemp makes it
    private to root, and then the build cannot read its own tree)."""
    d = tempfile.mkdtemp(prefix=prefix)
    os.chmod(d, 0o755)
    return d


def open_tree(tree: str, user) -> None:
    """Make the tree readable by everyone but writable only by us, and give
    the build user build/ - the only place `make build` writes.  The tests,
    the Makefile and the grader stay ours, so nothing the student's build
    runs can change what it is graded by."""
    for root, dirs, files in os.walk(tree):
        for n in dirs + files:
            p = os.path.join(root, n)
            if os.path.islink(p):
                continue
            mode = os.stat(p).st_mode
            os.chmod(p, (mode | 0o444 | (0o111 if mode & 0o100 or n in dirs else 0))
                     & ~0o022)
    os.chmod(tree, 0o755)
    build = os.path.join(tree, "build")
    os.makedirs(build, exist_ok=True)
    if user is not None:
        pw = pwd.getpwnam(user)
        os.chown(build, pw.pw_uid, pw.pw_gid)


def can_read_as(user, path: str) -> bool:
    """Can `user` read `path`?  (Used to warn about readable solutions.)"""
    if user is None:
        return os.access(path, os.R_OK)
    r = subprocess.run(["test", "-r", path, "-a", "-x", path], preexec_fn=_demote(user),
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    return r.returncode == 0


# --- hidden tests: never in what a student sees ---------------------------------

WITHHELD = ("(This output is withheld: it quotes the course's hidden tests, which "
            "your code tried to read.  Hidden tests are not part of the assignment's "
            "files.)")


def hidden_strings(tests) -> list:
    """Text from the hidden tests that must never reach a student: names,
    descriptions, patterns, module arguments (short ones would match by
    chance and are left out)."""
    out = set()
    for t in tests:
        if not t.hidden:
            continue
        items = [t.name, t.description] + t.results + t.console + t.reject + \
            [m.args for m in t.modules]
        out.update(x.strip() for x in items if len(x.strip()) >= 6)
    return sorted(out)


def redact(text: str, secrets_: list) -> str:
    if any(x in text for x in secrets_):
        return WITHHELD
    return text


def for_students(doc: dict, tests) -> dict:
    """The results.json a student sees before publication: nothing about
    hidden tests in the visible text (their entries stay, after_published),
    no maximum that counts their points."""
    secret = hidden_strings(tests)
    if not secret:
        return doc
    doc = json.loads(json.dumps(doc))
    doc.pop("max_score", None)
    visible = [t for t in doc.get("tests", []) if t.get("visibility") == "visible"
               and not t.get("extra_data", {}).get("manual")]
    npass = sum(t.get("status") == "passed" for t in visible)
    head = doc.get("output", "")
    q = head.find("\n\nQuestions: ")     # add_questions' paragraph: keep it
    questions = head[q:] if q >= 0 else ""
    if head.startswith(("The build failed", "The grader did not finish", "No lab directory")):
        doc["output"] = redact(head, secret)
    else:
        notrun = sum(1 for t in visible if "NOTRUN" in t.get("extra_data", {})
                     .get("runs", {}).values())
        doc["output"] = ("%d of %d tests passed%s.  Each test's report is in its own entry."
                         % (npass, len(visible), "; %d not run: the autograder's deadline "
                            "passed first" % notrun if notrun else "")) + questions
    for t in visible:
        t["output"] = redact(t.get("output", ""), secret)
    return doc


def failed_results(path: str, tests, message: str, elapsed: float, emu: str = "both") -> dict:
    """results.json for a submission that could not be graded (build failed)."""
    wanted = ("qemu", "bochs") if emu == "both" else (emu,)
    tests = [t for t in tests if any(e in wanted for e in t.emulators)]
    doc = {"score": 0, "max_score": sum(t.points for t in tests if not t.demo),
           "execution_time": round(elapsed, 1), "output": message, "visibility": "visible",
           "tests": [{"name": t.id, "score": 0, "max_score": t.points, "status": "failed",
                      "output": "not run: " + message.splitlines()[0],
                      "visibility": "after_published" if t.hidden else "visible",
                      "extra_data": {"lab": t.lab, "test": t.name, "hidden": t.hidden}}
                     for t in tests if not t.demo]}
    write_json(path, doc)
    return doc


def write_json(path: str, doc: dict) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        json.dump(doc, f, indent=2)
    os.replace(path + ".tmp", path)


GRADER = os.path.dirname(os.path.abspath(__file__))


def without_lines_about(text: str, path: str) -> str:
    """Compiler output with every line naming `path` (and the source lines
    GCC quotes under it) replaced by one note: the hidden guests' sources
    must not reach a student through an error message."""
    out, skipping = [], False
    for line in text.splitlines():
        if path in line:
            if not skipping:
                out.append("(a line about the hidden tests' own guests, withheld)")
            skipping = True
        elif skipping and re.match(r"^\s*(\d+\s*)?\|", line):
            continue
        else:
            skipping = False
            out.append(line)
    return "\n".join(out)


def hidden_guest_copy(hidden, dest):
    """Copy the hidden tests' guest sources (*.c, *.h, labN/*.c) to dest,
    readable by all; return dest, or None when there are none."""
    if not hidden:
        return None
    files = [f for f in glob.glob(os.path.join(hidden, "*")) + glob.glob(
        os.path.join(hidden, "lab*", "*")) if f.endswith((".c", ".h")) and os.path.isfile(f)]
    if not files:
        return None
    shutil.rmtree(dest, ignore_errors=True)
    for f in files:
        rel = os.path.relpath(f, hidden)
        os.makedirs(os.path.join(dest, os.path.dirname(rel)), mode=0o755, exist_ok=True)
        shutil.copy(f, os.path.join(dest, rel))
        os.chmod(os.path.join(dest, rel), 0o644)
    os.chmod(dest, 0o755)
    return dest


def build_and_grade(tree: str, lab: int, ref: str, emu: str, out: str, results: str,
                    hidden=None, timeout_scale: float = 1.0, user=None,
                    build_timeout: int = 600, deadline: float = 0, jobs=None,
                    progress=None, tests_pattern=None, sub=None) -> dict:
    """make build (as `user`) and grade.py (as ourselves, emulators as
    `user`) for the tree prepared by open_tree(); results.json is always
    written to `results`, with everything (hidden tests included) and the
    lab's questions listed (answers from the submission directory `sub`,
    points from tree's own template).  `out` is a directory outside the
    tree for logs.  The grader's code is this directory's, never the
    tree's.  deadline: seconds for the whole thing (0: none); progress(doc)
    is called with partial results while tests run.  Returns the parsed
    results."""
    doc = _build_and_grade(tree, lab, ref, emu, out, results, hidden, timeout_scale, user,
                           build_timeout, deadline, jobs, progress, tests_pattern)
    return add_questions(doc, tree, sub, lab, results)


def _build_and_grade(tree, lab, ref, emu, out, results, hidden, timeout_scale, user,
                     build_timeout, deadline, jobs, progress, tests_pattern) -> dict:
    import time
    t0 = time.monotonic()
    sys.path.insert(0, GRADER)
    import spec
    from process import PYTHON
    try:
        tests = spec.load(tree, lab, hidden)
    except spec.SpecError as e:
        return failed_results(results, [], "grader: bad test spec: %s" % e, 0)
    secret = hidden_strings(tests)
    if tests_pattern:      # as grade.py --tests selects them
        import fnmatch
        tests = [t for t in tests if fnmatch.fnmatchcase(t.id, tests_pattern)
                 or fnmatch.fnmatchcase(t.name, tests_pattern)]
    make_args = ["LAB=%d" % lab] + (["REF=%s" % ref] if ref else [])
    build_dir = os.path.join(tree, "build", "lab%d%s" % (lab, "-ref" + ref if ref else ""))
    env = dict(os.environ, HOME=os.path.join(tree, "build"))
    if user is not None:
        # The build runs python3 (lab 1's bad-modules rule) as the build
        # user: a Python only root can run (a venv under /root) would fail
        # every build and blame the students.  Say so instead.
        try:
            r = subprocess.run(["python3", "-c", "pass"], preexec_fn=_demote(user), env=env,
                               cwd=tree, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, errors="replace")
            why = "" if r.returncode == 0 else r.stdout.strip()[:300]
        except OSError as e:
            why = str(e)
        if why:
            return failed_results(results, tests, "The autograder is set up wrongly (not your "
                                  "fault): the build user %s cannot run python3 from PATH=%s: "
                                  "%s" % (user, env.get("PATH", ""), why),
                                  time.monotonic() - t0, emu)
    budget = build_timeout if not deadline else max(10, min(build_timeout, deadline - 15))
    # Hidden tests may bring their own guest sources (HIDDEN/*.c,
    # HIDDEN/labN/*.c), built with the student's guest library: the build
    # user gets a copy of those sources alone, next to the tree; the .ini
    # files (names, descriptions, patterns) stay where only we read them.
    guests = hidden_guest_copy(hidden, os.path.join(os.path.dirname(os.path.abspath(out)),
                                                    "hidden-guests"))
    try:
        # CCACHE=: the scratch tree is built once and thrown away, so its
        # own compiler cache would only cost (+15 % CPU on a lab-2 build).
        b = subprocess.run(["make", "--no-print-directory", "build", "CCACHE="] + make_args
                           + (["HIDDEN=%s" % guests] if guests else []), cwd=tree,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           errors="replace", timeout=budget, preexec_fn=_demote(user),
                           env=env, stdin=subprocess.DEVNULL, start_new_session=True)
        build_ok, build_out = b.returncode == 0, b.stdout
    except subprocess.TimeoutExpired as e:
        build_ok, build_out = False, "the build took longer than %d s\n%s" % (
            budget, (e.stdout or b"").decode("utf-8", "replace")
            if isinstance(e.stdout, bytes) else (e.stdout or ""))
    if not build_ok:
        if guests:
            build_out = without_lines_about(build_out, guests)
        tail = redact("\n".join(build_out.splitlines()[-120:]), secret)
        return failed_results(results, tests, "The build failed (make build %s), so no test "
                              "ran.  The compiler said:\n\n%s" % (" ".join(make_args), tail),
                              time.monotonic() - t0, emu)
    os.makedirs(out, exist_ok=True)
    cmd = PYTHON + [os.path.join(GRADER, "grade.py"), "--root", tree, "--lab", str(lab),
                    "--build", build_dir, "--emu", emu, "--out", out, "--timeout-scale",
                    str(timeout_scale), "--make-args", " ".join(make_args),
                    "--no-record"]   # nobody can replay a recording made on the grading machine
    if hidden:
        cmd += ["--hidden", hidden]
    if user:
        cmd += ["--run-as", user]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    if tests_pattern:
        cmd += ["--tests", tests_pattern]
    left = None
    if deadline:
        left = max(5.0, deadline - (time.monotonic() - t0))
        cmd += ["--deadline", "%.0f" % max(1.0, left - 10)]
    partial = os.path.join(out, "results.json")
    log = os.path.join(out, "grade-output.txt")
    with open(log, "w") as lf:
        g = subprocess.Popen(cmd, cwd=tree, stdout=lf, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        seen = 0.0
        while g.poll() is None:
            time.sleep(1)
            if left is not None and time.monotonic() - t0 > deadline + 5:
                os.killpg(g.pid, 9)    # grade.py missed its own deadline
                g.wait()
                break
            if progress and os.path.exists(partial) and os.path.getmtime(partial) > seen:
                seen = os.path.getmtime(partial)
                try:
                    with open(partial) as f:
                        progress(json.load(f))
                except (OSError, ValueError):
                    pass
    with open(log, errors="replace") as f:
        grade_out = f.read()
    try:
        with open(partial) as f:
            doc = json.load(f)
    except (OSError, ValueError):
        return failed_results(results, tests, "The grader did not finish:\n%s"
                              % redact(grade_out[-4000:], secret), time.monotonic() - t0, emu)
    if not secret:
        # Students see the same report as `make grade` prints.
        doc["output"] = grade_out[-20000:]
    write_json(results, doc)
    return doc
