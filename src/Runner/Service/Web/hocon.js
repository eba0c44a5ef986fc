// The editor's model and its scenario: an explicit topology (docs/topologies.md: switches, servers = N named host0 ..,
// links { a, b, rate, delay, queue }) with a duration and one traffic generator, so that the export runs as it is.
// Strings are written as JSON strings, which HOCON reads as they are: no name or value can break the file's structure.

import { rateKey, delayKey } from "./format.js";

const serverName = (i) => `host${i}`;

/** A switch name as the explicit reader takes it: letters, digits, '-' and '_', and not a server's name. */
export function switchNameProblem(name, taken) {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) return `'${name}': a switch name is letters, digits, '-' and '_'`;
  if (/^host\d+$/.test(name)) return `'${name}' is a server's name (servers are host0, host1, ...)`;
  if (taken.includes(name)) return `there is already a switch '${name}'`;
  return null;
}

/** The topology the editor draws, in the form of GET /experiments/{id}/topology. */
export function drawable(model) {
  return {
    switches: model.switches.map((name) => ({ name, tier: "switch" })),
    servers: model.servers.map((s, i) => ({ name: serverName(i), switch: s.switch })),
    links: [...model.links, ...model.servers.map((s, i) => ({ a: serverName(i), b: s.switch }))],
  };
}

const q = JSON.stringify;

/** A link's queue as the editor writes it ("64 packets", "1MB", "150000 bytes"), or null for the default. */
function queueHocon(text) {
  const t = (text ?? "").trim();
  if (!t) return null;
  const packets = /^(\d+)\s*packets?$/.exec(t);
  if (packets) return `queue { limit = ${packets[1]}, unit = packets }`;
  const bytes = /^(\d+)\s*bytes?$/.exec(t);
  return `queue { limit = ${q(bytes ? bytes[1] : t)}, unit = bytes }`;
}

function linkHocon({ a, b, rate, delay, queue }) {
  const queueText = queueHocon(queue);
  return `{ a = ${q(a)}, b = ${q(b)}, rate = ${q(rate)}, delay = ${q(delay)}${queueText ? `, ${queueText}` : ""} }`;
}

/** The scenario of the model, as `dcsim validate` and `dcsim run` read it. */
export function toHocon(model) {
  const links = [
    ...model.links,
    ...model.servers.map((s, i) => ({ a: serverName(i), b: s.switch, rate: s.rate, delay: s.delay, queue: s.queue })),
  ];
  const t = model.traffic;
  const lines = [
    "# Built in the DcSim web editor (docs/webview.md): an explicit topology (docs/topologies.md).",
    `name = ${q(model.name)}`,
    `seed = ${Number(model.seed) || 0}`,
    `duration = ${q(model.duration)}`,
    "topology {",
    "  kind = explicit",
    `  switches = [${model.switches.map(q).join(", ")}]`,
    `  servers = ${model.servers.length}`,
    "  links = [",
    ...links.map((l) => `    ${linkHocon(l)}`),
    "  ]",
    "}",
  ];
  if (t.kind !== "none")
    lines.push(
      "traffic {",
      "  generators = [",
      `    { kind = ${q(t.kind)}, rate = ${q(t.rate)}, packet-size = ${q(t.packetSize)}, destination = ${q(t.destination)} }`,
      "  ]",
      "}");
  return lines.join("\n") + "\n";
}

/** A model from an experiment's topology (any kind becomes explicit): its switches, servers and links as they are. */
export function fromTopology(topology, base) {
  const linkOf = new Map();
  for (const l of topology.links) {
    linkOf.set(l.a, l);
    linkOf.set(l.b, l);
  }
  const isServer = new Set(topology.servers.map((s) => s.name));
  const settings = (l) => ({ rate: rateKey(l.rate_bps), delay: delayKey(l.delay_ps), queue: l.queue });
  return {
    ...base,
    switches: topology.switches.map((s) => s.name),
    servers: topology.servers.map((s) => ({ switch: s.switch, ...settings(linkOf.get(s.name)) })),
    links: topology.links.filter((l) => !isServer.has(l.a) && !isServer.has(l.b)).map((l) => ({ a: l.a, b: l.b, ...settings(l) })),
  };
}
