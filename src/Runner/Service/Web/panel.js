// The side panel of the live view: the counters of what was clicked (a server with its components, VMs and containers; a
// switch's ports; a link's two directions; a collapsed rack's servers; a VM's or container's components). It is redrawn
// from each tick's answers, so it updates as the run goes on.

import { count, percent, time, rateKey } from "./format.js";

function node(tag, parent, text = null, attributes = {}) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, v);
  if (text !== null) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

function table(parent, headers, rows) {
  const t = node("table", parent);
  const head = node("tr", node("thead", t));
  for (const h of headers) node("th", head, h);
  const body = node("tbody", t);
  for (const row of rows) {
    const tr = node("tr", body);
    for (const cell of row) node("td", tr, String(cell));
  }
  return t;
}

const formatCounter = (name, value) =>
  typeof value !== "number" ? String(value) : name.endsWith("_ps") ? time(value) : count(value);

/** Counters (name -> number) as a two-column table; objects among them are the caller's business. */
function counterTable(parent, counters) {
  const rows = Object.entries(counters).filter(([k, v]) => typeof v !== "object" && k !== "name").map(([k, v]) => [k, formatCounter(k, v)]);
  if (rows.length) table(parent, ["counter", "value"], rows);
}

function directionRows(figures) {
  return figures.map((f) => [
    `${f.from} → ${f.to}`, rateKey(f.rate_bps), percent(f.utilisation), count(f.tx_packets), f.meanQueue.toFixed(2),
    count(f.queue_max_packets), count(f.dropped_packets), count(f.ecn_marked_packets),
  ]);
}
const DIRECTION_HEADERS = ["direction", "rate", "util.", "packets", "mean queue", "max queue", "drops", "ECN"];

/** Draws the selection into panel; ctx: { servers: Map, figures: Map, entity, onSelect, select(kind, name) }. */
export function renderPanel(panel, selection, ctx) {
  panel.replaceChildren();
  if (!selection) {
    node("p", panel, "Click a switch, server, rack or link to see its counters.", { class: "hint" });
    return;
  }
  node("h2", panel, selection.kind === "rack" ? `rack of ${selection.name}` : selection.name, { "data-testid": "panel-title" });
  const select = (kind, name) => (event) => {
    event.preventDefault();
    ctx.onSelect({ kind, name });
  };
  if (selection.kind === "server") {
    const server = ctx.servers.get(selection.name);
    if (!server) return void node("p", panel, "no counters yet");
    node("h3", panel, "server");
    counterTable(panel, server);
    for (const [name, value] of Object.entries(server))
      if (value && typeof value === "object" && !Array.isArray(value)) {
        node("h3", panel, name);
        counterTable(panel, value);
      }
    node("h3", panel, `VMs and containers (${server.entities.length})`);
    const list = node("ul", panel, null, { class: "entities" });
    for (const e of server.entities) {
      const item = node("li", list);
      const a = node("a", item, e.name, { href: "#" });
      a.addEventListener("click", select("entity", e.path));
      node("span", item, ` ${e.kind}, ${e.state}, ${e.endpoint}`);
    }
  } else if (selection.kind === "switch") {
    const ports = [...ctx.figures.values()].filter((f) => f.from === selection.name);
    node("h3", panel, `ports (${ports.length})`);
    table(panel, DIRECTION_HEADERS, directionRows(ports));
  } else if (selection.kind === "link") {
    const [a, b] = selection.name.split("|");
    const both = [ctx.figures.get(`${a}>${b}`), ctx.figures.get(`${b}>${a}`)].filter(Boolean);
    table(panel, DIRECTION_HEADERS, directionRows(both));
  } else if (selection.kind === "rack") {
    const servers = [...ctx.servers.values()].filter((s) => ctx.switchOf(s.name) === selection.name);
    const list = node("ul", panel, null, { class: "entities" });
    for (const s of servers) {
      const item = node("li", list);
      node("a", item, s.name, { href: "#" }).addEventListener("click", select("server", s.name));
      node("span", item, ` ${s.entities.length} VMs/containers`);
    }
  } else if (selection.kind === "entity") {
    if (!ctx.entity) return void node("p", panel, "loading…");
    for (const [path, component] of Object.entries(ctx.entity.components)) {
      node("h3", panel, `${path} (${component.kind})`);
      counterTable(panel, component.counters);
    }
  }
}
