// Draws a laid-out fabric (layout.js) as SVG: lines first, nodes over them. Both the live view and the editor draw with
// this; they colour and label what it returns. A click on a node or line calls onSelect({ kind, name }).

import { SIZES } from "./layout.js";

const SVG = "http://www.w3.org/2000/svg";

export function element(tag, attributes = {}, parent = null, text = null) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, v);
  if (text !== null) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

/**
 * Replaces the content of svg with the drawing. Returns { lines: Map key -> path, nodes: Map name -> group, subLabels:
 * Map name -> text, entities: Map server -> group } for the caller to colour and fill in.
 */
export function draw(svg, lay, onSelect) {
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${lay.width} ${lay.height}`);
  svg.dataset.width = lay.width;
  svg.dataset.height = lay.height;
  const lineLayer = element("g", { class: "lines" }, svg);
  const nodeLayer = element("g", { class: "nodes" }, svg);
  const drawn = { lines: new Map(), nodes: new Map(), subLabels: new Map(), entities: new Map() };
  const pick = (kind, name) => (event) => {
    event.stopPropagation();
    onSelect({ kind, name });
  };
  for (const line of lay.lines) {
    const a = lay.nodes.get(line.a), b = lay.nodes.get(line.b);
    const path = element("path", { d: route(a, b), class: "link", "data-key": line.key }, lineLayer);
    element("title", {}, path, line.key.replace("|", " – "));
    path.addEventListener("click", pick(line.key.startsWith("rack:") ? "rack" : "link", line.key));
    drawn.lines.set(line.key, path);
  }
  for (const [name, node] of lay.nodes) {
    const g = element("g", { class: `node ${node.kind}`, transform: `translate(${node.x},${node.y})`, "data-name": name }, nodeLayer);
    g.addEventListener("click", pick(node.kind, node.kind === "rack" ? node.switch : name));
    const [w, h] = node.kind === "switch" ? [SIZES.SWITCH_W, SIZES.SWITCH_H] : node.kind === "rack" ? [SIZES.RACK_W, SIZES.RACK_H] : [SIZES.SERVER_W, SIZES.SERVER_H];
    element("rect", { x: -w / 2, y: -h / 2, width: w, height: h, rx: node.kind === "switch" ? 12 : 3 }, g);
    const label = node.kind === "rack" ? `${node.servers.length} servers` : name;
    element("text", { class: "label", y: node.kind === "rack" ? -3 : 4 }, g, label);
    const sub = element("text", { class: "sub", y: node.kind === "rack" ? 11 : h / 2 + 11 }, g, node.kind === "rack" ? node.switch : "");
    drawn.subLabels.set(name, sub);
    if (node.kind === "server") drawn.entities.set(name, element("g", { class: "entities", transform: `translate(0,${h / 2 + 16})` }, g));
    drawn.nodes.set(name, g);
  }
  return drawn;
}

/** A line from a's edge to b's; two nodes on one row are joined by an arc above them, so it passes no node between. */
function route(a, b) {
  if (Math.abs(a.y - b.y) < 1) {
    const lift = Math.min(90, 20 + Math.abs(a.x - b.x) / 6);
    return `M${a.x},${a.y - SIZES.SWITCH_H / 2} Q${(a.x + b.x) / 2},${a.y - lift} ${b.x},${b.y - SIZES.SWITCH_H / 2}`;
  }
  const [top, bottom] = a.y < b.y ? [a, b] : [b, a];
  return `M${top.x},${top.y} L${bottom.x},${bottom.y}`;
}

/** Wheel zooms around the pointer, dragging pans; a double click fits the whole drawing again. Installs once per svg. */
export function enableZoom(svg) {
  if (svg.dataset.zoom) return;
  svg.dataset.zoom = "on";
  const box = () => svg.viewBox.baseVal;
  svg.addEventListener("wheel", (event) => {
    event.preventDefault();
    const b = box(), r = svg.getBoundingClientRect(), f = event.deltaY > 0 ? 1.2 : 1 / 1.2;
    const px = b.x + ((event.clientX - r.left) / r.width) * b.width, py = b.y + ((event.clientY - r.top) / r.height) * b.height;
    svg.setAttribute("viewBox", `${px - (px - b.x) * f} ${py - (py - b.y) * f} ${b.width * f} ${b.height * f}`);
  }, { passive: false });
  let drag = null;
  svg.addEventListener("pointerdown", (event) => (drag = { x: event.clientX, y: event.clientY }));
  svg.addEventListener("pointerup", () => (drag = null));
  svg.addEventListener("pointerleave", () => (drag = null));
  svg.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const b = box(), r = svg.getBoundingClientRect();
    const dx = ((event.clientX - drag.x) / r.width) * b.width, dy = ((event.clientY - drag.y) / r.height) * b.height;
    drag = { x: event.clientX, y: event.clientY };
    svg.setAttribute("viewBox", `${b.x - dx} ${b.y - dy} ${b.width} ${b.height}`);
  });
  svg.addEventListener("dblclick", () => svg.setAttribute("viewBox", `0 0 ${svg.dataset.width} ${svg.dataset.height}`));
}
