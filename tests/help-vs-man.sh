#!/bin/sh
# help-vs-man.sh -- the usage each command prints with --help (and -h)
# names the same options as the SYNOPSIS of its manual page, and each of
# them has a line of its own under "options:".
set -u
: "${EVTXHUNT:?}" "${top_srcdir:?}"
PY=${PYTHON3:-python3}
command -v "$PY" >/dev/null 2>&1 || { echo "python3 not found: skipped"; exit 77; }
fails=0
# check PAGE "command words"...
check() {
	page=$1
	shift
	: > "$TMPF"
	for c in "$@"; do
		# shellcheck disable=SC2086
		"$EVTXHUNT" $c --help >> "$TMPF" 2>&1
		# -h is --help
		# shellcheck disable=SC2086
		if "$EVTXHUNT" $c -h > "$TMPF.h" 2>&1 &&
		    "$EVTXHUNT" $c --help | cmp -s - "$TMPF.h"; then
			echo "ok - $c -h"
		else
			echo "FAIL - $c -h is not --help"; fails=$((fails + 1))
		fi
	done
	if "$PY" - "$top_srcdir/man/$page" "$TMPF" <<'PYEOF'
import re, sys
page, helptext = open(sys.argv[1]).read(), open(sys.argv[2]).read()
syn = page.split(".Sh SYNOPSIS", 1)[1].split(".Sh ", 1)[0]
def man_opts(text):
    out = set()
    for m in re.finditer(r"\bFl (\S+)", text):
        f = m.group(1)
        if f.startswith("-"):
            out.add("-" + f)            # Fl -db -> --db
        else:
            out.update("-" + ch for ch in f)   # Fl aq -> -a -q
    return out
def help_opts(text):
    out = set()
    for m in re.finditer(r"\[(-[^\] ]+)", text):
        f = m.group(1)
        if f.startswith("--"):
            out.add(re.split(r"[ =|]", f)[0])
        else:
            out.update("-" + ch for ch in f[1:])
    for m in re.finditer(r"(?<![\[\w-])(-[a-zA-Z])\b", text):
        out.add(m.group(1))
    return out
# each command's help: usage lines, then "options:" and a line per option
usage, lines = [], []
for block in helptext.split("usage: ")[1:]:
    u, _, o = block.partition("\noptions:\n")
    usage.append(u)
    lines += [l for l in o.splitlines() if l.startswith("  -")]
def line_opts(ls):
    out = set()
    for l in ls:
        for f in re.findall(r"(?:^|, )(--?[\w-]+)", l.strip().split("  ")[0]):
            out.add(f)
    return out
a, b = man_opts(syn), help_opts("\n".join(usage))
c = line_opts(lines)
bad = False
if a != b:
    print("%s: only in the page: %s; only in --help: %s" % (sys.argv[1],
        sorted(a - b), sorted(b - a)))
    bad = True
# every option of the synopsis has its line (by short or long name)
longs = {l.strip().split("  ")[0]: l for l in lines}
for o in sorted(a):
    if o not in c:
        print("%s: %s has no line in --help" % (sys.argv[1], o))
        bad = True
if "-h" not in c or "--help" not in c:
    print("%s: no -h, --help line" % sys.argv[1])
    bad = True
sys.exit(1 if bad else 0)
PYEOF
	then echo "ok - $page"; else echo "FAIL - $page"; fails=$((fails + 1)); fi
}
TMPF=$(mktemp)
trap 'rm -f "$TMPF" "$TMPF.h"' EXIT
check evtxhunt-dump.1 dump
check evtxhunt-scan.1 scan
check evtxhunt-rules.1 "rules check" "rules list"
check evtxhunt-baseline.1 "baseline learn" "baseline show" "baseline merge"
echo "$fails failed"
[ "$fails" -eq 0 ]
