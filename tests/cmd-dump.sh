#!/bin/sh
# cmd-dump.sh -- `evtxhunt dump` end to end over testdata/: exit statuses
# (SPEC §1/§10), identical output for any -j, order, duplicates, CSV and
# JSONL that parse, --db (refuses an existing file, schema version),
# --strict, --from/--to, --hash.
set -u
. "$top_srcdir/tests/testlib.sh"

good="$TD/wks01-sysmon.evtx $TD/wks01-security.evtx $TD/srv02-sysmon.evtx $TD/srv02-security.evtx $TD/sysmon-schemas.evtx $TD/security-4688-versions.evtx"

# -- exit statuses
# shellcheck disable=SC2086
expect 0 "good files" "$EVTXHUNT" dump $good
expect 2 "testdata with an unreadable file" "$EVTXHUNT" dump "$TD"
grep -q "not-evtx.evtx" "$T/err" && ok "unreadable file named" ||
    fail "unreadable file not named on stderr"
grep -q "files (.* unreadable[;)]" "$T/err" && ok "summary line" ||
    fail "no summary line"
expect 2 "missing path" "$EVTXHUNT" dump "$T/nonexistent.evtx"
expect 2 "not-evtx given explicitly" "$EVTXHUNT" dump "$TD/bad/not-evtx.evtx"
expect 0 "empty (0-byte) file" "$EVTXHUNT" dump "$TD/bad/empty.evtx"
expect 0 "zero-record file" "$EVTXHUNT" dump "$TD/bad/zero-records.evtx"
expect 0 "dirty file" "$EVTXHUNT" dump "$TD/bad/dirty.evtx"
expect 0 "dirty file --strict (dirty is not damage)" "$EVTXHUNT" dump --strict "$TD/bad/dirty.evtx"
expect 0 "bad chunk CRC" "$EVTXHUNT" dump "$TD/bad/chunk-crc.evtx"
expect 0 "truncated" "$EVTXHUNT" dump "$TD/bad/truncated.evtx"
expect 0 "broken binary XML" "$EVTXHUNT" dump "$TD/bad/broken-binxml.evtx"
grep -q "broken-binxml.evtx" "$T/err" && ok "damage warning names the file" ||
    fail "damage warning without the file"
[ -s "$T/out" ] && ok "records around a broken one are read" ||
    fail "nothing read from broken-binxml.evtx"
expect 2 "bad -j" "$EVTXHUNT" dump -j 0 "$TD"
expect 2 "bad --from" "$EVTXHUNT" dump --from yesterday "$TD"
expect 2 "bad format" "$EVTXHUNT" dump -f xml "$TD"
expect 0 "--help" "$EVTXHUNT" dump --help

# -- identical output for any -j and both orders of arguments
for j in 1 2 3 8; do
	"$EVTXHUNT" dump -q -j $j "$TD" > "$T/j$j.jsonl"
done
cmp -s "$T/j1.jsonl" "$T/j2.jsonl" && cmp -s "$T/j1.jsonl" "$T/j3.jsonl" &&
    cmp -s "$T/j1.jsonl" "$T/j8.jsonl" && ok "same output for -j 1/2/3/8" ||
    fail "output differs with -j"
# shellcheck disable=SC2086
"$EVTXHUNT" dump -q -j 2 $(echo $good | tr ' ' '\n' | sort -r) > "$T/rev.jsonl"
# shellcheck disable=SC2086
"$EVTXHUNT" dump -q -j 2 $good > "$T/fwd.jsonl"
cmp -s "$T/rev.jsonl" "$T/fwd.jsonl" && ok "argument order does not matter" ||
    fail "argument order changes the output"

# -- JSONL: parses, ordered, no duplicates, UTF-8
"$PY" - "$T/j2.jsonl" <<'PYEOF' && ok "jsonl parses, ordered, unique" || fail "jsonl checks"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert rows, "no events"
keys = [(r["time"], r["file"].encode(), r["record_id"]) for r in rows]
assert keys == sorted(keys), "not in (time, path, record id) order"
seen = set()
for r in rows:
    k = (r["computer"], r["channel"], r["record_id"], r["time"], r["event_id"])
    assert k not in seen, "duplicate %r" % (k,)
    seen.add(k)
kinds = {r["kind"] for r in rows}
assert {"process", "network", "image_load"} <= kinds, kinds
for r in rows:
    assert r["provider"] in ("Microsoft-Windows-Security-Auditing",
        "Microsoft-Windows-Sysmon", "Microsoft-Windows-Eventlog",
        "Service Control Manager", "Microsoft-Windows-PowerShell",
        "Microsoft-Windows-WMI-Activity", "PowerShell"), r["provider"]
    assert not (r["event_id"] in (4624, 23)), r
    assert r["time"].endswith("Z") and len(r["time"]) == 28
PYEOF

# -- CSV: RFC 4180, one row per event, formulas inert
"$EVTXHUNT" dump -q -f csv "$TD" > "$T/all.csv"
"$PY" - "$T/all.csv" "$T/j2.jsonl" <<'PYEOF' && ok "csv parses, same events" || fail "csv checks"
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
n = sum(1 for _ in open(sys.argv[2], encoding="utf-8"))
assert len(rows) == n + 1, (len(rows), n)
width = len(rows[0])
assert all(len(r) == width for r in rows)
for r in rows[1:]:
    for cell in r:
        assert not cell[:1] in ("=", "+", "-", "@"), cell
PYEOF

# -- the database
expect 0 "--db" "$EVTXHUNT" dump -q --hash --db "$T/case.db" "$TD/wks01-sysmon.evtx" "$TD/wks01-security.evtx"
expect 2 "--db refuses an existing file" "$EVTXHUNT" dump -q --db "$T/case.db" "$TD/wks01-sysmon.evtx"
expect 0 "--db --force" "$EVTXHUNT" dump -q --hash --force --db "$T/case.db" "$TD/wks01-sysmon.evtx" "$TD/wks01-security.evtx"
ls "$T"/case.db.* >/dev/null 2>&1 && fail "temporary database left behind" ||
    ok "no temporary file left"
"$PY" - "$T/case.db" "$TD/wks01-sysmon.evtx" <<'PYEOF' && ok "database contents" || fail "database contents"
import hashlib, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
assert db.execute("PRAGMA user_version").fetchone()[0] == 5
files = db.execute("SELECT path, sha256, status FROM files ORDER BY id").fetchall()
assert len(files) == 2
sha = hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest()
assert any(p == sys.argv[2] and h == sha for p, h, s in files), files
n = db.execute("SELECT count(*) FROM events").fetchone()[0]
assert n > 0
for (d,) in db.execute("SELECT data FROM events"):
    json.loads(d)
# typed columns
assert db.execute("SELECT typeof(pid) FROM events WHERE pid IS NOT NULL LIMIT 1").fetchone()[0] == "integer"
assert db.execute("SELECT count(*) FROM events WHERE json_extract(data, '$.Image') = image AND kind = 'process' AND provider LIKE '%Sysmon'").fetchone()[0] > 0
PYEOF

# -- time filters
"$EVTXHUNT" dump -q "$TD/wks01-sysmon.evtx" > "$T/all.jsonl"
mid=$("$PY" -c "import json,sys; r=[json.loads(l)['time'] for l in open(sys.argv[1])]; print(r[len(r)//2])" "$T/all.jsonl")
"$EVTXHUNT" dump -q --from "$mid" "$TD/wks01-sysmon.evtx" > "$T/from.jsonl"
"$EVTXHUNT" dump -q --to "$mid" "$TD/wks01-sysmon.evtx" > "$T/to.jsonl"
"$PY" - "$T/all.jsonl" "$T/from.jsonl" "$T/to.jsonl" "$mid" <<'PYEOF' && ok "--from/--to" || fail "--from/--to"
import json, sys
a, f, t = ([json.loads(l)["time"] for l in open(p)] for p in sys.argv[1:4])
mid = sys.argv[4]
assert f and t and all(x >= mid for x in f) and all(x <= mid for x in t)
assert len(f) + len(t) == len(a) + a.count(mid)
PYEOF

# -- the libevtx path reads the same events from the good files
# shellcheck disable=SC2086
"$EVTXHUNT" dump -q --parser libevtx $good > "$T/libevtx.jsonl"
# (libevtx does not tell record offsets: chunk and offset are left out)
"$PY" - "$T/libevtx.jsonl" "$T/fwd.jsonl" <<'PYEOF' && ok "libevtx and native agree on good files" || fail "libevtx and native differ"
import json, sys
a, b = ([json.loads(l) for l in open(p, encoding="utf-8")] for p in sys.argv[1:3])
assert len(a) == len(b), (len(a), len(b))
for x, y in zip(a, b):
    for r in (x, y):
        r.pop("chunk"); r.pop("offset")
    assert x == y, "\n%r\n%r" % (x, y)
PYEOF

finish
