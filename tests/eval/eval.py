#!/usr/bin/env python3
# tests/eval/eval.py -- score evtxhunt's detection against labelled records.
#
# usage: eval.py --evtxhunt BIN --corpus DIR --labels FILE [--clean FILE]
#                [--rules DIR] [--sigma DIR] [--jobs N] [--detail]
#
# Scans the labelled files together once per configuration and prints, per
# configuration and per binary, how many in-scope malicious executions get a
# finding at low or above (recall) and how many benign ones get a finding at
# medium or above; then the findings (medium and above, and informational)
# on the attack-free files named by --clean.  A finding counts for a label
# when it is on the labelled record, or (Sysmon) on a network connection or
# image load of the labelled process.  Configurations that need --sigma are
# left out without it.  See tests/eval/README.
import argparse
import json
import os
import subprocess
import sys

LEVELS = ["informational", "low", "medium", "high", "critical"]
RANK = {n: i for i, n in enumerate(LEVELS)}
LOW, MEDIUM = RANK["low"], RANK["medium"]


def die(msg):
    print("eval: " + msg, file=sys.stderr)
    sys.exit(2)


def read_labels(path):
    labels = []
    header = None
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if header is None:
                header = cols
                continue
            if len(cols) != 7:
                die("%s:%d: %d columns, expected 7" % (path, n, len(cols)))
            p, rec, binary, tech, verdict, scope, why = cols
            if verdict not in ("malicious", "benign"):
                die("%s:%d: label '%s' is not malicious or benign" %
                    (path, n, verdict))
            if scope not in ("yes", "no"):
                die("%s:%d: in_scope '%s' is not yes or no" % (path, n, scope))
            if not rec.isdigit():
                die("%s:%d: record id '%s' is not a number" % (path, n, rec))
            if not why.strip():
                die("%s:%d: no reason given" % (path, n))
            labels.append({"path": p, "record_id": int(rec),
                           "binary": binary.lower(), "technique": tech,
                           "malicious": verdict == "malicious",
                           "in_scope": scope == "yes", "line": n})
    keys = [(l["path"], l["record_id"]) for l in labels]
    if len(set(keys)) != len(keys):
        die("%s: a record is labelled twice" % path)
    return labels


def read_clean(path, corpus):
    """The files under `corpus` whose relative path starts with one of the
    prefixes listed in `path` and with none of its '!' prefixes."""
    inc, exc = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            (exc if line.startswith("!") else inc).append(line.lstrip("!"))
    files = []
    for d, _, names in os.walk(corpus):
        for n in names:
            p = os.path.relpath(os.path.join(d, n), corpus)
            if p.endswith(".evtx") and \
                    any(p.startswith(x) for x in inc) and \
                    not any(p.startswith(x) for x in exc):
                files.append(p)
    return sorted(files)


def jsonl(cmd, cwd):
    r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if r.returncode not in (0, 1):
        die("%s: exit %d: %s" % (" ".join(cmd[:3]), r.returncode,
                                 r.stderr.decode(errors="replace").strip()))
    for line in r.stdout.decode("utf-8").splitlines():
        if line:
            yield json.loads(line)


def ident(o):
    return (o.get("computer"), o.get("channel"), o.get("event_id"),
            o.get("record_id"), o.get("time"))


def resolve(labels, bin_, corpus, jobs):
    """Each label's event identity and Sysmon process guid, from dumping
    its file alone (a scan of many files keeps one copy of a record that
    several files hold, under whichever file sorts first)."""
    byfile = {}
    for l in labels:
        byfile.setdefault(l["path"], []).append(l)
    for p, ls in sorted(byfile.items()):
        if not os.path.isfile(os.path.join(corpus, p)):
            die("%s: not in the corpus" % p)
        recs = {}
        for o in jsonl([bin_, "dump", "-q", "-j", str(jobs), "-f", "jsonl",
                        "--", p], corpus):
            if o.get("kind") == "process":
                recs[o["record_id"]] = o
        for l in ls:
            o = recs.get(l["record_id"])
            if o is None:
                die("%s: record %d is not a process event" %
                    (p, l["record_id"]))
            l["ident"] = ident(o)
            l["guid"] = o.get("process_guid") if o.get("event_id") == 1 \
                else None
    return sorted(byfile)


def scan(bin_, args, files, corpus, jobs):
    """{identity: level} and {process guid: level} of the findings."""
    byev, byproc = {}, {}
    cmd = [bin_, "scan", "-q", "-j", str(jobs), "-f", "jsonl", "-l",
           "informational"] + args + ["--"] + files
    for o in jsonl(cmd, corpus):
        if o.get("type") != "finding":
            continue
        lv = RANK.get(o.get("level"), -1)
        k = ident(o)
        byev[k] = max(byev.get(k, -1), lv)
        if o.get("kind") in ("network", "image_load"):
            g = o.get("process_guid") or \
                ((o.get("context") or {}).get("process") or {}).get(
                    "process_guid")
            if g:
                byproc[g] = max(byproc.get(g, -1), lv)
    return byev, byproc


def clean_counts(bin_, args, files, corpus, jobs):
    med = info = 0
    if not files:
        return 0, 0
    cmd = [bin_, "scan", "-q", "-j", str(jobs), "-f", "jsonl", "-l",
           "informational"] + args + ["--"] + files
    for o in jsonl(cmd, corpus):
        if o.get("type") != "finding":
            continue
        lv = RANK.get(o.get("level"), -1)
        if lv >= MEDIUM:
            med += 1
        elif lv == 0:
            info += 1
    return med, info


def pct(a, b):
    return "%d / %d (%d %%)" % (a, b, round(100.0 * a / b)) if b else "0 / 0"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--evtxhunt", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--labels", required=True)
    ap.add_argument("--clean")
    ap.add_argument("--rules")
    ap.add_argument("--sigma")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--detail", action="store_true",
                    help="every label's outcome in every configuration")
    a = ap.parse_args()
    bin_ = os.path.abspath(a.evtxhunt)
    labels = read_labels(a.labels)
    files = resolve(labels, bin_, a.corpus, a.jobs)
    clean = read_clean(a.clean, a.corpus) if a.clean else []
    shipped = ["-r", os.path.abspath(a.rules)] if a.rules else []
    configs = [("shipped rules + self-baseline (the default)", shipped),
               ("baselines alone (--no-rules)", ["--no-rules"] + shipped)]
    if a.sigma:
        sig = ["-r", os.path.abspath(a.sigma)]
        configs += [("SigmaHQ rules alone (--no-baseline)",
                     ["--no-baseline"] + sig),
                    ("shipped + SigmaHQ + self-baseline", shipped + sig)]

    mal = [l for l in labels if l["malicious"] and l["in_scope"]]
    ben = [l for l in labels if not l["malicious"]]
    print("labels: %d in-scope malicious, %d benign, %d out of scope, "
          "in %d files; attack-free files: %d" %
          (len(mal), len(ben), len(labels) - len(mal) - len(ben),
           len(files), len(clean)))
    print()
    print("| configuration | in-scope malicious flagged (low+) | "
          "benign flagged (medium+) | attack-free medium+ | "
          "attack-free informational |")
    print("|---|---|---|---|---|")
    results = []
    for name, args in configs:
        byev, byproc = scan(bin_, args, files, a.corpus, a.jobs)
        hit = {}
        for l in labels:
            lv, via = byev.get(l["ident"], -1), "record"
            if l["guid"] and byproc.get(l["guid"], -1) > lv:
                lv, via = byproc[l["guid"]], "its connection or image load"
            hit[id(l)] = (lv, via)
        m = sum(1 for l in mal if hit[id(l)][0] >= LOW)
        b = sum(1 for l in ben if hit[id(l)][0] >= MEDIUM)
        med, info = clean_counts(bin_, args, clean, a.corpus, a.jobs)
        results.append((name, hit))
        print("| %s | %s | %d / %d | %d | %d |" %
              (name, pct(m, len(mal)), b, len(ben), med, info))
    print()
    bins = sorted(set(l["binary"] for l in mal + ben))
    print("per binary: in-scope malicious flagged (low+) / benign flagged "
          "(medium+)")
    print()
    print("| binary | " + " | ".join(n.split(" (")[0] for n, _ in results)
          + " |")
    print("|---|" + "---|" * len(results))
    for bn in bins:
        cells = []
        for _, hit in results:
            mm = [l for l in mal if l["binary"] == bn]
            bb = [l for l in ben if l["binary"] == bn]
            cells.append("%d/%d mal, %d/%d ben" % (
                sum(1 for l in mm if hit[id(l)][0] >= LOW), len(mm),
                sum(1 for l in bb if hit[id(l)][0] >= MEDIUM), len(bb)))
        print("| %s | %s |" % (bn, " | ".join(cells)))
    if a.detail:
        for name, hit in results:
            print()
            print("%s:" % name)
            for l in labels:
                lv, via = hit[id(l)]
                if not l["in_scope"]:
                    what = "out of scope"
                elif l["malicious"]:
                    what = "flagged" if lv >= LOW else "MISSED"
                else:
                    what = "FLAGGED" if lv >= MEDIUM else "left alone"
                found = "%s on %s" % (LEVELS[lv], via) if lv >= 0 \
                    else "no finding"
                print("  %-12s %s #%d (%s, %s): %s" %
                      (what, l["path"], l["record_id"], l["binary"],
                       "malicious" if l["malicious"] else "benign", found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
