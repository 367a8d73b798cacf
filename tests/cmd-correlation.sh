#!/bin/sh
# cmd-correlation.sh -- Sigma correlation rules end to end: `rules check`
# lists them (loaded, rejected with the reason naming the base rule's
# file and line), `scan` reports their matches as findings of source
# "correlation" (text, jsonl, --db) with the correlated records, the base
# rules stay silent unless generate: true, and the result is the same
# for any -j.  Events: Sysmon 1 and Security 4688 written by evtxgen,
# grouped by User across both logs.  The semantics are in check_sigcorr.c.
. "$top_srcdir/tests/testlib.sh"
EVTXGEN=${top_builddir:?}/tests/evtxgen

# sysmon1 TIME RECID USER IMAGE
sysmon1() {
	cat <<R
record
provider sysmon
eventid 1
version 5
time $1
recordid $2
channel Microsoft-Windows-Sysmon/Operational
computer WKS07.corp.local
user S-1-5-18
data ProcessGuid={A1B2C3D4-0053-8BEE-0000-00000000$2}
data ProcessId=$2
data Image=$4
data CommandLine=$4
data User=$3
data ParentProcessGuid={A1B2C3D4-0053-8BEE-0000-000000000001}
data ParentProcessId=1
data ParentImage=C:\\Windows\\explorer.exe

R
}

# sec4688 TIME RECID USER IMAGE
sec4688() {
	cat <<R
record
provider security
eventid 4688
version 2
time $1
recordid $2
channel Security
computer WKS07.corp.local
user -
data SubjectUserSid=S-1-5-21-1111111111-2222222222-3333333333-1104
data SubjectUserName=$3
data SubjectDomainName=CORP
data SubjectLogonId=0x5a3e1
data NewProcessId=0x$2
data NewProcessName=$4
data TokenElevationType=%%1938
data ProcessId=0x111c
data CommandLine=$4
data TargetUserSid=S-1-0-0
data TargetUserName=-
data TargetDomainName=-
data TargetLogonId=0x0
data ParentProcessName=C:\\Windows\\explorer.exe
data MandatoryLabel=S-1-16-8192

R
}

W='C:\Windows\System32\whoami.exe'
N='C:\Windows\System32\net.exe'
I='C:\Windows\System32\ipconfig.exe'
{
	echo "output s.evtx"
	sysmon1 2024-05-01T10:00:00.0000000Z 1001 'CORP\bob' "$N"
	sysmon1 2024-05-01T10:00:20.0000000Z 1002 'CORP\bob' "$N"
	sysmon1 2024-05-01T10:00:40.0000000Z 1003 'CORP\bob' "$N"
	sysmon1 2024-05-01T10:02:00.0000000Z 1005 'CORP\bob' "$I"
	sysmon1 2024-05-01T10:00:00.0000000Z 1006 'CORP\ann' "$N"
	sysmon1 2024-05-01T10:03:00.0000000Z 1007 'CORP\ann' "$I"
} > "$T/s.spec"
{
	echo "output k.evtx"
	# 4688's User is CORP\bob too (SubjectDomainName\SubjectUserName)
	sec4688 2024-05-01T10:01:00.0000000Z 2001 bob "$W"
	sec4688 2024-05-01T10:01:30.0000000Z 2002 ann "$W"
} > "$T/k.spec"
"$EVTXGEN" "$T/s.spec" "$T/s.evtx" || fail "evtxgen s.spec"
"$EVTXGEN" "$T/k.spec" "$T/k.evtx" || fail "evtxgen k.spec"

mkdir "$T/r"
# the specification's example: many failures, then the rest in order
cat > "$T/r/mr_recon.yml" <<'R'
title: Recon after a burst of net
id: 0c0c0c0c-0000-0000-0000-0000000000c1
level: high
correlation:
  type: temporal_ordered
  rules: [many_net, whoami, ipconfig]
  group-by: [User]
  timespan: 5m
---
title: Burst of net
id: 0c0c0c0c-0000-0000-0000-0000000000c2
name: many_net
correlation:
  type: event_count
  rules: [net]
  group-by: [User]
  timespan: 1m
  condition: {gte: 3}
---
title: net
id: 0c0c0c0c-0000-0000-0000-0000000000b1
name: net
logsource: {product: windows, category: process_creation}
detection: {s: {Image|endswith: '\net.exe'}, condition: s}
level: low
---
title: whoami
id: 0c0c0c0c-0000-0000-0000-0000000000b2
name: whoami
logsource: {product: windows, category: process_creation}
detection: {s: {Image|endswith: '\whoami.exe'}, condition: s}
level: low
R
# base rule in another file, by id; generate: true keeps its own findings
cat > "$T/r/ipconfig.yml" <<'R'
title: ipconfig
id: 0c0c0c0c-0000-0000-0000-0000000000b3
name: ipconfig
logsource: {product: windows, category: process_creation}
detection: {s: {Image|endswith: '\ipconfig.exe'}, condition: s}
level: low
R
cat > "$T/r/users.yml" <<'R'
title: Several users run ipconfig
id: 0c0c0c0c-0000-0000-0000-0000000000c3
level: medium
correlation:
  type: value_count
  rules: [0c0c0c0c-0000-0000-0000-0000000000b3]
  group-by: [Computer]
  timespan: 1h
  condition: {field: User, gte: 2}
  generate: true
R

# -- rules check
expect 0 "rules check" "$EVTXHUNT" rules check "$T/r"
grep -q "mr_recon.yml:1: correlation Recon after a burst of net: temporal_ordered of 3 rules within 5m (all 3 rules in order)$" \
    "$T/out" && ok "check: outer correlation" || fail "check: outer correlation"
grep -q "mr_recon.yml:10: correlation Burst of net: event_count of 1 rule within 1m (gte 3), part of another$" \
    "$T/out" && ok "check: inner correlation" || fail "check: inner correlation"
grep -q "^correlations: 3 loaded, 0 rejected$" "$T/out" &&
    ok "check: tally" || { fail "check: tally"; cat "$T/out"; }
grep -q "^rules: 6 loaded, 0 skipped, 0 rejected$" "$T/out" &&
    ok "check: rules line" || fail "check: rules line"

cat > "$T/bad.yml" <<'R'
title: needs a linux event
correlation:
  type: temporal
  rules: [drop, nothere]
  timespan: 1m
---
title: drop
name: drop
logsource: {product: linux, category: process_creation}
detection: {s: {TargetFilename: x}, condition: s}
R
expect 1 "rules check rejected correlation" "$EVTXHUNT" rules check "$T/bad.yml"
grep -q "bad.yml:3:3: rule 'drop' (.*bad.yml:7) is not loaded: logsource product=linux category=process_creation not supported" \
    "$T/out" && ok "check: unloaded base rule named" ||
    { fail "check: unloaded base rule named"; cat "$T/out"; }
grep -q "^correlations: 0 loaded, 1 rejected$" "$T/out" &&
    ok "check: rejected tally" || fail "check: rejected tally"
grep -q "^rejected: 1 correlation$" "$T/out" &&
    ok "check: reason class" || fail "check: reason class"

# -- scan
expect 1 "scan" "$EVTXHUNT" scan --no-baseline -j 1 -r "$T/r" -o "$T/rep" \
    "$T/s.evtx" "$T/k.evtx"
grep -q "\[high\] Recon after a burst of net" "$T/rep" &&
    ok "scan: chained correlation reported" || fail "scan: chained correlation reported"
tr -d '\n' < "$T/rep" | tr -s ' ' > "$T/rep1"
grep -q "correlation temporal_ordered (all 3 rules in order within 5m): 3 rules in 3 events; User=CORP\\\\bob; 2024-05-01T10:00:40.0000000Z .. 2024-05-01T10:02:00.0000000Z;" \
    "$T/rep1" && ok "scan: details" || { fail "scan: details"; cat "$T/rep"; }
grep -q "Burst of net" "$T/rep" && fail "scan: inner correlation alone" ||
    ok "scan: inner correlation not alone"
grep -q "\] net --" "$T/rep" && fail "scan: base rule net alone" ||
    ok "scan: base rules silent (generate: false)"
grep -q "\] whoami --" "$T/rep" && fail "scan: base rule whoami alone" ||
    ok "scan: whoami silent"
grep -q "\[low\] ipconfig" "$T/rep" && ok "scan: generate: true keeps ipconfig" ||
    fail "scan: generate: true keeps ipconfig"
grep -q "2 distinct values of User in 2 events; Computer=WKS07.corp.local" \
    "$T/rep1" && ok "scan: value_count" || fail "scan: value_count"

"$EVTXHUNT" scan -q --no-baseline -j 1 -f jsonl -r "$T/r" "$T/s.evtx" \
    "$T/k.evtx" > "$T/j1"
"$EVTXHUNT" scan -q --no-baseline -j 3 -f jsonl -r "$T/r" "$T/k.evtx" \
    "$T/s.evtx" > "$T/j3"
grep -v '"type":"header"' "$T/j1" > "$T/j1b"
grep -v '"type":"header"' "$T/j3" > "$T/j3b"
cmp -s "$T/j1b" "$T/j3b" && ok "jsonl identical for -j1/-j3 and input order" ||
    fail "jsonl differs with -j or input order"
n=$(grep -o '"source":"correlation"' "$T/j1" | wc -l)
[ "$n" -eq 2 ] && ok "jsonl: 2 correlation reasons" ||
    fail "jsonl: $n correlation reasons"
grep -q '"details":"correlation temporal_ordered .*records .*s.evtx #1003, .*k.evtx #2001, .*s.evtx #1005"' \
    "$T/j1" && ok "jsonl: records listed" || fail "jsonl: records listed"
# over the memory budget (scan --memory): the group-by and value fields
# of the hits are read back from the spill, the matches are the same
mkdir "$T/tmp"
"$EVTXHUNT" scan --no-baseline -j 2 -f jsonl --memory 1K --tmpdir "$T/tmp" \
    -r "$T/r" "$T/s.evtx" "$T/k.evtx" > "$T/jm" 2>"$T/jm.err"
grep -q "over --memory" "$T/jm.err" && ok "--memory 1K: spilled" ||
    fail "--memory 1K: no spill"
grep -v '"type":"header"' "$T/jm" | cmp -s - "$T/j1b" &&
    ok "--memory 1K: correlations identical" ||
    fail "--memory 1K: correlations differ"

# --db: the findings table says correlation
expect 1 "scan --db" "$EVTXHUNT" scan -q --no-baseline -r "$T/r" --db "$T/db" \
    "$T/s.evtx" "$T/k.evtx"
if command -v sqlite3 >/dev/null; then
	got=$(sqlite3 "$T/db" "SELECT f.source, r.title FROM findings f JOIN rules r ON r.id = f.rule WHERE f.source = 'correlation' ORDER BY r.title;")
	[ "$got" = "correlation|Recon after a burst of net
correlation|Several users run ipconfig" ] && ok "db: correlation rows" ||
	    { fail "db: correlation rows"; echo "$got"; }
fi

# failed logons (Security 4625, a generic event) from several addresses
{
	echo "output f.evtx"
	for i in 1 2 3; do
		cat <<R
record
provider security
eventid 4625
time 2024-05-01T10:00:0$i.0000000Z
recordid 300$i
channel Security
computer DC01.corp.local
user -
data SubjectUserSid=S-1-0-0
data TargetUserName=admin
data TargetDomainName=CORP
data Status=0xc000006d
data LogonType=3
data IpAddress=10.0.0.$i

R
	done
} > "$T/f.spec"
"$EVTXGEN" "$T/f.spec" "$T/f.evtx" || fail "evtxgen f.spec"
mkdir "$T/spray"
cat > "$T/spray/spray.yml" <<'R'
title: Password spraying from several addresses
id: 0c0c0c0c-0000-0000-0000-0000000000d1
level: high
correlation:
  type: value_count
  rules: [failed_logon]
  group-by: [TargetUserName]
  timespan: 10m
  condition: {field: IpAddress, gte: 3}
---
title: failed logon
name: failed_logon
logsource: {product: windows, service: security}
detection: {s: {EventID: 4625}, condition: s}
R
expect 1 "scan 4625" "$EVTXHUNT" scan -q --no-baseline -f jsonl \
    -r "$T/spray" "$T/f.evtx"
grep -q '"source":"correlation","level":"high","title":"Password spraying from several addresses".*"details":"correlation value_count (gte 3 within 10m): 3 distinct values of IpAddress in 3 events; TargetUserName=admin;' \
    "$T/out" && ok "4625: value_count over failed logons" ||
    { fail "4625: value_count over failed logons"; cat "$T/out"; }
n=$(grep -c '"type":"finding"' "$T/out")
[ "$n" -eq 1 ] && ok "4625: one finding, base rule silent" ||
    fail "4625: $n findings"


# generic events are matched as they are read and those no rule hits are
# kept without their data: the report is the one of a --db run (which
# keeps every event whole)
mkdir "$T/one"
cat > "$T/one/one.yml" <<'R'
title: failed logon from 10.0.0.2
id: 0c0c0c0c-0000-0000-0000-0000000000d2
level: medium
logsource: {product: windows, service: security}
detection: {s: {EventID: 4625, IpAddress: 10.0.0.2}, condition: s}
R
for f in text jsonl csv; do
	for j in 1 2; do
		expect 1 "generic -f $f -j$j" "$EVTXHUNT" scan -q --no-baseline \
		    -j $j -f $f -r "$T/one" "$T/f.evtx"
		# without the command line (wrapped in text)
		awk '/evtxhunt scan/{c=1; next} c && /^ /{next} {c=0; print}' \
		    "$T/out" > "$T/one.$f.$j"
	done
	rm -f "$T/one.db"
	expect 1 "generic -f $f --db" "$EVTXHUNT" scan -q --no-baseline \
	    -f $f --db "$T/one.db" -r "$T/one" "$T/f.evtx"
	awk '/evtxhunt scan/{c=1; next} c && /^ /{next} {c=0; print}' \
	    "$T/out" > "$T/one.$f.db"
	cmp -s "$T/one.$f.1" "$T/one.$f.db" &&
	    cmp -s "$T/one.$f.2" "$T/one.$f.db" &&
	    ok "generic -f $f: the report of a --db run" ||
	    { fail "generic -f $f: reports differ";
	    diff "$T/one.$f.1" "$T/one.$f.db"; }
done
grep -q '"record_id":3002' "$T/one.jsonl.1" &&
    ok "generic: the hit event is reported" ||
    { fail "generic: the hit event"; cat "$T/one.jsonl.1"; }
n=$(sqlite3 "$T/one.db" "SELECT count(*) FROM events WHERE data LIKE '%10.0.0.%';")
[ "$n" -eq 3 ] && ok "generic --db: every event with its data" ||
    fail "generic --db: $n events with data"

finish
