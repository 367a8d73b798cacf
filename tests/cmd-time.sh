#!/bin/sh
# cmd-time.sh -- the time window and the display zone of scan: a date-only
# --to covers that whole day, an inverted window is a usage error, --tz
# (and TZ) shows local times with their offset in text, HTML and CSV while
# JSON Lines, Timesketch and the database stay UTC; dump --tz likewise for
# its csv.
set -u
. "$top_srcdir/tests/testlib.sh"
RULES=$top_srcdir/rules
W=$TD/wks01-sysmon.evtx

# -- the window (the sample's events run 2024-03-04 .. 2024-03-06)
expect 1 "--from D --to D is that whole day" "$EVTXHUNT" scan -q -f csv -r "$RULES" --from 2024-03-05 --to 2024-03-05 "$W"
"$PY" - "$T/out" <<'PYEOF' && ok "only that day's findings" || fail "window of one day"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
assert rows, "no findings"
assert all(r["time"].startswith("2024-03-05T") for r in rows), [r["time"] for r in rows]
PYEOF
expect 1 "--to a date includes its evening" "$EVTXHUNT" scan -q -f jsonl -r "$RULES" --to 2024-03-05 "$W"
"$PY" - "$T/out" <<'PYEOF' && ok "last finding on the --to day" || fail "--to day end"
import json, sys
ts = [json.loads(l)["time"] for l in open(sys.argv[1]) if '"type":"finding"' in l]
assert max(ts).startswith("2024-03-05T1"), max(ts)
assert all(t < "2024-03-06" for t in ts), ts
PYEOF
expect 2 "inverted window" "$EVTXHUNT" scan --from 2024-03-06 --to 2024-03-05 "$W"
grep -q "window is empty" "$T/err" && ok "inverted window explained" || fail "inverted window message"
expect 2 "inverted window (dump)" "$EVTXHUNT" dump --from 2024-03-06 --to 2024-03-05T12:00 "$W"
expect 2 "inverted window (baseline learn)" "$EVTXHUNT" baseline learn -o "$T/b.db" --to 2024-03-04 --from 2024-03-05 "$W"
[ -e "$T/b.db" ] && fail "baseline written for an inverted window" || ok "no baseline written"
expect 1 "an exact --to time stays exact" "$EVTXHUNT" scan -q -f jsonl -r "$RULES" --to 2024-03-05T14:02:12 "$W"
[ "$(grep -c '"type":"finding"' "$T/out")" -eq 1 ] && ok "--to with a time not extended" ||
    fail "--to with a time extended"

# -- the display zone
expect 2 "unknown --tz" "$EVTXHUNT" scan --tz Mars/Base "$W"
for f in text csv html jsonl timesketch; do
	"$EVTXHUNT" scan -q -f $f -r "$RULES" --tz Europe/Berlin "$W" > "$T/tz.$f"
	TZ=Europe/Berlin "$EVTXHUNT" scan -q -f $f -r "$RULES" "$W" > "$T/env.$f"
	"$EVTXHUNT" scan -q -f $f -r "$RULES" "$W" > "$T/utc.$f"
	# --tz wins over TZ
	TZ=Asia/Tokyo "$EVTXHUNT" scan -q -f $f -r "$RULES" --tz Europe/Berlin "$W" > "$T/both.$f"
done
for f in text csv html; do
	grep -q '2024-03-05T15:02:11.1234567+01:00' "$T/tz.$f" && ok "$f: --tz local time with offset" ||
	    fail "$f: no local time"
	grep -q 'T[0-9:.]*Z' "$T/tz.$f" && fail "$f: a UTC time left under --tz" || ok "$f: no UTC time left"
	# the text header wraps the command line at a width: compare without it
	for x in tz env; do
		awk '/^command /{c=1; next} c && /^ /{next} {c=0; print}' \
		    "$T/$x.$f" | sed 's/ --tz Europe\/Berlin//' > "$T/$x.cmp.$f"
	done
	cmp -s "$T/tz.cmp.$f" "$T/env.cmp.$f" && ok "$f: TZ as --tz" || fail "$f: TZ differs from --tz"
	cmp -s "$T/tz.$f" "$T/both.$f" && ok "$f: --tz wins over TZ" || fail "$f: TZ beat --tz"
	grep -q '2024-03-05T14:02:11.1234567Z' "$T/utc.$f" && ok "$f: UTC without a zone" || fail "$f: UTC"
done
for f in jsonl timesketch; do
	sed 's/ --tz Europe\/Berlin//' "$T/tz.$f" > "$T/tz2.$f"
	cmp -s "$T/tz2.$f" "$T/utc.$f" && ok "$f: stays UTC under --tz" || fail "$f: changed by --tz"
done
expect 1 "--db under --tz" "$EVTXHUNT" scan -q --tz Europe/Berlin --db "$T/tz.db" -r "$RULES" "$W"
expect 1 "--db in UTC" "$EVTXHUNT" scan -q --db "$T/utc.db" -r "$RULES" "$W"
"$PY" - "$T/tz.db" "$T/utc.db" <<'PYEOF' && ok "database stays UTC" || fail "database changed by --tz"
import sqlite3, sys
def dump(p):
    db = sqlite3.connect(p)
    out = []
    for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT IN ('runs') ORDER BY name"):
        out.append((t, db.execute("SELECT * FROM %s ORDER BY 1" % t).fetchall()))
    return out
a, b = dump(sys.argv[1]), dump(sys.argv[2])
assert a == b
assert "+01:00" not in repr(a)
PYEOF

# -- dump --tz: the same zone for its human format (csv); jsonl and the
# database stay UTC
expect 2 "dump: unknown --tz" "$EVTXHUNT" dump --tz Mars/Base "$W"
grep -q "not a time zone" "$T/err" && ok "dump: unknown zone explained" || fail "dump: unknown zone message"
for f in csv jsonl; do
	"$EVTXHUNT" dump -q -f $f --tz Europe/Berlin "$W" > "$T/dtz.$f"
	TZ=Europe/Berlin "$EVTXHUNT" dump -q -f $f "$W" > "$T/denv.$f"
	TZ=Asia/Tokyo "$EVTXHUNT" dump -q -f $f --tz Europe/Berlin "$W" > "$T/dboth.$f"
	"$EVTXHUNT" dump -q -f $f "$W" > "$T/dutc.$f"
	cmp -s "$T/dtz.$f" "$T/denv.$f" && ok "dump $f: TZ as --tz" || fail "dump $f: TZ differs from --tz"
	cmp -s "$T/dtz.$f" "$T/dboth.$f" && ok "dump $f: --tz wins over TZ" || fail "dump $f: TZ beat --tz"
done
grep -q '^2024-03-05T15:02:11.1234567+01:00,' "$T/dtz.csv" && ok "dump csv: local time with offset" ||
    fail "dump csv: no local time"
grep -q '^[0-9T:.-]*Z,' "$T/dtz.csv" && fail "dump csv: a UTC time left" || ok "dump csv: no UTC time left"
grep -q '^2024-03-05T14:02:11.1234567Z,' "$T/dutc.csv" && ok "dump csv: UTC without a zone" || fail "dump csv: UTC"
cmp -s "$T/dtz.jsonl" "$T/dutc.jsonl" && ok "dump jsonl: stays UTC under --tz" || fail "dump jsonl: changed by --tz"
expect 0 "dump --db under --tz" "$EVTXHUNT" dump -q --tz Europe/Berlin --db "$T/dtz.db" "$W"
expect 0 "dump --db in UTC" "$EVTXHUNT" dump -q --db "$T/dutc.db" "$W"
"$PY" - "$T/dtz.db" "$T/dutc.db" <<'PYEOF' && ok "dump: database stays UTC" || fail "dump: database changed by --tz"
import sqlite3, sys
def rows(p):
    return sqlite3.connect(p).execute("SELECT * FROM events ORDER BY 1").fetchall()
assert rows(sys.argv[1]) == rows(sys.argv[2])
PYEOF

finish
