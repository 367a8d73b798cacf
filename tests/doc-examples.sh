#!/bin/sh
# doc-examples.sh -- every evtxhunt command that README.md and the man
# pages' EXAMPLES sections show is run against testdata, so that the
# documentation cannot drift from the tool.
#
# Which lines are commands (the convention for writing examples):
#   README.md: inside ``` fenced blocks, a line starting with "$ evtxhunt "
#     or "evtxhunt " (a trailing "  # comment" is dropped; a line ending in
#     "\" continues on the next).
#   man/*.1, man/*.5: in the EXAMPLES section, ".Dl $ evtxhunt ..." and,
#     inside .Bd -literal blocks, lines starting with "$ evtxhunt " or
#     "evtxhunt " (roff escapes \e and \& undone; "\e" at the end of a line
#     continues it).
# How they run: each document in a temp dir of its own, its commands in the
# order shown, with the evtxhunt under test first on PATH and HOME the temp
# dir.  Whatever follows the command after an unquoted "|" (less, jq, sort)
# is dropped; "> file" stays.  An output a command names with -o or --db is
# removed first (an example re-creating fleet.db is not refused).  The
# evidence paths of the examples are mapped to testdata:
#   /cases/ws01..., /cases/ws02..., /golden/*, /gold/*/winevt
#                                    -> testdata/history (known-good hosts)
#   any other /cases/..., /srv/wec/logs, /evidence/..., "logs"
#                                    -> the sample hosts (testdata/*.evtx, wec)
#   Security.evtx, Sysmon.evtx, ForwardedEvents.evtx -> those logs of testdata
#   ~/sigma/rules, sigma/rules       -> the shipped rules/
#   /var/reports, /scratch           -> temp dirs
#   known-good.txt                   -> a --suppress file
#   fleet.db, before an example makes it -> learned from testdata/history
#   *.base (the per-host baselines of README's fleet recipe, which
#     tests/fleet.sh runs under GNU parallel) -> two learned from testdata
#   testdata/...                     -> testdata/ itself (the README's tour)
# Fails when a command exits with 2 or more, other than 3 (usage error,
# crash), and, for the README, when a line shown under a "$ evtxhunt"
# command (its output) is not in the real output: compared with runs of
# white space as one space (the report wraps at another width), "..." as a
# gap.  Skips (77) without python3.
set -eu
PY=${PYTHON3:-$(command -v python3 || true)}
[ -n "$PY" ] || { echo "SKIP: no python3"; exit 77; }
: "${top_srcdir:=.}" "${top_builddir:=.}"
EVTXHUNT=$(cd "$top_builddir" && pwd)/evtxhunt
SRC=$(cd "$top_srcdir" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM

exec "$PY" - "$EVTXHUNT" "$SRC" "$T" <<'PYEOF'
import os, re, shutil, subprocess, sys

evtxhunt, src, tmp = sys.argv[1:4]
bindir = os.path.join(tmp, "bin")
os.makedirs(bindir)
os.symlink(evtxhunt, os.path.join(bindir, "evtxhunt"))
td = os.path.join(src, "testdata")
failed = 0
ran = 0

def report(ok, what):
    global failed
    print(("ok - " if ok else "FAIL - ") + what)
    if not ok:
        failed += 1

# ---- extraction ----

def readme_commands(path):
    """(command, [output lines]) in order, from the fenced blocks; in a
    block with "$ " prompts only prompted lines are commands."""
    out, block, cur, prompted = [], False, None, False
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        l = lines[i]
        i += 1
        if l.startswith("```"):
            block = not block
            cur = None
            if block:
                end = lines.index("```", i) if "```" in lines[i:] else len(lines)
                prompted = any(x.startswith("$ ") for x in lines[i:end])
            continue
        if not block:
            continue
        m = re.match(r"^(\$ )(evtxhunt .*)$" if prompted else
                     r"^()(evtxhunt .*)$", l)
        if m:
            cmd = m.group(2)
            while cmd.endswith("\\") and i < len(lines):
                cmd = cmd[:-1] + " " + lines[i].strip()
                i += 1
            cmd = re.sub(r"\s+#[^'\"]*$", "", cmd).strip()
            cur = (cmd, [])
            out.append(cur)
            if not prompted:
                cur = None      # no output shown under a bare command
        elif l.startswith("$ ") or not l.strip():
            cur = None if l.startswith("$ ") else cur
        elif cur is not None:
            cur[1].append(l)
    return out

def roff(s):
    return s.replace("\\&", "").replace("\\e", "\\").replace("\\-", "-")

def man_commands(path):
    out, ex, lit = [], False, False
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        l = lines[i]
        i += 1
        if l.startswith(".Sh "):
            ex = l.strip() == ".Sh EXAMPLES"
            continue
        if not ex:
            continue
        if l.startswith(".Bd"):
            lit = True
            continue
        if l.startswith(".Ed"):
            lit = False
            continue
        m = re.match(r"^\.Dl \$ (evtxhunt .*)$", l)
        if not m and lit:
            m = re.match(r"^(?:\$ )?(evtxhunt .*)$", l)
        if m:
            cmd = m.group(1)
            while cmd.endswith("\\e") and i < len(lines):
                cmd = cmd[:-2] + " " + lines[i].strip()
                i += 1
            out.append((roff(cmd).strip(), []))
    return out

# ---- running ----

def setup(d):
    os.makedirs(d)
    os.symlink(td, os.path.join(d, "testdata"))
    case = os.path.join(d, "case")
    os.makedirs(case)
    for f in os.listdir(td):
        if f.endswith(".evtx"):
            shutil.copy(os.path.join(td, f), case)
    shutil.copytree(os.path.join(td, "wec"), os.path.join(case, "wec"))
    for name, f in (("Security.evtx", "wks01-security.evtx"),
                    ("Sysmon.evtx", "wks01-sysmon.evtx")):
        shutil.copy(os.path.join(td, f), os.path.join(d, name))
    shutil.copy(os.path.join(td, "wec", "ForwardedEvents.evtx"), d)
    os.makedirs(os.path.join(d, "sigma"))
    os.symlink(os.path.join(src, "rules"), os.path.join(d, "sigma", "rules"))
    for x in ("reports", "scratch"):
        os.makedirs(os.path.join(d, x))
    with open(os.path.join(d, "known-good.txt"), "w") as f:
        f.write("# benign administration\nimage=*\\bginfo.exe\n")
    for name, ev in (("h1.base", os.path.join(td, "history")),
                     ("h2.base", case), ("fleet.db", os.path.join(td, "history"))):
        subprocess.run([evtxhunt, "baseline", "learn", "-q", "-o",
                        os.path.join(d, name), ev], check=True)
    return case

def mapped(cmd, d, case):
    hist = os.path.join(td, "history")
    subs = [
        (r"/cases/ws0[12](/winevt/Logs)?", hist),
        (r"/golden/\w+", hist),
        (r"/gold/\*/winevt", hist),
        (r"/cases/[\w./-]*", case),
        (r"/srv/wec/logs", case),
        (r"/evidence/[\w.-]+", case),
        (r"(?<=\s)logs(?=\s|$)", case),
        (r"/var/reports", os.path.join(d, "reports")),
        (r"/scratch", os.path.join(d, "scratch")),
    ]
    for a, b in subs:
        cmd = re.sub(a, lambda m: b, cmd)
    return cmd

def unpiped(cmd):
    """The command up to its first unquoted |."""
    q = None
    for i, c in enumerate(cmd):
        if q:
            if c == q:
                q = None
        elif c in "'\"":
            q = c
        elif c == "|":
            return cmd[:i].strip()
    return cmd

def norm(s):
    return " ".join(s.split())

def run(doc, cmd, shown, d, case):
    global ran
    real = unpiped(mapped(cmd, d, case))
    for m in re.finditer(r"(?:^|\s)(?:-o|--db)\s+(\S+)", real):
        p = os.path.join(d, m.group(1))
        if os.path.isfile(p):
            os.unlink(p)
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"],
               HOME=d, NO_COLOR="1")
    env.pop("TZ", None)
    p = subprocess.run(real, shell=True, cwd=d, env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    ran += 1
    rc = p.returncode
    report(rc in (0, 1, 3), "%s: `%s` exits %d%s" % (doc, cmd, rc,
           "" if rc in (0, 1, 3) else ": " + p.stderr.decode(
               "utf-8", "replace").strip()[-300:]))
    if not shown:
        return
    text = norm((p.stdout + p.stderr).decode("utf-8", "replace"))
    missing = []
    for l in shown:
        for frag in l.split("..."):
            frag = norm(frag)
            if len(frag) >= 3 and frag not in text:
                missing.append(frag)
    report(not missing, "%s: output of `%s` as shown%s" % (doc, cmd,
           "" if not missing else "; not in the real output: " +
           " / ".join(repr(x) for x in missing[:5])))

docs = [("README.md", readme_commands(os.path.join(src, "README.md")))]
mandir = os.path.join(src, "man")
for f in sorted(os.listdir(mandir)):
    if re.search(r"\.[15]$", f):
        docs.append(("man/" + f, man_commands(os.path.join(mandir, f))))
for doc, cmds in docs:
    d = os.path.join(tmp, re.sub(r"\W", "_", doc))
    case = setup(d)
    for cmd, shown in cmds:
        run(doc, cmd, shown, d, case)
report(ran >= 30, "%d documented commands run" % ran)
print("%d failed" % failed)
sys.exit(1 if failed else 0)
PYEOF
