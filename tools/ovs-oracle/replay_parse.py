#!/usr/bin/env python3
"""Assemble replay-expected.json from the raw files replay.sh collects (see replay.sh).

usage: replay_parse.py WORKDIR CORPUS OVS_VERSION_LINE
"""
import json
import os
import re
import sys

COUNTERS = ['packets received', 'packet recirculations', 'phwol hits', 'mfex opt hits',
            'simple match hits', 'emc hits', 'smc hits', 'megaflow hits',
            'miss with success upcall', 'miss with failed upcall']
# which counter moving tells where a packet was handled
HIT_OF = {'phwol hits': 'phwol', 'mfex opt hits': 'mfex_opt', 'simple match hits': 'simple_match',
          'emc hits': 'emc', 'smc hits': 'smc', 'megaflow hits': 'megaflow',
          'miss with success upcall': 'upcall', 'miss with failed upcall': 'failed_upcall'}


def parse_stats(text):
    """Sum the counters over every thread section of pmd-stats-show."""
    tot = {k: 0 for k in COUNTERS}
    for line in text.splitlines():
        m = re.match(r'^\s+([a-z. ]+):\s+(\d+)(?:\s|$)', line)
        if m and m.group(1) in tot:
            tot[m.group(1)] += int(m.group(2))
    return tot


def parse_flows(text):
    flows = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith('flow-dump'):
            continue
        line = re.sub(r'^ufid:[0-9a-f-]+, ', '', line)
        m = re.match(r'^(.*?), packets:(\d+), bytes:(\d+), used:[^,]*,(?: dp:([^,]*),)? actions:(.*?)(?:, dp-extra-info:(.*))?$', line)
        if not m:
            flows.append({'raw': line})
            continue
        f = {'match': m.group(1), 'actions': m.group(5), 'packets': int(m.group(2)), 'bytes': int(m.group(3))}
        if m.group(4):
            f['dp'] = m.group(4)
        if m.group(6):
            f['dp_extra_info'] = m.group(6)
        flows.append(f)
    return sorted(flows, key=lambda f: (f.get('match', f.get('raw')), f.get('actions', '')))


def main(work, corpus, version):
    packets, prev = [], {k: 0 for k in COUNTERS}
    steps = open(os.path.join(work, 'steps')).read()
    for block in re.split(r'^### ', steps, flags=re.M)[1:]:
        head, _, body = block.partition('\n')
        idx, port, pkt = head.split(' ', 2)
        if port == 'skipped':
            packets.append({'packet': pkt, 'port': None, 'hit': 'skipped'})
            continue
        cur = parse_stats(body)
        delta = {k: cur[k] - prev[k] for k in COUNTERS}
        prev = cur
        if delta['packets received'] != 1:
            sys.exit('replay_parse: packet %s: %d packets counted, expected 1' % (idx, delta['packets received']))
        hits = [HIT_OF[k] for k in HIT_OF if delta[k] > 0]
        packets.append({'packet': pkt, 'port': port, 'hit': hits[0] if len(hits) == 1 else '+'.join(hits)})
    stats = parse_stats(open(os.path.join(work, 'stats')).read())
    counts = {k.replace(' ', '_').replace('.', ''): v for k, v in stats.items()}
    counts['upcalls'] = stats['miss with success upcall'] + stats['miss with failed upcall']
    counts['lost'] = stats['miss with failed upcall']
    fdb = []
    fdb_path = os.path.join(work, 'fdb')
    if os.path.exists(fdb_path):
        for line in open(fdb_path).read().splitlines()[1:]:
            parts = line.split()
            if len(parts) >= 3:
                fdb.append({'port': parts[0], 'vlan': int(parts[1]), 'mac': parts[2]})
    out = {
        'corpus': corpus,
        'ovs_version': version,
        'other_config': {'emc-insert-inv-prob': 1, 'smc-enable': False, 'max-idle': 3600000},
        'counts': counts,
        'packets': packets,
        'megaflows': parse_flows(open(os.path.join(work, 'flows')).read()),
        'megaflows_verbose': parse_flows(open(os.path.join(work, 'flows-m')).read()),
        'mac_table': sorted(fdb, key=lambda e: (e['mac'], e['vlan'])),
    }
    print(json.dumps(out, indent=1))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2], sys.argv[3])
