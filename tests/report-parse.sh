#!/bin/sh
# report-parse.sh -- the machine-readable reports read back by real parsers:
# CSV by Python's csv module (RFC 4180: fixed header, same column count on
# every row, inert formulas), JSON Lines and Timesketch lines by Python's
# json module (header/finding/summary types, the documented keys), the
# HTML page's data block by json after undoing nothing (it must parse as
# is).  Runs on the hostile fixture and on the generated testdata.
# Skips (77) without python3.
set -eu
PY=${PYTHON3:-$(command -v python3 || true)}
[ -n "$PY" ] || { echo "SKIP: no python3"; exit 77; }
SAMPLE=${top_builddir:-.}/tests/report-sample
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

check() {	# label, extra args...
	label=$1; shift
	for fmt in csv jsonl timesketch html navigator; do
		"$SAMPLE" "$@" "$fmt" ${PATHS:-} >"$tmp/out.$fmt"
	done
	"$PY" - "$tmp" "$label" <<'PYEOF'
import csv, json, sys, re
d, label = sys.argv[1], sys.argv[2]
COLS = ["time", "computer", "source", "level", "title", "rule_id", "tags",
        "event_id", "image", "command_line", "parent_image",
        "parent_command_line", "user", "process_guid", "pid", "record_id",
        "file"]
def fail(msg):
    print("FAIL %s: %s" % (label, msg)); sys.exit(1)
raw = open(d + "/out.csv", "rb").read()
if b"\x1b" in raw: fail("ESC in CSV")
rows = list(csv.reader(open(d + "/out.csv", newline="", encoding="utf-8")))
if rows[0][:len(COLS)] != COLS: fail("CSV header %r" % rows[0])
for r in rows[1:]:
    if len(r) != len(rows[0]): fail("CSV row of %d cells" % len(r))
    for c in r:
        if c[:1] in ("=", "+", "-", "@", "\t", "\r"): fail("live formula %r" % c)
    if r[2] not in ("", "rule", "baseline", "rule+baseline"): fail("source %r" % r[2])
    if not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$", r[0]): fail("time %r" % r[0])
lines = open(d + "/out.jsonl", encoding="utf-8").read().split("\n")
if lines[-1] != "": fail("jsonl does not end in a newline")
objs = [json.loads(l) for l in lines[:-1]]
if objs[0]["type"] != "header" or objs[-1]["type"] != "summary": fail("jsonl framing")
for k in ("files", "coverage", "tampering", "rules", "time_range"):
    if k not in objs[0]: fail("header lacks %s" % k)
items = objs[1:-1]
for o in items:
    if o["type"] not in ("finding", "event"): fail("type %r" % o["type"])
    for k in COLS:
        if k not in o: fail("jsonl lacks key %s" % k)
    if o["type"] == "finding" and not o["reasons"]: fail("finding without reasons")
# CSV and HTML: one entry per group of identical findings (every event
# with -a); jsonl: every finding, each with its group
all_events = objs[0]["all_events"]
entries, seen, members = [], set(), {}
for o in items:
    g = o.get("group")
    if o["type"] == "finding" and g is None: fail("finding without group")
    if g is not None:
        members[g] = members.get(g, 0) + 1
    if all_events or g not in seen:
        entries.append(o)
    seen.add(g)
for o in items:
    if o.get("group") is not None and o["group_count"] != members[o["group"]]:
        fail("group %d: count %d, %d members" % (o["group"], o["group_count"], members[o["group"]]))
if objs[0]["findings"] != sum(members.values()): fail("header findings")
if len(entries) != len(rows) - 1: fail("jsonl %d entries, csv %d rows" % (len(entries), len(rows) - 1))
ci = rows[0].index("count")
for o, r in zip(entries, rows[1:]):
    if o.get("group") is not None and r[ci] != str(o["group_count"]): fail("csv count %r" % r[ci])
for o, r in zip(entries, rows[1:]):
    cmd = o["command_line"]
    if cmd is not None and not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffd]", cmd) and r[9] != (("'" + cmd) if cmd[:1] in "=+-@\t\r" and cmd else cmd):
        fail("CSV and JSON disagree: %r %r" % (r[9], o["command_line"]))
ts = [json.loads(l) for l in open(d + "/out.timesketch", encoding="utf-8")]
if len(ts) != len(items): fail("timesketch count")
for o in ts:
    for k in ("message", "datetime", "timestamp_desc", "timestamp"):
        if k not in o: fail("timesketch lacks %s" % k)
    if not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$", o["datetime"]): fail("datetime %r" % o["datetime"])
html = open(d + "/out.html", encoding="utf-8").read()
m = re.search(r'<script type="application/json" id="evh-data">(.*?)</script>', html, re.S)
if not m: fail("no data block")
data = json.loads(m.group(1))
if len(data["items"]) != len(entries): fail("html items")
if re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', html, re.I): fail("external reference")
# the ATT&CK Navigator layer: one technique per by_technique row, scored
# by its findings, with a comment naming its rules
nav = json.load(open(d + "/out.navigator", encoding="utf-8"))
if nav["versions"]["layer"] != "4.5" or nav["domain"] != "enterprise-attack": fail("layer header")
want = {x["technique"]: x["count"] for x in objs[-1]["by_technique"]}
got = {x["techniqueID"]: x["score"] for x in nav["techniques"]}
if got != want: fail("navigator scores %r, summary %r" % (got, want))
for x in nav["techniques"]:
    if not re.match(r"^T\d{4}(\.\d{3})?$", x["techniqueID"]): fail("techniqueID %r" % x["techniqueID"])
    if not x["comment"].startswith("%d finding" % x["score"]): fail("comment %r" % x["comment"])
if got and nav["gradient"]["maxValue"] != max(got.values()): fail("gradient")
print("ok %s: %d rows" % (label, len(items)))
PYEOF
}

PATHS= check fixture
PATHS= check fixture-all -a
if ls "$top_srcdir"/testdata/*.evtx >/dev/null 2>&1; then
	PATHS="$top_srcdir/testdata" check testdata
	PATHS="$top_srcdir/testdata" check testdata-all -a
fi
