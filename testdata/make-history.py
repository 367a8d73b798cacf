#!/usr/bin/env python3
"""make-history.py -- writes testdata/spec/history-fleet.spec: a month of
benign use of watched binaries on six hosts (Sysmon 1), the known-good
history that `evtxhunt baseline learn` turns into a baseline, against
which the attacks in the other sample files stand out.  Deterministic:
the same spec every run.  Regenerate the .evtx with tests/gen-testdata.sh.
"""
import random

rng = random.Random(1218)
hosts = ["HR%02d.corp.local" % i for i in range(1, 7)]
users = ["CORP\\amy", "CORP\\ben", "CORP\\chen", "CORP\\dana", "CORP\\eli", "CORP\\fay"]
SYS32 = "C:\\Windows\\System32\\"

# (image, original name, parent image, parent command line, command lines)
uses = [
    ("rundll32.exe", "RUNDLL32.EXE", "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE",
     ['"C:\\Windows\\system32\\rundll32.exe" C:\\Windows\\system32\\shell32.dll,Control_RunDLL C:\\Windows\\system32\\desk.cpl',
      '"C:\\Windows\\system32\\rundll32.exe" C:\\Windows\\system32\\shell32.dll,Control_RunDLL C:\\Windows\\system32\\main.cpl,,2',
      'C:\\Windows\\system32\\rundll32.exe printui.dll,PrintUIEntry /in /n\\\\printsrv.corp.local\\floor{n}']),
    ("regsvr32.exe", "REGSVR32.EXE", SYS32 + "msiexec.exe", "C:\\Windows\\system32\\msiexec.exe /V",
     ['"C:\\Windows\\system32\\regsvr32.exe" /s "C:\\Program Files\\Common Files\\Contoso\\viewer{n}.dll"',
      'regsvr32.exe /s "C:\\Program Files (x86)\\Contoso\\Office Addin\\addin.dll"']),
    ("certutil.exe", "CertUtil.exe", SYS32 + "cmd.exe", '"C:\\Windows\\system32\\cmd.exe"',
     ['certutil -hashfile C:\\Users\\{u}\\Downloads\\setup-{n}.iso SHA256',
      'certutil.exe -store my']),
    ("msiexec.exe", "msiexec.exe", SYS32 + "svchost.exe", "C:\\Windows\\system32\\svchost.exe -k netsvcs -p",
     ['C:\\Windows\\system32\\msiexec.exe /i "C:\\ProgramData\\Contoso\\Packages\\agent-{n}.msi" /qn',
      'C:\\Windows\\System32\\MsiExec.exe -Embedding 5A3B{n}C1D2E3F4A5B6C7D8E9F0A1B2C3D4 C']),
    ("cscript.exe", "cscript.exe", SYS32 + "cmd.exe", '"C:\\Windows\\system32\\cmd.exe"',
     ['cscript.exe //nologo C:\\Windows\\System32\\slmgr.vbs /dli',
      'cscript //nologo "C:\\Program Files\\Microsoft Office\\Office16\\ospp.vbs" /dstatus']),
    ("wmic.exe", "wmic.exe", SYS32 + "cmd.exe", '"C:\\Windows\\system32\\cmd.exe"',
     ['wmic os get caption,version', 'wmic logicaldisk get size,freespace',
      'wmic product where "name like \'Contoso%\'" get version']),
    ("msbuild.exe", "MSBuild.exe",
     "C:\\Program Files\\Microsoft Visual Studio\\2022\\Professional\\Common7\\IDE\\devenv.exe",
     '"C:\\Program Files\\Microsoft Visual Studio\\2022\\Professional\\Common7\\IDE\\devenv.exe"',
     ['"C:\\Program Files\\Microsoft Visual Studio\\2022\\Professional\\MSBuild\\Current\\Bin\\MSBuild.exe" C:\\src\\app{n}\\app.sln /t:Build /p:Configuration=Release /m']),
    ("rundll32.exe", "RUNDLL32.EXE", "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE",
     ['"C:\\Windows\\system32\\rundll32.exe" shell32.dll,Control_RunDLL desk.cpl',
      '"C:\\Windows\\system32\\rundll32.exe" shell32.dll,Control_RunDLL C:\\Windows\\System32\\appwiz.cpl']),
    ("msiexec.exe", "msiexec.exe", SYS32 + "WindowsPowerShell\\v1.0\\powershell.exe", "powershell.exe -NoProfile",
     ['"C:\\Windows\\system32\\msiexec.exe" /i C:\\Users\\{u}\\Downloads\\tool-{n}.msi /qn']),
    ("msiexec.exe", "msiexec.exe", SYS32 + "services.exe", "C:\\Windows\\System32\\services.exe",
     ['C:\\Windows\\system32\\msiexec.exe /V']),
    ("certutil.exe", "CertUtil.exe", SYS32 + "WindowsPowerShell\\v1.0\\powershell.exe", "powershell.exe -NoProfile",
     ['certutil.exe -hashfile C:\\Users\\{u}\\Downloads\\tool-{n}.zip SHA256',
      'certutil.exe -hashfile D:\\Backups\\db-2024-02-1{n}.bak SHA256']),
    ("msbuild.exe", "MSBuild.exe",
     "C:\\Program Files (x86)\\Microsoft Visual Studio\\2019\\Professional\\Common7\\IDE\\devenv.exe",
     '"C:\\Program Files (x86)\\Microsoft Visual Studio\\2019\\Professional\\Common7\\IDE\\devenv.exe"',
     ['"C:\\Program Files (x86)\\Microsoft Visual Studio\\2019\\Professional\\MSBuild\\Current\\Bin\\MSBuild.exe" C:\\src\\app{n}\\app.sln /nologo /t:Build /p:Configuration=Release /m',
      '"C:\\Program Files (x86)\\Microsoft Visual Studio\\2019\\Professional\\MSBuild\\Current\\Bin\\MSBuild.exe" C:\\src\\app{n}\\app.sln /nologo /t:Rebuild /p:Configuration=Debug /m']),
    ("powershell.exe", "PowerShell.EXE", SYS32 + "cmd.exe", '"C:\\Windows\\system32\\cmd.exe"',
     ['powershell.exe -NoProfile', 'powershell.exe']),
    ("mshta.exe", "MSHTA.EXE", "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE",
     ['"C:\\Windows\\System32\\mshta.exe" "C:\\Program Files\\Contoso\\Help\\welcome.hta"']),
]
image_dir = {"msbuild.exe": "C:\\Program Files\\Microsoft Visual Studio\\2022\\Professional\\MSBuild\\Current\\Bin\\",
             "powershell.exe": SYS32 + "WindowsPowerShell\\v1.0\\"}

out = ["# history-fleet.spec -- written by testdata/make-history.py: a month of",
       "# benign use of watched binaries on six hosts (the baseline demo)",
       "output history/fleet.evtx", "file chunk-limit 60000", ""]
rid = 1000
seq = 0
base_day = 1  # 2024-02-01 .. 2024-02-28
for day in range(1, 29):
    for h, host in enumerate(hosts):
        todays = rng.sample(range(len(uses)), 4)
        for k in todays:
            img, orig, pimg, pcmd, cmds = uses[k]
            seq += 1
            rid += 1
            u = users[h]
            cmd = rng.choice(cmds).replace("{n}", str(rng.randint(1, 9))).replace("{u}", u.split("\\")[1])
            t = "2024-02-%02dT%02d:%02d:%02d.%07dZ" % (day, 8 + rng.randint(0, 9), rng.randint(0, 59),
                                                      rng.randint(0, 59), rng.randint(0, 9999999))
            pid = 2000 + seq % 6000
            guid = "{B1C2D3E4-%04X-%04X-0000-0010%08X}" % (h, day, seq)
            pguid = "{B1C2D3E4-%04X-%04X-0000-0020%08X}" % (h, day, seq)
            out += ["record", "provider sysmon", "eventid 1", "version 5", "time " + t,
                    "recordid %d" % rid, "pid 2812", "tid 3656",
                    "channel Microsoft-Windows-Sysmon/Operational", "computer " + host,
                    "user S-1-5-18", "data RuleName=-",
                    "data UtcTime=" + t[:10] + " " + t[11:23],
                    "data ProcessGuid=" + guid, "data ProcessId=%d" % pid,
                    "data Image=" + image_dir.get(img, SYS32) + img,
                    "data FileVersion=10.0.19041.1", "data Description=-",
                    "data Product=Microsoft Windows Operating System",
                    "data Company=Microsoft Corporation",
                    "data OriginalFileName=" + orig, "data CommandLine=" + cmd,
                    "data CurrentDirectory=C:\\Users\\%s\\" % u.split("\\")[1],
                    "data User=" + u,
                    "data LogonGuid={B1C2D3E4-0000-0000-0000-00000000%04X}" % h,
                    "data LogonId=0x%x" % (0x5a000 + h), "data TerminalSessionId=1",
                    "data IntegrityLevel=Medium",
                    "data Hashes=SHA1=%040X,MD5=%032X,SHA256=%064X,IMPHASH=%032X" % (k, k, k, k),
                    "data ParentProcessGuid=" + pguid, "data ParentProcessId=%d" % (pid + 1),
                    "data ParentImage=" + pimg, "data ParentCommandLine=" + pcmd,
                    "data ParentUser=" + u, ""]
open("testdata/spec/history-fleet.spec", "w").write("\n".join(out))
