#!/bin/sh
# integrity.sh -- structural damage through the CLI (issue 15 reproducers
# 3 and 4, and the cases of corrupt_0005..0008 in check_evtx.c): each is a
# warning naming the file and chunk, the file "damaged" with a message,
# the summary line's count, exit 0 (dump) / 1 (scan, findings) without
# --strict and 2 with it.  Mutants come from the project's writer
# (tests/evtxgen with a spec plus a named mutation).
set -u
. "$top_srcdir/tests/testlib.sh"
GEN=$top_builddir/tests/evtxgen
RULES=$top_srcdir/rules

# mutant NAME MUTATION: $T/NAME.evtx is wks01-sysmon.evtx plus MUTATION
mutant() {
	sed "s|^output .*|output $1.evtx|" "$TD/spec/wks01-sysmon.spec" \
	    > "$T/$1.spec"
	echo "mutate $2" >> "$T/$1.spec"
	"$GEN" "$T/$1.spec" "$T/$1.evtx" ||
	    fail "evtxgen: cannot build $1 ($2)"
}

# reproducer 3: head -c 69632 of the 3-chunk log
head -c 69632 "$TD/wks01-sysmon.evtx" > "$T/t.evtx"
expect 0 "truncated: dump" "$EVTXHUNT" dump -f csv "$T/t.evtx"
grep -q "t.evtx: chunks 1..2: announced by the file header but past the end of the file" \
    "$T/err" && ok "truncation warned with file and chunks" ||
    fail "no truncation warning"
grep -q "files (0 ok, 0 dirty, 1 damaged, 0 empty, 0 unreadable; 1 truncated, 2 chunks missing)" \
    "$T/err" && ok "summary counts the truncation" || fail "summary line"
expect 2 "truncated: scan --strict" "$EVTXHUNT" scan --strict -r "$RULES" \
    "$T/t.evtx"
grep -q "damaged  *.*t.evtx" "$T/out" && ok "report: file damaged" ||
    fail "report does not say damaged"
"$EVTXHUNT" scan -q -f jsonl -r "$RULES" "$T/t.evtx" > "$T/t.jsonl"
grep -q '"status":"damaged","message":"truncated: the header announces 3 chunks, 2 announced chunks missing"' \
    "$T/t.jsonl" && ok "report: the file's message" || fail "report message"
expect 2 "truncated: dump --strict" "$EVTXHUNT" dump --strict "$T/t.evtx"
head -c 4096 "$TD/wks01-sysmon.evtx" > "$T/h.evtx"
expect 2 "header only: unreadable" "$EVTXHUNT" dump "$T/h.evtx"
grep -q "cannot read '.*h.evtx': truncated" "$T/err" &&
    ok "header only: says truncated" || fail "header only: message"

# reproducer 4: chunk 0's free-space offset 0x200, CRCs fixed
mutant fs "free-space 0 512"
expect 1 "free space cut: scan" "$EVTXHUNT" scan -r "$RULES" "$T/fs.evtx"
grep -q "fs.evtx: chunk 0: 14 records the chunk header lists lie past its free-space offset 512" \
    "$T/err" && ok "free space cut warned" || fail "no free-space warning"
grep -q "26 records (14 recovered" "$T/err" &&
    ok "cut records carved as recovered" || fail "cut records not read"
grep -q "14 records past free space" "$T/err" &&
    ok "summary counts them" || fail "summary: records past free space"
expect 2 "free space cut: scan --strict" "$EVTXHUNT" scan --strict \
    -r "$RULES" "$T/fs.evtx"
"$EVTXHUNT" dump -q -f csv --no-recovered "$T/fs.evtx" > "$T/nr.csv"
[ "$(wc -l < "$T/nr.csv")" -eq 27 ] && ok "--no-recovered leaves them out" ||
    fail "--no-recovered: $(wc -l < "$T/nr.csv") lines"

# a record hidden in the one before it (log editors' deletion)
mutant ul "unlink-record 5"
expect 0 "unlinked record: dump" "$EVTXHUNT" dump -f csv "$T/ul.evtx"
grep -q "ul.evtx: chunk 0: record id 5007 at offset [0-9]* follows 5005" \
    "$T/err" && ok "id break warned" || fail "no id-break warning"
grep -q "1 id break)" "$T/err" && ok "summary counts the break" ||
    fail "summary: id break"
expect 2 "unlinked record: dump --strict" "$EVTXHUNT" dump --strict \
    "$T/ul.evtx"

# reproducer 12: a NUL inside a value is shown as U+2400, never cut
nul=$(printf '\342\220\200')
cat > "$T/nul.yml" <<EOR
title: Text after a NUL in a command line
id: 6a0d2b1e-7c4f-4e8a-9b3d-2f5e8c1a4d70
status: test
logsource:
    product: windows
    category: process_creation
detection:
    sel:
        CommandLine|endswith: 'echo a${nul}b'
    condition: sel
level: high
EOR
expect 1 "NUL in a value: a rule sees the text after it" "$EVTXHUNT" scan \
    -r "$T/nul.yml" "$TD/bad/lone-surrogate-end.evtx"
grep -q "lone-surrogate-end.evtx: 1 value with an embedded NUL, shown as U+2400" \
    "$T/err" && ok "NUL values counted per file" || fail "no NUL count"
"$EVTXHUNT" dump -q -f jsonl "$TD/bad/lone-surrogate-end.evtx" > "$T/nul.jsonl"
grep -q "echo a$(printf '\342\220\200')b" "$T/nul.jsonl" &&
    ok "NUL shown as U+2400 in JSON" || fail "NUL not shown in JSON"

# the sound file stays ok
expect 0 "sound file --strict" "$EVTXHUNT" dump --strict \
    "$TD/wks01-sysmon.evtx"
finish
