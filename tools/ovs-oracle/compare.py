#!/usr/bin/env python3
"""Compare DcSim's `dcsim ovs-trace --json` output with real OVS's golden expected.jsonl.

Usage:
  compare.py EXPECTED.jsonl ACTUAL.jsonl [--name NAME]
  compare.py --corpus-root tests/ovs-corpus --actual-dir DIR     (DIR/<name>.jsonl per corpus)
  compare.py --corpus-root tests/ovs-corpus --dcsim 'dotnet path/to/dcsim.dll'
             (runs `<cmd> ovs-trace --rules R --packets P --json [--protocol X]` per corpus)
Options:
  --min-actions PCT    required datapath-actions agreement per corpus (default 100)
  --min-megaflow PCT   required semantic megaflow agreement per corpus (default 100: every packet)
  --max-list N         disagreements printed per corpus and kind (default 50)

Both inputs hold one JSON object per packet, in packet order, with string fields
`datapath_actions` and `megaflow` (OVS syntax) and, where present, `packet` (checked for
alignment) and `tables`.

Datapath actions are compared exactly and canonically: within a run of consecutive plain
output ports ("3,1,4,100") the order is ignored, because OVS floods (NORMAL) in an order that
changes from one ovs-vswitchd process to the next and the packets sent are the same.
The agreement that must reach --min-actions is the canonical one.

Megaflows are compared exactly (as strings) and semantically: every `field=value[/mask]` item
goes into a map field -> (value & mask, mask) after aliases (ip_src -> nw_src, udp_dst ->
tp_dst, dl_vlan/dl_vlan_pcp/vlan_vid/vlan_pcp -> vlan_tci bits, ...) and shorthands (ip, tcp,
udp6, arp, ...) are expanded; `eth` (packet_type=eth) is implied; a full mask equals no mask; a
zero mask equals absence. Field order does not matter. Exit status 1 when a threshold is missed.
"""
import argparse
import ipaddress
import json
import os
import shlex
import subprocess
import sys

# ----------------------------------------------------------------------------- megaflows

SHORTHANDS = {
    'ip': {'dl_type': 0x0800}, 'ipv6': {'dl_type': 0x86dd}, 'arp': {'dl_type': 0x0806},
    'rarp': {'dl_type': 0x8035}, 'mpls': {'dl_type': 0x8847}, 'mplsm': {'dl_type': 0x8848},
    'tcp': {'dl_type': 0x0800, 'nw_proto': 6}, 'udp': {'dl_type': 0x0800, 'nw_proto': 17},
    'sctp': {'dl_type': 0x0800, 'nw_proto': 132}, 'icmp': {'dl_type': 0x0800, 'nw_proto': 1},
    'igmp': {'dl_type': 0x0800, 'nw_proto': 2},
    'tcp6': {'dl_type': 0x86dd, 'nw_proto': 6}, 'udp6': {'dl_type': 0x86dd, 'nw_proto': 17},
    'sctp6': {'dl_type': 0x86dd, 'nw_proto': 132}, 'icmp6': {'dl_type': 0x86dd, 'nw_proto': 58},
}
IMPLIED = {'eth'}  # packet_type=eth: every packet in these corpora is Ethernet

ALIASES = {
    'eth_src': 'dl_src', 'eth_dst': 'dl_dst', 'eth_type': 'dl_type',
    'ip_src': 'nw_src', 'ip_dst': 'nw_dst', 'ip_proto': 'nw_proto', 'ip_ttl': 'nw_ttl',
    'ipv4_src': 'nw_src', 'ipv4_dst': 'nw_dst',
    'tcp_src': 'tp_src', 'udp_src': 'tp_src', 'sctp_src': 'tp_src',
    'tcp_dst': 'tp_dst', 'udp_dst': 'tp_dst', 'sctp_dst': 'tp_dst',
    'icmpv4_type': 'icmp_type', 'icmpv4_code': 'icmp_code',
    'icmpv6_type': 'icmp_type', 'icmpv6_code': 'icmp_code',
    'arp_spa': 'arp_spa', 'arp_tpa': 'arp_tpa',
    'nw_tos_shifted': 'nw_tos',
}
WIDTH = {  # bits; fields not listed compare as opaque strings
    'recirc_id': 32, 'dp_hash': 32, 'in_port': 32, 'skb_priority': 32, 'pkt_mark': 32,
    'dl_type': 16, 'vlan_tci': 16, 'nw_proto': 8, 'nw_tos': 8, 'nw_ecn': 2, 'nw_ttl': 8,
    'ip_dscp': 6, 'tp_src': 16, 'tp_dst': 16, 'icmp_type': 8, 'icmp_code': 8, 'arp_op': 16,
    'tcp_flags': 12, 'ipv6_label': 20, 'mpls_label': 20, 'mpls_tc': 3, 'mpls_bos': 1,
    'mpls_ttl': 8, 'metadata': 64, 'ct_state': 32, 'ct_zone': 16, 'ct_mark': 32,
    'dl_src': 48, 'dl_dst': 48, 'arp_sha': 48, 'arp_tha': 48, 'nd_sll': 48, 'nd_tll': 48,
    'nw_src': 32, 'nw_dst': 32, 'arp_spa': 32, 'arp_tpa': 32,
    'ipv6_src': 128, 'ipv6_dst': 128, 'nd_target': 128,
}
for _i in range(16):
    WIDTH['reg%d' % _i] = 32
for _i in range(8):
    WIDTH['xreg%d' % _i] = 64
MAC_FIELDS = {'dl_src', 'dl_dst', 'arp_sha', 'arp_tha', 'nd_sll', 'nd_tll'}
IP4_FIELDS = {'nw_src', 'nw_dst', 'arp_spa', 'arp_tpa'}
IP6_FIELDS = {'ipv6_src', 'ipv6_dst', 'nd_target'}
PORT_NAMES = {'LOCAL': 0xfffe, 'local': 0xfffe, 'IN_PORT': 0xfff8, 'CONTROLLER': 0xfffd, 'NONE': 0xffff}
VLAN_CFI = 0x1000


def _num(s):
    s = s.strip()
    return int(s, 16) if s.lower().startswith('0x') else int(s, 10)


def _mac(s):
    return int(s.replace(':', '').replace('-', ''), 16)


def _value(field, text):
    """'10.0.0.0/8' -> (value, mask) as ints for `field`; None mask means all bits."""
    v, _, m = text.partition('/')
    if field in IP4_FIELDS:
        val = int(ipaddress.IPv4Address(v))
        if not m:
            return val, None
        if '.' in m:
            return val, int(ipaddress.IPv4Address(m))
        n = int(m)
        return val, (0xffffffff << (32 - n)) & 0xffffffff
    if field in IP6_FIELDS:
        val = int(ipaddress.IPv6Address(v))
        if not m:
            return val, None
        if ':' in m:
            return val, int(ipaddress.IPv6Address(m))
        n = int(m)
        return val, ((1 << 128) - 1) ^ ((1 << (128 - n)) - 1)
    if field in MAC_FIELDS:
        return _mac(v), (_mac(m) if m else None)
    if field == 'in_port' and v in PORT_NAMES:
        return PORT_NAMES[v], None
    return _num(v), (_num(m) if m else None)


def _put(canon, field, value, mask):
    """Merge (value, mask) into canon[field] (bitwise; later items add bits)."""
    width = WIDTH[field]
    full = (1 << width) - 1
    mask = full if mask is None else mask & full
    old_v, old_m = canon.get(field, (0, 0))
    canon[field] = ((old_v & ~mask) | (value & mask), old_m | mask)


def canonical_megaflow(text):
    """Megaflow string -> {field: (value&mask, mask) | ('str', text)}; raises ValueError."""
    canon = {}
    if text is None:
        return None
    for item in [x.strip() for x in text.split(',') if x.strip()]:
        name, eq, val = item.partition('=')
        name = name.strip()
        if not eq:
            if name in IMPLIED:
                continue
            if name in SHORTHANDS:
                for f, v in SHORTHANDS[name].items():
                    _put(canon, f, v, None)
                continue
            canon[name] = ('str', '')
            continue
        name = ALIASES.get(name, name)
        if name == 'dl_vlan':
            vid = _num(val)
            if vid == 0xffff:  # OpenFlow 1.0 "no VLAN"
                _put(canon, 'vlan_tci', 0, 0xffff)
            else:
                _put(canon, 'vlan_tci', VLAN_CFI | (vid & 0xfff), 0x1fff)
            continue
        if name in ('dl_vlan_pcp', 'vlan_pcp'):
            _put(canon, 'vlan_tci', VLAN_CFI | ((_num(val) & 7) << 13), 0xf000)
            continue
        if name == 'vlan_vid':
            v, _, m = val.partition('/')
            _put(canon, 'vlan_tci', _num(v) & 0x1fff, (_num(m) if m else 0x1fff) & 0x1fff)
            continue
        if name == 'ip_dscp':
            _put(canon, 'nw_tos', (_num(val) << 2) & 0xfc, 0xfc)
            continue
        if name in WIDTH:
            v, m = _value(name, val)
            _put(canon, name, v, m)
        else:
            canon[name] = ('str', val.strip())
    # zero masks mean "not matched"
    return {k: v for k, v in canon.items() if not (v[0] != 'str' and v[1] == 0)}


def describe_diff(exp, act):
    """Human-readable list of fields whose canonical value/mask differ."""
    out = []
    for f in sorted(set(exp) | set(act)):
        e, a = exp.get(f), act.get(f)
        if e == a:
            continue

        def fmt(x):
            if x is None:
                return '-'
            if x[0] == 'str':
                return repr(x[1])
            return '0x%x/0x%x' % x
        out.append('%s: expected %s, got %s' % (f, fmt(e), fmt(a)))
    return out


# ----------------------------------------------------------------------------- actions

def split_actions(text):
    """Split a datapath action list at top-level commas."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch == '(':
            depth += 1
        elif ch == ')':
            depth -= 1
        if ch == ',' and depth == 0:
            parts.append(''.join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    if cur or parts:
        parts.append(''.join(cur).strip())
    return [p for p in parts if p != '']


def canonical_actions(text):
    """Sort runs of consecutive plain output ports; everything else stays in order."""
    if text is None:
        return None
    out, run = [], []
    for a in split_actions(text.strip()):
        if a.isdigit():
            run.append(int(a))
            continue
        out.extend(str(p) for p in sorted(run))
        run = []
        out.append(a)
    out.extend(str(p) for p in sorted(run))
    return ','.join(out)


# ----------------------------------------------------------------------------- comparison

def load_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def norm_packet(p):
    return ''.join((p or '').split())


def compare(name, expected, actual, max_list=50):
    """Returns (summary dict, list of report lines)."""
    lines = []
    n = len(expected)
    res = {'name': name, 'packets': n, 'actions_exact': 0, 'actions': 0,
           'megaflow_exact': 0, 'megaflow': 0, 'tables': 0, 'errors': 0}
    act_bad, mf_bad, errors = [], [], []
    if len(actual) != n:
        errors.append('expected %d records, got %d' % (n, len(actual)))
    for i, exp in enumerate(expected):
        act = actual[i] if i < len(actual) else {}
        if 'packet' in act and norm_packet(act['packet']) != norm_packet(exp['packet']):
            errors.append('#%d packet mismatch: expected %r, got %r' % (i + 1, exp['packet'], act['packet']))
        ea, aa = exp.get('datapath_actions'), act.get('datapath_actions')
        if ea == aa:
            res['actions_exact'] += 1
        if ea is not None and aa is not None and canonical_actions(ea) == canonical_actions(aa):
            res['actions'] += 1
        else:
            act_bad.append('#%d %s\n      expected: %s\n      actual:   %s' % (i + 1, exp['packet'], ea, aa))
        em, am = exp.get('megaflow'), act.get('megaflow')
        if em == am:
            res['megaflow_exact'] += 1
        try:
            ce, ca = canonical_megaflow(em), canonical_megaflow(am)
        except (ValueError, ipaddress.AddressValueError) as ex:
            ce, ca = None, None
            errors.append('#%d cannot parse megaflow: %s' % (i + 1, ex))
        if ce is not None and ca is not None and ce == ca:
            res['megaflow'] += 1
        else:
            detail = ('; '.join(describe_diff(ce, ca))) if ce is not None and ca is not None else ''
            mf_bad.append('#%d %s\n      expected: %s\n      actual:   %s%s' % (
                i + 1, exp['packet'], em, am, ('\n      diff:     ' + detail) if detail else ''))
        et = [(t.get('table'), t.get('priority')) for t in exp.get('tables') or []]
        at = [(t.get('table'), t.get('priority')) for t in act.get('tables') or []]
        if et == at:
            res['tables'] += 1
    res['errors'] = len(errors)

    def pct(k):
        return 100.0 * res[k] / n if n else 100.0
    res['actions_pct'] = pct('actions')
    res['megaflow_pct'] = pct('megaflow')
    lines.append('%s: %d packets; datapath actions %d/%d (%.1f %%; exact strings %d); '
                 'megaflow %d/%d semantic (%.1f %%; exact strings %d); visited rules %d/%d' % (
                     name, n, res['actions'], n, pct('actions'), res['actions_exact'],
                     res['megaflow'], n, pct('megaflow'), res['megaflow_exact'], res['tables'], n))
    for e in errors[:max_list]:
        lines.append('  ERROR ' + e)
    if act_bad:
        lines.append('  datapath action disagreements (%d):' % len(act_bad))
        lines.extend('    ' + x for x in act_bad[:max_list])
    if mf_bad:
        lines.append('  megaflow disagreements (%d):' % len(mf_bad))
        lines.extend('    ' + x for x in mf_bad[:max_list])
    return res, lines


def corpora(root):
    return sorted(d for d in os.listdir(root)
                  if os.path.isfile(os.path.join(root, d, 'rules.txt'))
                  and os.path.isfile(os.path.join(root, d, 'expected.jsonl')))


def protocol_of(corpus_dir):
    p = os.path.join(corpus_dir, 'protocol.txt')
    if not os.path.isfile(p):
        return None
    for line in open(p):
        line = line.split('#', 1)[0].strip()
        if line:
            return line
    return None


def run_dcsim(cmd, corpus_dir):
    args = shlex.split(cmd) + ['ovs-trace', '--rules', os.path.join(corpus_dir, 'rules.txt'),
                               '--packets', os.path.join(corpus_dir, 'packets.txt'), '--json']
    proto = protocol_of(corpus_dir)
    if proto:
        args += ['--protocol', proto]
    p = subprocess.run(args, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError('%s exited %d: %s' % (' '.join(args), p.returncode, p.stderr[-2000:]))
    return [json.loads(l) for l in p.stdout.splitlines() if l.strip().startswith('{')]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('expected', nargs='?')
    ap.add_argument('actual', nargs='?')
    ap.add_argument('--name')
    ap.add_argument('--corpus-root')
    ap.add_argument('--actual-dir')
    ap.add_argument('--dcsim')
    ap.add_argument('--only', action='append', help='corpus name (repeatable)')
    ap.add_argument('--min-actions', type=float, default=100.0)
    ap.add_argument("--min-megaflow", type=float, default=100.0)
    ap.add_argument('--max-list', type=int, default=50)
    a = ap.parse_args()

    jobs = []  # (name, expected records, actual records)
    if a.expected and a.actual:
        jobs.append((a.name or os.path.basename(os.path.dirname(os.path.abspath(a.expected))),
                     load_jsonl(a.expected), load_jsonl(a.actual)))
    elif a.corpus_root and (a.actual_dir or a.dcsim):
        for name in corpora(a.corpus_root):
            if a.only and name not in a.only:
                continue
            cdir = os.path.join(a.corpus_root, name)
            exp = load_jsonl(os.path.join(cdir, 'expected.jsonl'))
            if a.actual_dir:
                path = os.path.join(a.actual_dir, name + '.jsonl')
                if not os.path.isfile(path):
                    path = os.path.join(a.actual_dir, name, 'expected.jsonl')
                act = load_jsonl(path)
            else:
                act = run_dcsim(a.dcsim, cdir)
            jobs.append((name, exp, act))
    else:
        ap.error('give EXPECTED ACTUAL, or --corpus-root with --actual-dir or --dcsim')

    ok = True
    for name, exp, act in jobs:
        res, lines = compare(name, exp, act, a.max_list)
        print('\n'.join(lines))
        if res['errors'] or res['actions_pct'] < a.min_actions or res['megaflow_pct'] < a.min_megaflow:
            ok = False
            print('  FAIL: needs datapath actions >= %.0f %% and megaflow >= %.0f %%' % (a.min_actions, a.min_megaflow))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
