#!/bin/sh
# cmd-status.sh -- scan's exit status (SPEC §1): every usage, rule, output
# and database error stops the run before any evidence is read; 3 when no
# host had process creations with command lines; precedence 2 > 1 > 3 > 0.
set -u
. "$top_srcdir/tests/testlib.sh"
GEN=${top_builddir:?}/tests/evtxgen
RULES=$top_srcdir/rules
W=$TD/wks01-sysmon.evtx

# nothing_read NAME: the run stopped before reading (no summary line)
nothing_read() {
	if grep -q " files (" "$T/err"; then fail "$1: evidence was read"
	else ok "$1: nothing read"; fi
}

# -- errors found before reading
expect 2 "-r missing path" "$EVTXHUNT" scan -r /nonexistent/rules "$W"
nothing_read "-r missing path"
: > "$T/exists.db"
expect 2 "--db names an existing file" "$EVTXHUNT" scan --db "$T/exists.db" "$W"
nothing_read "--db existing"
expect 2 "-o in a missing directory" "$EVTXHUNT" scan -o "$T/no/dir/r.txt" "$W"
nothing_read "-o missing directory"
expect 2 "--db in a missing directory" "$EVTXHUNT" scan --db "$T/no/dir/r.db" "$W"
nothing_read "--db missing directory"
expect 2 "-b missing baseline" "$EVTXHUNT" scan -b "$T/none.db" "$W"
nothing_read "-b missing baseline"
echo "not a database" > "$T/junk.db"
expect 2 "-b not a baseline" "$EVTXHUNT" scan -b "$T/junk.db" "$W"
nothing_read "-b not a baseline"
expect 2 "--suppress missing" "$EVTXHUNT" scan --suppress "$T/none" "$W"
nothing_read "--suppress missing"
cat > "$T/bad.yml" <<'YML'
title: broken
logsource: { product: windows, category: process_creation }
detection:
  sel:
    Image|windas: x
  condition: sel
YML
expect 2 "rejected explicit rule" "$EVTXHUNT" scan -r "$T/bad.yml" "$W"
nothing_read "rejected explicit rule"
expect 2 "inverted window" "$EVTXHUNT" scan --from 2024-03-05 --to 2024-03-04 "$W"
nothing_read "inverted window"
expect 1 "--learn into a new baseline is not an error" "$EVTXHUNT" scan -q -b "$T/new.db" --learn "$W"

# -- 3: nothing could be examined
expect 3 "no process creations" "$EVTXHUNT" scan -r "$RULES" "$TD/ignored-events.evtx"
grep -q "nothing could be examined" "$T/err" && ok "3 explained on stderr" ||
    fail "3 not explained"
expect 3 "no events at all" "$EVTXHUNT" scan -r "$RULES" "$TD/bad/empty.evtx"
expect 3 "a window with no events" "$EVTXHUNT" scan -r "$RULES" --from 2001-01-01 --to 2001-01-02 "$W"
# a 4688 without a command line (template 0) only
sed -n '1,/^data ProcessId=/p' "$TD/spec/security-4688-versions.spec" |
    sed "s|^output .*|output $T/nocmd.evtx|" > "$T/nocmd.spec"
"$GEN" "$T/nocmd.spec" "$T/nocmd.evtx" >/dev/null || fail "evtxgen nocmd"
expect 3 "4688 without command lines only" "$EVTXHUNT" scan -r "$RULES" "$T/nocmd.evtx"
grep -q "no-command-lines" "$T/out" && ok "coverage says no-command-lines" ||
    fail "coverage is not no-command-lines"
expect 0 "examined, nothing found" "$EVTXHUNT" scan -l critical -r "$RULES" "$W"
expect 0 "--no-rules --no-baseline on Sysmon 1 is examined" "$EVTXHUNT" scan --no-rules --no-baseline "$W"
# precedence: findings (1) beat 3 when one host is examined and one is not
expect 1 "1 beats 3" "$EVTXHUNT" scan -r "$RULES" "$T/nocmd.evtx" "$W"
expect 2 "2 beats 3" "$EVTXHUNT" scan -r "$RULES" "$TD/ignored-events.evtx" "$TD/bad/not-evtx.evtx"
expect 2 "2 beats 1" "$EVTXHUNT" scan -r "$RULES" "$W" "$TD/bad/not-evtx.evtx"
# dump does not know 3
expect 0 "dump of nothing examinable" "$EVTXHUNT" dump "$TD/ignored-events.evtx"
expect 0 "baseline learn of nothing examinable" "$EVTXHUNT" baseline learn -o "$T/b.db" "$TD/ignored-events.evtx"

finish
