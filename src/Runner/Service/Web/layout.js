// Where each switch, server and link of a fabric is drawn. Rows are hops from the servers: switches with servers (leaf,
// edge, an explicit graph's racks) sit just above them, the next tier above those, and so on, which gives leaf-spine its two
// rows and fat-tree its three and layers any explicit graph. Servers hang under their switch as a rack; past
// MAX_DRAWN_SERVERS every rack is one box with its count, so hundreds of servers stay readable and cheap to redraw.

export const MAX_DRAWN_SERVERS = 64;

const SERVER_W = 46, SERVER_GAP = 8, RACK_W = 84, SWITCH_W = 76, SWITCH_GAP = 24, ROW_H = 110, MARGIN = 30;
export const SIZES = { SERVER_W, SERVER_H: 24, SWITCH_W, SWITCH_H: 26, RACK_W, RACK_H: 34 };

/** The undirected key of a link between a and b, the same whichever end is named first. */
export const pairKey = (a, b) => (a < b ? `${a}|${b}` : `${b}|${a}`);

/**
 * Lays out { switches: [{ name, tier }], servers: [{ name, switch }], links: [{ a, b }] }. Returns the drawing's size, every
 * node's centre (switches, servers when drawn, racks when collapsed) and every line to draw, each with the links it stands
 * for (a collapsed rack's line stands for all its servers' links).
 */
export function layout(topology, collapse = topology.servers.length > MAX_DRAWN_SERVERS) {
  const rackOf = new Map(topology.switches.map((s) => [s.name, []]));
  for (const server of topology.servers) if (rackOf.has(server.switch)) rackOf.get(server.switch).push(server.name);
  const level = levels(topology, rackOf);
  const rows = [];
  for (const sw of topology.switches) (rows[level.get(sw.name)] ??= []).push(sw.name);
  for (let i = 0; i < rows.length; i++) rows[i] ??= [];

  // The bottom row's slots are as wide as their racks; the rows above share the same width, each ordered by where its
  // neighbours below sit (the barycentre), which keeps lines from crossing on the regular fabrics.
  const slot = (sw) => Math.max(SWITCH_W + SWITCH_GAP,
    collapse ? RACK_W + SWITCH_GAP : rackOf.get(sw).length * (SERVER_W + SERVER_GAP) + SWITCH_GAP);
  const widthOf = (row) => row.reduce((sum, sw) => sum + slot(sw), 0);
  const width = Math.max(400, ...rows.map(widthOf)) + 2 * MARGIN;
  // A wide fabric's rows move apart, so that the drawing keeps about the view's proportions and its links stay apart.
  const rowHeight = Math.max(ROW_H, (width * 0.5) / (rows.length + 1));
  const height = (rows.length + 1) * rowHeight + 2 * MARGIN;
  const neighbours = adjacency(topology);
  const x = new Map();
  for (let r = 0; r < rows.length; r++) {
    if (r > 0) rows[r] = orderByBarycentre(rows[r], neighbours, x);
    let at = MARGIN + (width - 2 * MARGIN - widthOf(rows[r])) / 2;
    for (const sw of rows[r]) {
      x.set(sw, at + slot(sw) / 2);
      at += slot(sw);
    }
  }
  const nodes = new Map();
  const rowY = (r) => height - MARGIN - rowHeight * (r + 1) - SIZES.SWITCH_H;
  rows.forEach((row, r) => row.forEach((sw) => nodes.set(sw, { kind: "switch", x: x.get(sw), y: rowY(r) })));
  const serverY = height - MARGIN - SIZES.RACK_H;
  const lines = [];
  for (const [sw, servers] of rackOf) {
    if (servers.length === 0) continue;
    const swNode = nodes.get(sw);
    if (collapse) {
      const rack = `rack:${sw}`;
      nodes.set(rack, { kind: "rack", x: swNode.x, y: serverY, switch: sw, servers });
      lines.push({ key: rack, a: sw, b: rack, links: servers.map((s) => pairKey(s, sw)) });
    } else {
      const start = swNode.x - ((servers.length - 1) * (SERVER_W + SERVER_GAP)) / 2;
      servers.forEach((s, i) => {
        nodes.set(s, { kind: "server", x: start + i * (SERVER_W + SERVER_GAP), y: serverY, switch: sw });
        lines.push({ key: pairKey(s, sw), a: sw, b: s, links: [pairKey(s, sw)] });
      });
    }
  }
  for (const link of topology.links)
    if (nodes.get(link.a)?.kind === "switch" && nodes.get(link.b)?.kind === "switch")
      lines.push({ key: pairKey(link.a, link.b), a: link.a, b: link.b, links: [pairKey(link.a, link.b)] });
  return { width, height, nodes, lines, collapsed: collapse };
}

function adjacency(topology) {
  const neighbours = new Map();
  const add = (a, b) => (neighbours.get(a) ?? neighbours.set(a, []).get(a)).push(b);
  for (const { a, b } of topology.links) {
    add(a, b);
    add(b, a);
  }
  return neighbours;
}

/** Each switch's row: its distance in hops from the nearest server, less one; a switch no server reaches goes on top. */
function levels(topology, rackOf) {
  const neighbours = adjacency(topology);
  const isSwitch = new Set(topology.switches.map((s) => s.name));
  const level = new Map();
  let frontier = topology.switches.filter((s) => rackOf.get(s.name).length > 0).map((s) => s.name);
  for (const sw of frontier) level.set(sw, 0);
  for (let depth = 1; frontier.length > 0; depth++) {
    const next = [];
    for (const sw of frontier)
      for (const peer of neighbours.get(sw) ?? [])
        if (isSwitch.has(peer) && !level.has(peer)) {
          level.set(peer, depth);
          next.push(peer);
        }
    frontier = next;
  }
  const top = level.size === 0 ? 0 : Math.max(...level.values()) + (level.size < isSwitch.size ? 1 : 0);
  for (const sw of isSwitch) if (!level.has(sw)) level.set(sw, top);
  return level;
}

function orderByBarycentre(row, neighbours, x) {
  const centre = (sw) => {
    const placed = (neighbours.get(sw) ?? []).filter((n) => x.has(n)).map((n) => x.get(n));
    return placed.length ? placed.reduce((a, b) => a + b, 0) / placed.length : Infinity;
  };
  const keyed = row.map((sw, i) => ({ sw, i, c: centre(sw) }));
  keyed.sort((p, q) => p.c - q.c || p.i - q.i);
  return keyed.map((k) => k.sw);
}
