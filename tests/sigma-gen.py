#!/usr/bin/env python3
# tests/sigma-gen.py -- generated positive and negative samples for
# SigmaHQ's Windows rules: every log source, the many SigmaHQ ships no
# regression test for among them.
#
# usage: sigma-gen.py SIGMA_FULL EVTXGEN EVTXHUNT WORKDIR [CATEGORY...]
#
# For every rule of those log sources whose detection this generator
# understands (below), it writes two records into one .evtx per log
# source with the project's EVTX writer:
#   positive  the rule's log source (provider, channel and EventID as
#             SigmaHQ's tests/thor.yml maps categories, the channel
#             evtxhunt gives a service) with a value for every field of
#             one way through the rule's selections that satisfies it;
#   negative  the same record with every one of those values replaced by
#             one that satisfies none of them.
# Then `evtxhunt scan` with all those rules must give each positive
# record a finding of its rule and each negative record none: the log
# source mapping, the reader, the normalisation (script blocks, services,
# DNS, ...) and the matcher are checked end to end, rule by rule.
#
# Understood: selections that are maps (or lists of maps: the first),
# string, number and null values (lists: the first; |all: every one;
# several selections on one field are met at once where one string can),
# the modifiers contains, startswith, endswith, all, windash, cased,
# exists; conditions built of selection names, "1 of X*", "all of X*",
# "all of them", "and", "or", parentheses and "not".  A negated
# selection (a filter) must be false on the positive: the generator
# checks that with its own small matcher and leaves out a rule whose
# filter the positive would meet.  Fields a pattern of wildcards alone
# selects are left out of the negative.  Rules outside that (keywords,
# regexes, base64, cidr, fieldref, numeric comparisons, correlations,
# filters on the log source) are counted as not generated, by reason.
#
# The channel of a service is evtxhunt's own (src/sigma/logsrc.c), so
# this checks categories' mapping against thor.yml, and services'
# channels only for being used consistently.
#
# Exit status: 0 when every generated rule passed, 1 when one failed
# (each failure is printed), 2 on a usage or setup error.
import glob
import json
import os
import re
import subprocess
import sys

import yaml

# no letter of a hex digit, no digit: '?' wildcards rarely fit it
NEG = '~zqz~'
NEG_EID = 59999

# what thor.yml does not say: providers of the classes evtxhunt models
# (the channel of a service is evtxhunt's, src/sigma/logsrc.c)
SERVICE_DEFAULT = {
    'security': ('Microsoft-Windows-Security-Auditing', 'Security'),
    'system': ('Service Control Manager', 'System'),
    'application': ('Application Error', 'Application'),
    'powershell': ('Microsoft-Windows-PowerShell',
                   'Microsoft-Windows-PowerShell/Operational'),
    'powershell-classic': ('PowerShell', 'Windows PowerShell'),
    'sysmon': ('Microsoft-Windows-Sysmon',
               'Microsoft-Windows-Sysmon/Operational'),
    'taskscheduler': ('Microsoft-Windows-TaskScheduler',
                      'Microsoft-Windows-TaskScheduler/Operational'),
    'wmi': ('Microsoft-Windows-WMI-Activity',
            'Microsoft-Windows-WMI-Activity/Operational'),
}


class Skip(Exception):
    pass


def logsrc_channels(src):
    """service name -> its first channel, from src/sigma/logsrc.c"""
    text = open(src, encoding='utf-8').read()
    out = {}
    for m in re.finditer(r'\{\s*"([a-z0-9-]+)",\s*\{([^}]*)\}', text):
        # C joins adjacent literals: the first channel is the literals
        # before the first comma
        first = m.group(2).split('",')[0] + '"'
        chan = ''.join(re.findall(r'"([^"]*)"', first))
        if chan:
            out.setdefault(m.group(1), chan)
    return out


def thor_categories(path):
    """category -> [(EventID, extra conditions, service)]"""
    t = yaml.safe_load(open(path, encoding='utf-8'))
    out = {}
    for v in t['logsources'].values():
        if v.get('product') != 'windows' or 'category' not in v:
            continue
        cond = dict(v.get('conditions') or {})
        eid = cond.pop('EventID', None)
        svc = (v.get('rewrite') or {}).get('service')
        out.setdefault(v['category'], []).append((eid, cond, svc))
    return out


def unwild(s):
    """a string that a Sigma pattern with wildcards matches"""
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == '\\' and i + 1 < len(s) and s[i + 1] in '*?\\':
            out.append(s[i + 1])
            i += 2
            continue
        if c == '*':
            pass
        elif c == '?':
            out.append('x')
        else:
            out.append(c)
        i += 1
    return ''.join(out)


def value_for(field, mods, values):
    """what field|mods: values asks of a value: a list of (kind, text),
    kind eq, contains, start, end or any; None: the field is absent"""
    known = {'contains', 'startswith', 'endswith', 'all', 'windash',
             'cased', 'exists'}
    for m in mods:
        if m not in known:
            raise Skip('modifier ' + m)
    if not isinstance(values, list):
        values = [values]
    if 'exists' in mods:
        if values and values[0] is True:
            return [('any', '')]
        raise Skip('exists: false')
    if any(isinstance(v, (dict, list)) for v in values):
        raise Skip('nested value')
    if any(v is None for v in values):
        if len(values) == 1:
            return None
        values = [v for v in values if v is not None]
    if not values:
        raise Skip('empty value list')
    strs = []
    for v in values:
        if isinstance(v, bool):
            raise Skip('boolean value')
        strs.append(unwild(str(v)))
    if any('\n' in s or '\r' in s for s in strs):
        raise Skip('line break in value')
    # windash: the pattern's own dash is one of the forms it matches
    kind = ('contains' if 'contains' in mods else 'start' if 'startswith'
            in mods else 'end' if 'endswith' in mods else 'eq')
    if 'all' in mods:
        return [(kind, x) for x in strs]
    return [(kind, strs[0])]


def synth(cons):
    """one string meeting every constraint of cons, or Skip"""
    eq = {t for k, t in cons if k == 'eq'}
    if len(eq) > 1:
        raise Skip('one field, two values')
    start = [t for k, t in cons if k == 'start']
    end = [t for k, t in cons if k == 'end']
    mid = [t for k, t in cons if k == 'contains']
    if eq:
        v = eq.pop()
    elif len(start) > 1 or len(end) > 1:
        raise Skip('one field, two values')
    else:
        v = (start[0] if start else '') + 'gen ' + ' '.join(mid) + \
            ' gen' + (end[0] if end else '')
    low = v.lower()
    for k, t in cons:
        t = t.lower()
        if not (k == 'any' or (k == 'eq' and low == t) or
                (k == 'contains' and t in low) or
                (k == 'start' and low.startswith(t)) or
                (k == 'end' and low.endswith(t))):
            raise Skip('one field, two values')
    return v


def selection_fields(sel):
    """[(field, constraints or None)] satisfying selection sel"""
    if isinstance(sel, list):
        if not sel or not isinstance(sel[0], dict):
            raise Skip('keywords')
        sel = sel[0]
    if not isinstance(sel, dict):
        raise Skip('keywords')
    out = []
    for key, vals in sel.items():
        parts = str(key).split('|')
        field, mods = parts[0], parts[1:]
        if field == '':
            raise Skip('keywords')
        if 'all' in mods and not isinstance(vals, list):
            mods = [m for m in mods if m != 'all']
        if 'all' in mods and not ('contains' in mods):
            raise Skip('all without contains')
        out.append((field, value_for(field, mods, vals)))
    return out


def pattern_rx(pat, mods):
    """the regex of one Sigma value under mods"""
    out = []
    i = 0
    while i < len(pat):
        c = pat[i]
        if c == '\\' and i + 1 < len(pat) and pat[i + 1] in '*?\\':
            out.append(re.escape(pat[i + 1]))
            i += 2
            continue
        if c == '*':
            out.append('.*')
        elif c == '?':
            out.append('.')
        elif c == '-' and 'windash' in mods:
            out.append('[-/\u2013\u2014\u2015]')
        else:
            out.append(re.escape(c))
        i += 1
    rx = ''.join(out)
    if 'contains' in mods:
        rx = '.*' + rx + '.*'
    elif 'startswith' in mods:
        rx = rx + '.*'
    elif 'endswith' in mods:
        rx = '.*' + rx
    return re.compile(rx, re.S | (0 if 'cased' in mods else re.I))


def filter_fields(sel):
    """[(field, modifiers, values)] of a selection (lists of maps: all)"""
    maps = sel if isinstance(sel, list) else [sel]
    out = []
    for m in maps:
        if not isinstance(m, dict):
            raise Skip('filter not understood')
        for key, vals in m.items():
            parts = str(key).split('|')
            for mod in parts[1:]:
                if mod not in ('contains', 'startswith', 'endswith', 'all',
                               'windash', 'cased', 'exists'):
                    raise Skip('filter not understood')
            out.append((parts[0], parts[1:], vals))
    return out


def field_true(value, mods, vals):
    """whether a field of value (None: absent) matches mods: vals"""
    if not isinstance(vals, list):
        vals = [vals]
    if 'exists' in mods:
        return (value is not None) == bool(vals[0])
    hits = []
    for v in vals:
        if isinstance(v, (dict, list, bool)):
            raise Skip('filter not understood')
        if v is None:
            hits.append(value is None or value == '')
        else:
            hits.append(value is not None and
                        pattern_rx(str(v), mods).fullmatch(value)
                        is not None)
    return all(hits) if 'all' in mods else any(hits)


def sel_true(sel, fields):
    """whether selection sel holds on an event of fields"""
    maps = sel if isinstance(sel, list) else [sel]
    for m in maps:
        if not isinstance(m, dict) or not m:
            raise Skip('filter not understood')
        ok = True
        for key, vals in m.items():
            parts = str(key).split('|')
            filter_fields({key: vals})
            if not field_true(fields.get(parts[0]), parts[1:], vals):
                ok = False
        if ok:
            return True
    return False


TOKEN = re.compile(r'\s*(\(|\)|\bnot\b|\band\b|\bor\b|\b1 of\b|\ball of\b|'
                   r'[A-Za-z0-9_*]+)')


def tokens(cond):
    out = []
    pos = 0
    cond = cond.strip()
    while pos < len(cond):
        m = TOKEN.match(cond, pos)
        if not m:
            raise Skip('condition syntax')
        out.append(m.group(1))
        pos = m.end()
    return out


def names_of(pat, det):
    names = [k for k in det if k != 'condition']
    if pat == 'them':
        return names
    rx = re.compile('^' + re.escape(pat).replace('\\*', '.*') + '$')
    return [n for n in names if rx.match(n)]


def plan(cond, det):
    """a list of selection names whose union makes cond true, with no
    negated selection among them (None: cannot)"""
    toks = tokens(cond)
    pos = [0]

    def peek():
        return toks[pos[0]] if pos[0] < len(toks) else None

    def take():
        t = toks[pos[0]]
        pos[0] += 1
        return t

    # each parse returns (positive sets: list of alternatives, each a
    # set of names that must be true; negated names that must be false)
    def primary():
        t = peek()
        if t is None:
            raise Skip('condition syntax')
        if t == '(':
            take()
            r = expr_or()
            if take() != ')':
                raise Skip('condition syntax')
            return r
        if t == 'not':
            take()
            alts = primary()
            negs = set()
            for a in alts:
                negs |= a[0] | a[1]
            return [(set(), negs)]
        if t in ('1 of', 'all of'):
            take()
            names = names_of(take(), det)
            if not names:
                raise Skip('condition names nothing')
            if t == 'all of':
                return [(set(names), set())]
            return [({n}, set()) for n in names]
        take()
        if t not in det:
            raise Skip('condition names nothing')
        return [({t}, set())]

    def expr_and():
        alts = primary()
        while peek() == 'and':
            take()
            right = primary()
            alts = [(a[0] | b[0], a[1] | b[1]) for a in alts for b in right]
        return alts

    def expr_or():
        alts = expr_and()
        while peek() == 'or':
            take()
            alts = alts + expr_and()
        return alts

    alts = expr_or()
    if pos[0] != len(toks):
        raise Skip('condition syntax')
    for need, negs in alts:
        if need and not (need & negs):
            return need, negs
    raise Skip('no positive way through the condition')


def record_lines(rid, t, provider, channel, eid, fields):
    """the spec lines of one record"""
    lines = ['record', 'provider ' + provider, 'eventid %d' % eid,
             'time 2024-05-01T%02d:%02d:%02d.0000000Z' %
             (t // 3600 % 24, t // 60 % 60, t % 60),
             'recordid %d' % rid, 'channel ' + channel,
             'computer GEN.corp.local', 'user S-1-5-18']
    for name, value in fields:
        if name == 'Data':
            lines.append('data :str=' + value)
        else:
            lines.append('data %s:str=%s' % (name, value))
    return lines


def raw_values(det, names, field):
    """the plain values field takes in the selections names"""
    out = []
    for name in names:
        sel = det[name]
        for key, vals in (sel.items() if isinstance(sel, dict) else []):
            if key == field:
                out += vals if isinstance(vals, list) else [vals]
    return [str(v) for v in out]


def build(rule, det, cats, chans):
    ls = rule.get('logsource') or {}
    if ls.get('product') != 'windows':
        raise Skip('another product')
    cond = det.get('condition')
    if isinstance(cond, list):
        if len(cond) != 1:
            raise Skip('several conditions')
        cond = cond[0]
    if not isinstance(cond, str) or '|' in cond:
        raise Skip('aggregation')
    need, negs = plan(cond, det)
    fields = []
    for name in sorted(need):
        fields += selection_fields(det[name])
    cons = {}
    for f, c in fields:
        if c is None:
            if cons.get(f, None):
                raise Skip('one field, two values')
            cons[f] = None
        elif f in cons and cons[f] is None:
            raise Skip('one field, two values')
        else:
            cons.setdefault(f, []).extend(c)
    seen = {f: (None if c is None else synth(c)) for f, c in cons.items()}
    # the negated selections must stay false on the positive: a filter
    # on a field the positive sets, or one that tests a missing field,
    # makes the positive unpredictable
    sel_keys = set(seen)
    eid = seen.pop('EventID', None)
    provider = seen.pop('Provider_Name', None)
    channel = seen.pop('Channel', None)
    cat, svc = ls.get('category'), ls.get('service')
    if cat is not None:
        if cat not in cats:
            raise Skip('category without a thor.yml mapping')
        ids = [c for c in cats[cat] if eid is None or
               str(c[0]) == str(eid)]
        if not ids:
            raise Skip('EventID outside its category')
        cid, extra, svc2 = ids[0]
        eid = cid
        for k, v in extra.items():
            if k in seen and seen[k] != v:
                raise Skip('field against the category')
            seen[k] = v
        svc = svc or svc2
    if eid is None:
        raise Skip('no EventID')
    try:
        eid = int(str(eid))
    except ValueError:
        raise Skip('EventID not a number')
    dprov, dchan = SERVICE_DEFAULT.get(svc, (None, None))
    svc_chan = chans.get(svc, dchan)
    if channel is None:
        channel = svc_chan
    elif svc_chan is not None and channel != svc_chan:
        # a Channel list: the one of the rule's service, if listed
        listed = raw_values(det, need, 'Channel')
        if svc_chan not in listed:
            raise Skip('channel outside its service')
        channel = svc_chan
    if channel is None:
        raise Skip('service without a channel')
    if provider is None:
        provider = dprov or 'Microsoft-Windows-' + svc.title()
    # the negated selections (filters) must be false on the positive
    for name in sorted(negs):
        for f, m, v in filter_fields(det[name]):
            if f in ('EventID', 'Provider_Name', 'Channel'):
                raise Skip('filter on the log source')
        if sel_true(det[name], seen):
            raise Skip('a filter holds on the positive')
    pos = [(f, v) for f, v in seen.items() if v is not None]
    # the negative: the selected values replaced; a rule that selects
    # by its log source alone gets another EventID or provider
    # (a pattern of wildcards alone matches NEG too: that field is left
    # out of the negative)
    negf = {}
    for f, v in pos:
        if f not in sel_keys:
            negf[f] = v
        elif not any(field_true(NEG, m, vals) for name in need
                     for g, m, vals in filter_fields(det[name]) if g == f):
            negf[f] = NEG
    neg = list(negf.items())
    neg_eid, neg_prov = eid, provider
    if not any(f in sel_keys for f, v in neg):
        if 'EventID' in sel_keys:
            neg_eid = NEG_EID
        elif 'Provider_Name' in sel_keys:
            neg_prov = NEG
        else:
            raise Skip('nothing to negate')
    return (provider, channel, eid, pos), (neg_prov, channel, neg_eid, neg)


def rule_files(root):
    for sub in ('rules', 'rules-threat-hunting', 'rules-emerging-threats'):
        for p in sorted(glob.glob(os.path.join(root, sub, '**', '*.yml'),
                                  recursive=True)):
            yield p


def main():
    if len(sys.argv) < 5:
        print('usage: sigma-gen.py SIGMA_FULL EVTXGEN EVTXHUNT WORKDIR '
              '[CATEGORY...]', file=sys.stderr)
        return 2
    root, gen, evh, work = sys.argv[1:5]
    only = set(sys.argv[5:])
    srcdir = os.path.dirname(os.path.abspath(__file__))
    chans = logsrc_channels(os.path.join(srcdir, '..', 'src', 'sigma',
                                         'logsrc.c'))
    cats = thor_categories(os.path.join(root, 'tests', 'thor.yml'))
    rules = []
    for p in rule_files(root):
        try:
            docs = list(yaml.safe_load_all(open(p, encoding='utf-8')))
        except yaml.YAMLError:
            continue
        if len(docs) != 1 or not isinstance(docs[0], dict):
            continue
        r = docs[0]
        if 'detection' not in r or 'correlation' in r:
            continue
        ls = r.get('logsource') or {}
        src = ls.get('category') or ls.get('service')
        rules.append((p, r, src))
    os.makedirs(work, exist_ok=True)
    skipped = {}
    per_src = {}
    for p, r, src in rules:
        if only and src not in only:
            continue
        try:
            det = r['detection']
            if not isinstance(det, dict):
                raise Skip('detection not a map')
            pos, neg = build(r, det, cats, chans)
        except Skip as e:
            skipped[str(e)] = skipped.get(str(e), 0) + 1
            continue
        per_src.setdefault(src, []).append((p, r, pos, neg))
    failures = []
    total = 0
    for src in sorted(per_src):
        items = per_src[src]
        spec = os.path.join(work, src + '.spec')
        evtx = os.path.join(work, src + '.evtx')
        rdir = os.path.join(work, src + '-rules')
        os.makedirs(rdir, exist_ok=True)
        for f in glob.glob(os.path.join(rdir, '*.yml')):
            os.unlink(f)
        lines = ['# generated by tests/sigma-gen.py', 'output x.evtx']
        want = {}
        for k, (p, r, pos, neg) in enumerate(items):
            rid = 2 * k + 1
            lines += [''] + record_lines(rid, 2 * k, *pos)
            lines += [''] + record_lines(rid + 1, 2 * k + 1, *neg)
            want[rid] = (str(r['id']), True, p)
            want[rid + 1] = (str(r['id']), False, p)
            with open(os.path.join(rdir, '%04d.yml' % k), 'w',
                      encoding='utf-8') as out:
                out.write(open(p, encoding='utf-8').read())
        with open(spec, 'w', encoding='utf-8') as out:
            out.write('\n'.join(lines) + '\n')
        g = subprocess.run([gen, spec, evtx], capture_output=True,
                           text=True)
        if g.returncode != 0:
            print('FAIL %s: evtxgen: %s' % (src, g.stderr.strip()))
            failures.append(src)
            continue
        s = subprocess.run([evh, 'scan', '-q', '-f', 'jsonl', '--no-group',
                            '--no-baseline', '--all-rules', '-l',
                            'informational', '-j', '1', '-r', rdir, evtx],
                           capture_output=True, text=True)
        if s.returncode not in (0, 1, 3):
            print('FAIL %s: scan exited %d: %s' % (src, s.returncode,
                                                   s.stderr.strip()))
            failures.append(src)
            continue
        hits = {}
        for line in s.stdout.splitlines():
            o = json.loads(line)
            if o.get('type') != 'finding':
                continue
            ids = {x.get('rule_id') for x in o.get('reasons') or []}
            ids.add(o.get('rule_id'))
            hits.setdefault(o.get('record_id'), set()).update(ids)
        ok = 0
        for rid, (rule_id, positive, p) in sorted(want.items()):
            fired = rule_id in hits.get(rid, set())
            if fired != positive:
                print('FAIL %s: %s sample of %s %s' % (
                    src, 'positive' if positive else 'negative',
                    os.path.relpath(p, root),
                    'did not fire' if positive else 'fired'))
                failures.append(p)
            elif positive:
                ok += 1
        total += len(items)
        print('%-40s %4d rules generated, %4d fired on their positive '
              'and not on their negative' % (src, len(items), ok))
    print('%d rules generated over %d log sources; not generated: %s' % (
        total, len(per_src), ', '.join('%s %d' % (k, v) for k, v in
                                       sorted(skipped.items(),
                                              key=lambda x: -x[1]))))
    print('%d failed' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
