"""
grader/submission.py - grade a student's submission in a clean tree.

Shared by Gradescope's run_autograder (autograde.py) and grader/batch.

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
import zipfile

SKIP = shutil.ignore_patterns(".git", "build", "__pycache__", "*.pyc", ".gdbinit")
LAB_DIR = re.compile(r"^lab\d+-[\w.-]+$")


def copy_pristine(pristine: str, dest: str, with_solutions: bool = True) -> None:
    """The instructor's tree without build outputs (and optionally without solutions/)."""
    ignore = SKIP if with_solutions else shutil.ignore_patterns(
        ".git", "build", "__pycache__", "*.pyc", ".gdbinit", "solutions")
    shutil.copytree(pristine, dest, ignore=ignore, symlinks=True)


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
    # failed ..." is how grader/batch recognises a failed build).
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


def chown_tree(path: str, user) -> None:
    if user is None:
        return
    pw = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        for n in dirs + files:
            try:
                os.lchown(os.path.join(root, n), pw.pw_uid, pw.pw_gid)
            except OSError:
                pass
    os.lchown(path, pw.pw_uid, pw.pw_gid)


def failed_results(path: str, tests, message: str, elapsed: float, emu: str = "both") -> dict:
    """results.json for a submission that could not be graded (build failed)."""
    wanted = ("qemu", "bochs") if emu == "both" else (emu,)
    tests = [t for t in tests if any(e in wanted for e in t.emulators)]
    doc = {"score": 0, "max_score": sum(t.points for t in tests if not t.demo),
           "execution_time": round(elapsed, 1), "output": message, "visibility": "visible",
           "tests": [{"name": t.id, "score": 0, "max_score": t.points, "status": "failed",
                      "output": "not run: " + message.splitlines()[0],
                      "visibility": "after_published" if t.hidden else "visible"}
                     for t in tests if not t.demo]}
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)
    return doc


def build_and_grade(tree: str, lab: int, ref: str, emu: str, out: str, results: str,
                    hidden=None, timeout_scale: float = 1.0, user=None,
                    build_timeout: int = 600, grade_timeout: int = 3600, sub=None) -> dict:
    """make build + grade.py in `tree`; results.json is always written to
    `results`, with lab's questions listed (answers from the submission
    directory `sub`, points from tree's own template).  Returns the parsed
    results."""
    doc = _build_and_grade(tree, lab, ref, emu, out, results, hidden, timeout_scale, user,
                           build_timeout, grade_timeout)
    return add_questions(doc, tree, sub, lab, results)


def _build_and_grade(tree, lab, ref, emu, out, results, hidden, timeout_scale, user,
                     build_timeout, grade_timeout) -> dict:
    import time
    t0 = time.monotonic()
    sys.path.insert(0, os.path.join(tree, "grader"))
    import spec   # the pristine tree's grader, not the caller's
    try:
        tests = spec.load(tree, lab, hidden)
    except spec.SpecError as e:
        return failed_results(results, [], "grader: bad test spec: %s" % e, 0)
    make_args = ["LAB=%d" % lab] + (["REF=%s" % ref] if ref else [])
    build_dir = "build/lab%d%s" % (lab, "-ref" + ref if ref else "")
    chown_tree(tree, user)
    env = dict(os.environ, HOME=tree if user else os.environ.get("HOME", tree))
    try:
        # HIDDEN= too: hidden tests may bring their own guest sources.
        b = subprocess.run(["make", "--no-print-directory", "build"] + make_args
                           + (["HIDDEN=%s" % os.path.abspath(hidden)] if hidden else []), cwd=tree,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=build_timeout, preexec_fn=_demote(user), env=env,
                           stdin=subprocess.DEVNULL)
        build_ok, build_out = b.returncode == 0, b.stdout
    except subprocess.TimeoutExpired as e:
        build_ok, build_out = False, "the build took longer than %d s\n%s" % (
            build_timeout, (e.stdout or b"").decode("utf-8", "replace")
            if isinstance(e.stdout, bytes) else (e.stdout or ""))
    if not build_ok:
        tail = "\n".join(build_out.splitlines()[-120:])
        return failed_results(results, tests, "The build failed (make build %s), so no test "
                              "ran.  The compiler said:\n\n%s" % (" ".join(make_args), tail),
                              time.monotonic() - t0, emu)
    gout = os.path.join(tree, out)
    cmd = [sys.executable, os.path.join(tree, "grader", "grade.py"), "--lab", str(lab),
           "--build", build_dir, "--emu", emu, "--out", out, "--timeout-scale",
           str(timeout_scale), "--make-args", " ".join(make_args)]
    if hidden:
        cmd += ["--hidden", hidden]
    try:
        g = subprocess.run(cmd, cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=grade_timeout, preexec_fn=_demote(user), env=env,
                           stdin=subprocess.DEVNULL)
        grade_out = g.stdout
    except subprocess.TimeoutExpired:
        grade_out = "grade.py took longer than %d s" % grade_timeout
    try:
        with open(os.path.join(gout, "results.json")) as f:
            doc = json.load(f)
    except (OSError, ValueError):
        return failed_results(results, tests, "The grader did not finish:\n%s"
                              % grade_out[-4000:], time.monotonic() - t0, emu)
    # Students see the same summary as `make grade` prints - unless there are
    # hidden tests: the printed report names them, their descriptions and
    # expected patterns, and the top-level output is visible at once.  Then
    # only the counts are shown; each visible test has its own report.
    if any(t.hidden for t in tests):
        doc["output"] = ("%s.  This assignment also has hidden tests; their results are "
                         "published later.  Each visible test's report is in its own entry."
                         % doc.get("output", ""))
    else:
        doc["output"] = grade_out[-20000:]
    os.makedirs(os.path.dirname(os.path.abspath(results)), exist_ok=True)
    with open(results, "w") as f:
        json.dump(doc, f, indent=2)
    return doc
