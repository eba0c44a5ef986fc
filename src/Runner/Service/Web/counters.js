// What the live view computes from two successive answers of /links: per link direction, utilisation, mean queue and drops
// over the interval between them (the differences of the cumulative counters over the simulated time between them).

/** A link direction's key, as /links names its ends. */
export const directionKey = (from, to) => `${from}>${to}`;

/**
 * The figures of each link direction over the interval since `previous` (an earlier result of this function's input), or
 * since the start of the run when there is none. Returns Map key -> { from, to, rate_bps, utilisation, meanQueue,
 * drops, ... the cumulative counters }.
 */
export function intervalFigures(links, time, previous) {
  const figures = new Map();
  for (const link of links) {
    const key = directionKey(link.from, link.to);
    const before = previous?.links.get(key);
    const span = before ? time - previous.time : time;
    const delta = (field) => link[field] - (before ? before[field] : 0);
    figures.set(key, {
      ...link,
      utilisation: span > 0 ? delta("busy_ps") / span : 0,
      meanQueue: span > 0 ? delta("queue_packet_ps") / span : 0,
      drops: delta("dropped_packets"),
      packets: delta("tx_packets"),
    });
  }
  return figures;
}

/** The totals the summary strip shows. */
export function totals(links, servers) {
  const sum = (items, f) => items.reduce((s, x) => s + f(x), 0);
  const switches = servers.filter((s) => s.vswitch);
  const lookups = sum(switches, (s) => s.vswitch.packets);
  const hits = sum(switches, (s) => s.vswitch.exact_match_hits + s.vswitch.megaflow_hits);
  return {
    packets: sum(links, (l) => l.tx_packets),
    drops: sum(links, (l) => l.dropped_packets),
    cacheHitRatio: lookups > 0 ? hits / lookups : null,
    upcalls: sum(switches, (s) => s.vswitch.upcalls_handled),
    megaflows: sum(switches, (s) => s.vswitch.megaflows),
    entities: sum(servers, (s) => s.entities.length),
  };
}

/** Green through yellow to red as utilisation goes from 0 to 1; grey for an idle link. */
export function utilisationColour(u) {
  if (!(u > 0)) return "#b8bec6";
  const hue = 120 * (1 - Math.min(1, u));
  return `hsl(${hue.toFixed(0)}, 75%, 42%)`;
}
