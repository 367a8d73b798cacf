#!/bin/sh
# cmd-hostile.sh -- the commands against hostile names, outputs and
# baselines: numbered regressions hostile_000N, each dated with where it
# came from (issue 15's reproducers, 2026-12).  Each asserts the exit
# status and what is left on disk or on stderr, never a time.
set -u
. "$top_srcdir/tests/testlib.sh"

ev=$TD/wks01-sysmon.evtx
esc=$(printf '\033')
bel=$(printf '\007')

# hostile_0001_stderr_escapes (issue 15 #7): a file name holding an OSC
# title sequence, a clear-screen and a newline followed by a forged
# "fake:" line.  Every message on stderr is escaped as the text report
# is: no ESC, no BEL, and no line of stderr starts with "fake:".
name=$(printf 'x\033]0;PWN\007\033[2J\nfake: line.evtx')
mkdir "$T/n"
cp "$ev" "$T/n/$name"
head -c 5000 "$ev" > "$T/n/$name.2"	# damaged: warnings name it
printf 'junk' > "$T/n/y$(printf '\033[2J').evtx"
for cmd in "dump" "scan --no-baseline" "baseline learn -o $T/n.db"; do
	# shellcheck disable=SC2086
	"$EVTXHUNT" $cmd "$T/n" "$T/n/$name.2" "$T/n/$(printf 'z\033[31m')" \
	    > "$T/out" 2> "$T/err"
	if grep -q "$esc\|$bel" "$T/err"; then
		fail "hostile_0001: $cmd: raw ESC or BEL on stderr"
	elif grep -q '^fake:' "$T/err"; then
		fail "hostile_0001: $cmd: a forged line on stderr"
	elif ! grep -q 'x\\e\]0;PWN\\x07\\e\[2J\\x0afake: line.evtx' \
	    "$T/err"; then
		fail "hostile_0001: $cmd: the name is not shown escaped"
		head -5 "$T/err"
	else
		ok "hostile_0001: $cmd: stderr escaped"
	fi
done
rm -f "$T/n.db"

# no temporary of an output may survive: "NAME.XXXXXX" beside NAME
no_tmp() {
	if ls "$1"/*.?????? > /dev/null 2>&1; then
		fail "$2: a temporary was left: $(ls "$1"/*.??????)"
	else
		ok "$2: no temporary left"
	fi
}

# hostile_0002_output_special (issue 15 #1): an output at a device or a
# FIFO is written directly; it is never replaced by a regular file.  The
# device case needs mknod (root); the FIFO case runs always.
mkdir "$T/o"
if [ "$(id -u)" -eq 0 ] && mknod "$T/o/devnull" c 1 3 2>/dev/null; then
	expect 1 "hostile_0002: scan -o device" "$EVTXHUNT" scan -q \
	    --no-baseline -o "$T/o/devnull" "$ev"
	[ -c "$T/o/devnull" ] && ok "hostile_0002: the device stays" ||
	    fail "hostile_0002: scan -o replaced the device"
	expect 0 "hostile_0002: dump -o device" "$EVTXHUNT" dump -q \
	    -o "$T/o/devnull" "$ev"
	[ -c "$T/o/devnull" ] && ok "hostile_0002: the device stays" ||
	    fail "hostile_0002: dump -o replaced the device"
	expect 2 "hostile_0002: --force --db device" "$EVTXHUNT" scan -q \
	    --no-baseline --force --db "$T/o/devnull" "$ev"
	[ -c "$T/o/devnull" ] && ok "hostile_0002: the device stays" ||
	    fail "hostile_0002: --db replaced the device"
	rm -f "$T/o/devnull"
else
	echo "ok - hostile_0002: device case skipped (needs root and mknod)"
fi
mkfifo "$T/o/fifo"
cat "$T/o/fifo" > "$T/o/fifo.out" &
reader=$!
expect 1 "hostile_0002: scan -o FIFO" "$EVTXHUNT" scan -q --no-baseline \
    -o "$T/o/fifo" "$ev"
[ -p "$T/o/fifo" ] || kill $reader	# replaced: nobody will write to it
wait $reader
[ -p "$T/o/fifo" ] && ok "hostile_0002: the FIFO stays" ||
    fail "hostile_0002: scan -o replaced the FIFO"
grep -q 'findings' "$T/o/fifo.out" && ok "hostile_0002: report went through" ||
    fail "hostile_0002: nothing came out of the FIFO"
expect 2 "hostile_0002: --db FIFO" "$EVTXHUNT" dump -q --force \
    --db "$T/o/fifo" "$ev"
[ -p "$T/o/fifo" ] && ok "hostile_0002: the FIFO stays (--db)" ||
    fail "hostile_0002: --db replaced the FIFO"
expect 2 "hostile_0002: --db -" "$EVTXHUNT" dump -q --db - "$ev"
no_tmp "$T/o" "hostile_0002"

# hostile_0003_output_is_input (issue 15 #2): an output that names an
# input fails before anything is read, with exit 2, the input untouched;
# also when the input is found in a directory.  A previous run's report
# in a walked directory is skipped, not read and not refused.
cp "$ev" "$T/o/in.evtx"
sum=$(cksum < "$T/o/in.evtx")
for args in "dump -f csv -o" "scan -o" "dump --force --db" \
    "baseline learn -o"; do
	# shellcheck disable=SC2086
	expect 2 "hostile_0003: $args in.evtx in.evtx" "$EVTXHUNT" $args \
	    "$T/o/in.evtx" "$T/o/in.evtx"
	grep -q "is an input and the output" "$T/err" ||
	    fail "hostile_0003: $args: no message"
	[ "$(cksum < "$T/o/in.evtx")" = "$sum" ] &&
	    ok "hostile_0003: $args: the input is untouched" ||
	    fail "hostile_0003: $args: the input was changed"
done
expect 2 "hostile_0003: scan -o dir/in.evtx dir" "$EVTXHUNT" scan -q \
    --no-baseline -o "$T/o/in.evtx" "$T/o"
[ "$(cksum < "$T/o/in.evtx")" = "$sum" ] &&
    ok "hostile_0003: evidence in a walked directory is untouched" ||
    fail "hostile_0003: evidence in a walked directory was replaced"
expect 0 "hostile_0003: dump -o dir/out.jsonl dir" "$EVTXHUNT" dump -q \
    -o "$T/o/out.jsonl" "$T/o"
expect 0 "hostile_0003: again, the old report in the walk" "$EVTXHUNT" \
    dump -o "$T/o/out.jsonl" "$T/o"
grep -q "out.jsonl" "$T/err" && fail "hostile_0003: the old report was read" ||
    ok "hostile_0003: the old report was skipped"
expect 2 "hostile_0003: merge into an input" "$EVTXHUNT" baseline merge \
    -o "$T/o/in.evtx" "$T/o/in.evtx"
no_tmp "$T/o" "hostile_0003"

# hostile_0004_output_symlink (issue 15 #1): a symbolic link at the output
# is replaced by the output; the file it pointed to is left alone.
echo precious > "$T/o/target"
ln -s target "$T/o/link"
expect 0 "hostile_0004: dump -o link" "$EVTXHUNT" dump -q -o "$T/o/link" "$ev"
[ ! -L "$T/o/link" ] && [ "$(cat "$T/o/target")" = precious ] &&
    ok "hostile_0004: link replaced, its target kept" ||
    fail "hostile_0004: the link was followed"

# hostile_0005_output_mode (issue 15 #13): every output's mode follows the
# umask (scan wrote 0600, dump 0644).
for m in 022 077; do
	rm -f "$T/o/m."*
	(umask $m
	 "$EVTXHUNT" scan -q --no-baseline -o "$T/o/m.txt" --db "$T/o/m.db" "$ev"
	 "$EVTXHUNT" dump -q -o "$T/o/m.jsonl" --db "$T/o/m.dump.db" "$ev"
	 "$EVTXHUNT" baseline learn -q -o "$T/o/m.base" "$ev")
	want=$(printf '%o' $((0666 & ~0$m)))
	for f in m.txt m.db m.jsonl m.dump.db m.base; do
		got=$($PY -c 'import os,sys; print("%o" % (os.stat(sys.argv[1]).st_mode & 0o777))' "$T/o/$f")
		[ "$got" = "$want" ] && ok "hostile_0005: umask $m: $f is $got" ||
		    fail "hostile_0005: umask $m: $f is $got, want $want"
	done
done

# hostile_0006_output_full_disk (issue 15 #13): a write that fails (the
# file size limit stands in for a full disk) leaves the old output as it
# was, no temporary, and exit 2.
for args in "dump -o" "scan --no-baseline -o" "dump --force --db"; do
	echo old > "$T/o/full"
	# shellcheck disable=SC2086
	(ulimit -f 4; trap '' XFSZ; exec "$EVTXHUNT" $args "$T/o/full" \
	    "$TD/wks01-sysmon.evtx" "$TD/srv02-sysmon.evtx") \
	    > /dev/null 2> "$T/err"
	st=$?
	[ $st -eq 2 ] && [ "$(cat "$T/o/full")" = old ] &&
	    ok "hostile_0006: $args: exit 2, old output kept" ||
	    fail "hostile_0006: $args: exit $st, output $(head -c 20 "$T/o/full")"
done
no_tmp "$T/o" "hostile_0006"

# hostile_0007_output_signal (issue 15 #13): a signal during a run leaves
# no temporary behind.  The -o FIFO has no reader, so dump waits in its
# open, after the --db temporary was made; then SIGTERM/INT/HUP.  (A
# background job of a script ignores SIGINT, and a run under nohup
# SIGHUP, which evtxhunt then leaves ignored: the wrapper restores both.)
for sig in TERM INT HUP; do
	rm -f "$T/o/fifo"
	mkfifo "$T/o/fifo"
	$PY -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
signal.signal(signal.SIGHUP, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$EVTXHUNT" dump -q --db "$T/o/sig.db" \
	    -o "$T/o/fifo" "$ev" > /dev/null 2>&1 &
	pid=$!
	n=0
	while ! ls "$T/o"/sig.db.?????? > /dev/null 2>&1 && [ $n -lt 500 ]; do
		sleep 0.01
		n=$((n + 1))
	done
	[ $n -lt 500 ] || fail "hostile_0007: no temporary seen"
	kill -$sig $pid
	n=0
	while kill -0 $pid 2> /dev/null && [ $n -lt 500 ]; do
		sleep 0.01
		n=$((n + 1))
	done
	if kill -0 $pid 2> /dev/null; then
		fail "hostile_0007: SIG$sig did not end the run"
		kill -KILL $pid
	fi
	wait $pid
	[ ! -e "$T/o/sig.db" ] && ok "hostile_0007: SIG$sig: no database" ||
	    fail "hostile_0007: SIG$sig: a database was written"
	no_tmp "$T/o" "hostile_0007: SIG$sig"
done

# hostile_0008_baseline_view (issue 15 #11): a baseline whose features
# table was replaced by a recursive-CTE view made scan -b and baseline
# show spin until killed.  Every command now refuses it at once, naming
# the view (the work bound itself is tested in check_base).
"$EVTXHUNT" baseline learn -q -o "$T/o/h.db" "$ev" || fail "hostile_0008: learn"
$PY - "$T/o/h.db" << 'PYEOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executescript("""ALTER TABLE features RENAME TO f0;
CREATE VIEW features AS WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL
  SELECT i + 1 FROM r) SELECT 'a' AS binary, 'b' AS feature, 'c' AS value,
  'h' AS host, i AS count, 0 AS first, 0 AS last FROM r;""")
c.commit()
PYEOF
for args in "baseline show" "scan -q -b" "baseline merge -o $T/o/merged.db" \
    "baseline learn -q -w $top_srcdir/rules/watched.yml -o"; do
	case $args in
	"baseline learn"*) tail=$ev ;;
	"scan"*) tail=$ev ;;
	*) tail= ;;
	esac
	# shellcheck disable=SC2086
	expect 2 "hostile_0008: $args" timeout 60 "$EVTXHUNT" $args \
	    "$T/o/h.db" $tail
	grep -q "holds a view 'features'" "$T/err" &&
	    ok "hostile_0008: $args: the view is named" ||
	    fail "hostile_0008: $args: no clear message"
done
[ ! -e "$T/o/merged.db" ] && ok "hostile_0008: no merged output" ||
    fail "hostile_0008: a merged output was written"
no_tmp "$T/o" "hostile_0008"

# hostile_0009_skipped_inputs (issue 15 #14): files a directory walk
# skips (a loop, directories too deep, a special file) were only on
# stderr: the report said "1 files (1 ok)" and --strict exited 0.  Now
# each is a file of status skipped in the report, and --strict exits 2.
mkdir -p "$T/s/d"
cp "$ev" "$T/s/d/a.evtx"
ln -s .. "$T/s/d/up"
mkfifo "$T/s/d/fifo"
p="$T/s/d"
for i in $(seq 70); do p=$p/x; done
mkdir -p "$p"
cp "$ev" "$p/deep.evtx"
expect 1 "hostile_0009: scan" "$EVTXHUNT" scan --no-baseline "$T/s/d"
grep -q "^  skipped .*fifo" "$T/out" && grep -q "^  skipped .*/up" "$T/out" &&
    grep -q "^  skipped .*/x/x" "$T/out" &&
    ok "hostile_0009: the loop, the FIFO and the deep directory are listed" ||
    { fail "hostile_0009: skipped files not in the report"; head -20 "$T/out"; }
grep -q "^files .*; 3 skipped" "$T/out" &&
    ok "hostile_0009: the report counts them" ||
    fail "hostile_0009: the report does not count them"
expect 2 "hostile_0009: scan --strict" "$EVTXHUNT" scan --no-baseline \
    --strict "$T/s/d"
expect 2 "hostile_0009: dump --strict" "$EVTXHUNT" dump --strict "$T/s/d"
grep -q "3 skipped" "$T/err" && ok "hostile_0009: the summary counts them" ||
    fail "hostile_0009: the summary does not count them"
expect 0 "hostile_0009: dump without --strict" "$EVTXHUNT" dump -q "$T/s/d"


# hostile_0010_learn_in_place (issue 15 #13): `scan --learn -b DB`
# updated DB in place, so a failed run left it half written.  Now the
# baseline is an output like any other: learned into a temporary beside
# it, renamed only when the whole step succeeded.
mkdir "$T/l"
expect 0 "hostile_0010: learn a baseline" "$EVTXHUNT" baseline learn -q \
    -o "$T/l/b.db" "$TD/history"
cp "$T/l/b.db" "$T/l/b.orig"
# (--learn-all: the learned file must outgrow the 64 KiB limit)
(ulimit -f 64; trap '' XFSZ; exec "$EVTXHUNT" scan -q --learn-all \
    -b "$T/l/b.db" "$TD/history" "$TD/wks01-sysmon.evtx") \
    > /dev/null 2> "$T/err"
st=$?
[ $st -eq 2 ] && cmp -s "$T/l/b.db" "$T/l/b.orig" &&
    ok "hostile_0010: a failed --learn leaves the baseline as it was" ||
    fail "hostile_0010: exit $st; baseline changed: $(head -3 "$T/err")"
no_tmp "$T/l" "hostile_0010"
ln -s b.db "$T/l/link.db"
"$EVTXHUNT" scan -q --learn -b "$T/l/link.db" "$TD/wks01-sysmon.evtx" \
    > /dev/null 2> "$T/err"
[ -f "$T/l/link.db" ] && [ ! -L "$T/l/link.db" ] &&
    cmp -s "$T/l/b.db" "$T/l/b.orig" &&
    ok "hostile_0010: a link at -b is replaced, its target left alone" ||
    fail "hostile_0010: --learn followed the link at -b"
"$EVTXHUNT" baseline show "$T/l/link.db" > "$T/l/new.txt" 2>&1
"$EVTXHUNT" baseline show "$T/l/b.db" > "$T/l/old.txt" 2>&1
cmp -s "$T/l/new.txt" "$T/l/old.txt" &&
    fail "hostile_0010: --learn added nothing" ||
    ok "hostile_0010: --learn added the run"
"$EVTXHUNT" scan -q --learn -b "$T/l/fresh.db" "$TD/wks01-sysmon.evtx" \
    > /dev/null 2> "$T/err"
"$EVTXHUNT" baseline show "$T/l/fresh.db" > /dev/null 2>&1 &&
    ok "hostile_0010: --learn creates a new baseline" ||
    fail "hostile_0010: --learn did not create $(head -2 "$T/err")"
no_tmp "$T/l" "hostile_0010"

finish
