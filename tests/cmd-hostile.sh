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

finish
