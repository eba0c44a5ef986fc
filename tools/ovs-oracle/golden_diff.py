#!/usr/bin/env python3
"""Compare freshly generated oracle output (DIR/<name>/...) with the checked-in golden files.

usage: golden_diff.py CORPUS_ROOT FRESH_DIR
Differences that are not drift are ignored: the order of consecutive plain output ports in
datapath actions (OVS floods in a per-process hash order). Everything else must be identical:
expected.jsonl records, flows.txt, dp-ports.txt, and for replay-expected.json the counters,
the per-packet cache hits, the megaflows (match, actions, packets, bytes) and the MAC table.
Exit status: 0 same, 1 different.
"""
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import canonical_actions  # noqa: E402


def canon_record(r):
    r = dict(r)
    r['datapath_actions'] = canonical_actions(r.get('datapath_actions'))
    return r


def port_names(corpus_dir):
    """name -> datapath port number, from dp-ports.txt (dump-flows -m prints port names)."""
    names = {}
    path = os.path.join(corpus_dir, 'dp-ports.txt')
    if os.path.exists(path):
        for line in open(path):
            parts = line.split()
            if len(parts) == 3 and not line.startswith('#'):
                names[parts[0]] = parts[2]
    return names


def canon_flows(flows, names=None):
    out = []
    for f in flows:
        f = dict(f)
        if 'actions' in f:
            acts = f['actions']
            if names:
                acts = ','.join(names.get(a, a) for a in acts.split(','))
            f['actions'] = canonical_actions(acts)
        out.append(json.dumps(f, sort_keys=True))
    return sorted(out)


def main(root, fresh):
    problems = []
    for name in sorted(os.listdir(fresh)):
        fdir, gdir = os.path.join(fresh, name), os.path.join(root, name)
        if not os.path.isdir(fdir):
            continue
        for fn in ('flows.txt', 'dp-ports.txt'):
            a, b = os.path.join(gdir, fn), os.path.join(fdir, fn)
            if os.path.exists(b) and (not os.path.exists(a) or open(a).read() != open(b).read()):
                problems.append('%s/%s differs' % (name, fn))
        a, b = os.path.join(gdir, 'expected.jsonl'), os.path.join(fdir, 'expected.jsonl')
        if os.path.exists(b):
            ga = [canon_record(json.loads(l)) for l in open(a) if l.strip()] if os.path.exists(a) else []
            fb = [canon_record(json.loads(l)) for l in open(b) if l.strip()]
            if len(ga) != len(fb):
                problems.append('%s/expected.jsonl: %d golden records, %d fresh' % (name, len(ga), len(fb)))
            for i, (x, y) in enumerate(zip(ga, fb)):
                if x != y:
                    keys = [k for k in sorted(set(x) | set(y)) if x.get(k) != y.get(k)]
                    problems.append('%s/expected.jsonl #%d %s: %s' % (name, i + 1, x.get('packet'), '; '.join(
                        '%s golden %r fresh %r' % (k, x.get(k), y.get(k)) for k in keys)))
        a, b = os.path.join(gdir, 'replay-expected.json'), os.path.join(fdir, 'replay-expected.json')
        if os.path.exists(b):
            if not os.path.exists(a):
                problems.append('%s/replay-expected.json missing from the corpus' % name)
                continue
            g, f = json.load(open(a)), json.load(open(b))
            for k in ('counts', 'packets', 'mac_table'):
                if g.get(k) != f.get(k):
                    problems.append('%s/replay-expected.json: %s golden %s fresh %s' % (name, k, json.dumps(g.get(k)), json.dumps(f.get(k))))
            names = port_names(fdir)
            for k in ('megaflows', 'megaflows_verbose'):
                gs, fs = canon_flows(g.get(k, []), names), canon_flows(f.get(k, []), names)
                if gs != fs:
                    gs, fs = set(gs), set(fs)
                    problems.append('%s/replay-expected.json: %s differ; only golden: %s; only fresh: %s' % (
                        name, k, sorted(gs - fs)[:5], sorted(fs - gs)[:5]))
    for p in problems:
        print('  ' + p)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2]))
