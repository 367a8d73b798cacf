#!/bin/sh
# help-vs-man.sh -- the usage each command prints with --help names the
# same options as the SYNOPSIS of its manual page.
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
a, b = man_opts(syn), help_opts(helptext)
if a != b:
    print("%s: only in the page: %s; only in --help: %s" % (sys.argv[1],
        sorted(a - b), sorted(b - a)))
    sys.exit(1)
PYEOF
	then echo "ok - $page"; else echo "FAIL - $page"; fails=$((fails + 1)); fi
}
TMPF=$(mktemp)
trap 'rm -f "$TMPF"' EXIT
check evtxhunt-dump.1 dump
check evtxhunt-scan.1 scan
check evtxhunt-rules.1 "rules check" "rules list"
check evtxhunt-baseline.1 "baseline learn" "baseline show" "baseline merge"
echo "$fails failed"
[ "$fails" -eq 0 ]
