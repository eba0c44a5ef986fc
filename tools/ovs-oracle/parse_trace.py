#!/usr/bin/env python3
"""Turn raw `ovs-appctl ofproto/trace` output into expected.jsonl lines.

Input: blocks that start with '### packet: <flow>' followed by the trace text (as
ovs-oracle.sh writes them). Output, one JSON object per packet:
  {"packet": ..., "datapath_actions": ..., "megaflow": ...,
   "tables": [{"table": N, "priority": P|null, "match": "..."|null, "actions": "..."}]}
datapath_actions and megaflow are exactly what OVS printed after "Datapath actions: " and
"Megaflow: ". tables lists every rule OVS reports visiting, in trace order (resubmits are
nested in the trace and flattened here, in the order they were entered); a table miss has
priority and match null. actions are the action lines OVS printed under the rule, joined
with ','; commentary lines ('-> ...', '>> ...') are left out.
"""
import json
import re
import sys

TABLE_RE = re.compile(r'^(\s*)(\d+)\. (.*)$')


def parse_rule_head(text):
    """'tcp,nw_src=10.0.0.0/8, priority 10, cookie 0x5' -> (match, priority)."""
    if text.startswith('No match'):
        return None, None
    text = re.sub(r', cookie 0x[0-9a-f]+$', '', text)
    m = re.match(r'^(?:(.*), )?priority (\d+)$', text)
    if not m:
        return text, None
    return (m.group(1) or ''), int(m.group(2))


def parse_block(packet, lines):
    rec = {'packet': packet, 'datapath_actions': None, 'megaflow': None, 'tables': []}
    stack = []  # [entry, table_indent, action_indent]
    in_bridge = False
    for line in lines:
        if line.startswith('Megaflow: '):
            rec['megaflow'] = line[len('Megaflow: '):].strip()
            in_bridge = False
            continue
        if line.startswith('Datapath actions: '):
            rec['datapath_actions'] = line[len('Datapath actions: '):].strip()
            continue
        if line.startswith('bridge("'):
            in_bridge = True
            continue
        if line.startswith('Final flow:') or line.startswith('Flow:'):
            in_bridge = False
            continue
        if not in_bridge or not line.strip() or line.startswith('---'):
            continue
        indent = len(line) - len(line.lstrip(' '))
        body = line.strip()
        m = TABLE_RE.match(line)
        if m:
            t_indent = len(m.group(1))
            while stack and stack[-1][1] >= t_indent:
                stack.pop()
            match, prio = parse_rule_head(m.group(3))
            entry = {'table': int(m.group(2)), 'priority': prio, 'match': match, 'actions': []}
            rec['tables'].append(entry)
            stack.append([entry, t_indent, None])
            continue
        if body.startswith('->') or body.startswith('>>'):
            continue
        # an action line: it belongs to the innermost open rule whose actions sit at this indent
        for i in range(len(stack) - 1, -1, -1):
            entry, t_indent, a_indent = stack[i]
            if a_indent is None and indent > t_indent:
                stack[i][2] = a_indent = indent
            if a_indent == indent:
                entry['actions'].append(body)
                del stack[i + 1:]
                break
    for e in rec['tables']:
        e['actions'] = ','.join(e['actions'])
    return rec


def main(path):
    blocks = []
    cur = None
    with open(path) as f:
        for raw in f:
            line = raw.rstrip('\n')
            if line.startswith('### packet: '):
                cur = (line[len('### packet: '):], [])
                blocks.append(cur)
            elif cur is not None:
                cur[1].append(line)
    for packet, lines in blocks:
        rec = parse_block(packet, lines)
        if rec['megaflow'] is None or rec['datapath_actions'] is None:
            sys.stderr.write('parse_trace: no Megaflow/Datapath actions for %s\n' % packet)
        print(json.dumps(rec, separators=(', ', ': ')))


if __name__ == '__main__':
    main(sys.argv[1])
