#!/bin/sh
# corpus-spot.sh -- spot check of field values: for a sample of corpus
# files with Security 4688 or Sysmon 1 records, every such record read
# through the reader interface (tests/readcount -d) has the same System
# fields and the same EventData names and values, in order, as the XML
# `evtxexport -f xml` prints for it.
#
# PARSER=native|libevtx selects the parser (default libevtx).  Skips (77)
# without SHARED_DIR, evtxexport or python3.
set -u
if [ -z "${SHARED_DIR:-}" ]; then
	echo "SHARED_DIR not set: no corpus, skipping"
	exit 77
fi
py=${PYTHON3:-}
[ -n "$py" ] || py=$(command -v python3 || true)
if [ -z "${EVTXEXPORT:-}" ] || [ -z "$py" ]; then
	echo "evtxexport or python3 missing: skipping"
	exit 77
fi
parser=${PARSER:-libevtx}
readcount=$top_builddir/tests/readcount
work=$(mktemp -d "${TMPDIR:-/tmp}/corpus-spot.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

corpus=$(flock "$top_builddir/test-corpus.lock" \
    "$SHARED_DIR/tools/unpack-corpus" "$top_builddir/test-corpus") || {
	echo "cannot unpack the corpus"
	exit 1
}

# The sample: files evtxexport reads to the end (its status 0) with 4688
# or Sysmon 1 records; every 4th of them, and at most 40.
awk -F '\t' 'NR > 1 && $13 == 0 && ($15 > 0 || $16 > 0) { print $1 }' \
    "$corpus/manifest.tsv" | awk 'NR % 4 == 1' | head -40 >"$work/files"
n=$(wc -l <"$work/files")
if [ "$n" -lt 5 ]; then
	echo "only $n sample files"
	exit 1
fi

# Renders evtxexport's XML in readcount -d form, only for 4688 / Sysmon 1.
cat >"$work/xml2dump.py" <<'EOF'
import re, sys
import xml.etree.ElementTree as ET

WANT = {("Microsoft-Windows-Security-Auditing", "4688"),
        ("Microsoft-Windows-Sysmon", "1")}

def esc(s):
    return (s.replace("\\", "\\\\").replace("\t", "\\t")
            .replace("\r", "\\r").replace("\n", "\\n"))

def canon(v):
    # evtxhunt's canonical form (evtxhunt-db(5)): hex integers unpadded,
    # as Windows renders them; evtxexport pads them to 8 or 16 digits
    m = re.fullmatch(r"0x(0[0-9a-fA-F]{7}|0[0-9a-fA-F]{15})", v)
    return "0x" + (m.group(1).lstrip("0") or "0") if m else v

def local(tag):
    return tag.rsplit("}", 1)[-1]

def iso(t):
    # 2017-12-26T13:10:29.136879200Z -> 7 fractional digits
    m = re.match(r"(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$", t)
    return "%s.%sZ" % (m.group(1), ((m.group(2) or "") + "0" * 7)[:7])

text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
for block in re.findall(r"<Event .*?</Event>", text, re.S):
    ev = ET.fromstring(block)
    sysel = [c for c in ev if local(c.tag) == "System"][0]
    f = {local(c.tag): c for c in sysel}
    prov = f["Provider"].get("Name", "")
    eid = (f["EventID"].text or "").strip()
    if (prov, eid) not in WANT:
        continue
    sec = f.get("Security")
    sid = sec.get("UserID") if sec is not None else None
    print("R\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t0" % (
        f["EventRecordID"].text, eid,
        f["Version"].text if "Version" in f else "0",
        iso(f["TimeCreated"].get("SystemTime")), esc(prov),
        esc(f["Channel"].text or ""), esc(f["Computer"].text or ""),
        esc(sid) if sid is not None else "-"))
    for sect in ev:
        if local(sect.tag) != "EventData":
            continue
        for d in sect:
            if local(d.tag) == "Data":
                print("D\t%s\t%s" % (esc(d.get("Name", "")),
                                     esc(canon(d.text or ""))))
EOF

fail=0 recs=0
i=0
while IFS= read -r f; do
	i=$((i + 1))
	"$EVTXEXPORT" -f xml "$corpus/$f" >"$work/$i.xml" 2>/dev/null
	"$py" "$work/xml2dump.py" "$work/$i.xml" >"$work/$i.want" || {
		echo "$f: cannot parse evtxexport's output"
		fail=$((fail + 1))
		continue
	}
	"$readcount" --parser "$parser" -d "$corpus/$f" 2>/dev/null |
	    awk -F '\t' '
		$1 == "R" { keep = ($3 == 4688 && $6 == "Microsoft-Windows-Security-Auditing") ||
		    ($3 == 1 && $6 == "Microsoft-Windows-Sysmon") }
		keep' >"$work/$i.got"
	if ! cmp -s "$work/$i.want" "$work/$i.got"; then
		echo "$f: fields differ from evtxexport:"
		diff "$work/$i.want" "$work/$i.got" | head -10
		fail=$((fail + 1))
	fi
	recs=$((recs + $(grep -c '^R' "$work/$i.want")))
done <"$work/files"
echo "$n files, $recs records of 4688 / Sysmon 1 compared, $fail differ"
[ "$fail" -eq 0 ] && [ "$recs" -gt 0 ]
