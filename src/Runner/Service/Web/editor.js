// The topology editor, after MiniEdit's habit: add switches, add servers to a switch, connect switches (from the form, or
// "Connect" then two clicks), select to rename or delete; the scenario text follows every change. Validate asks the
// service (POST /scenarios/validate, the checks of `dcsim validate`); Download, Copy and Submit hand the same text on.

import { post, describeFailure } from "./api.js";
import { layout, pairKey } from "./layout.js";
import { draw, enableZoom } from "./draw.js";
import { drawable, fromTopology, switchNameProblem, toHocon } from "./hocon.js";

const $ = (id) => document.getElementById(id);
const value = (id) => $(id).value.trim();

let model = null;
let selection = null;        // { kind: "switch" | "server" | "link", name }
let connectFrom = undefined; // undefined: not connecting; null: waiting for the first switch; a name: for the second
let hooks = {};

/** The scenario's own settings, as the form holds them. */
function scenarioSettings() {
  return {
    name: value("ed-name") || "edited",
    seed: value("ed-seed") || "1",
    duration: value("ed-duration") || "20ms",
    traffic: { kind: value("ed-traffic-kind"), rate: value("ed-traffic-rate"), packetSize: value("ed-packet-size"), destination: value("ed-destination") },
  };
}

/** hooks: { shownTopology(): the live view's topology or null, follow(id): show a submitted experiment live }. */
export function startEditor(editorHooks) {
  hooks = editorHooks;
  model = { switches: [], servers: [], links: [], ...scenarioSettings() };
  const on = (id, handler) => $(id).addEventListener("click", handler);
  on("ed-add-switch", addSwitch);
  on("ed-add-servers", addServers);
  on("ed-add-link", () => connect(value("ed-link-a"), value("ed-link-b")));
  on("ed-connect", () => {
    connectFrom = connectFrom === undefined ? null : undefined;
    note(connectFrom === null ? "Connect: click the first switch" : "");
    $("ed-connect").classList.toggle("active", connectFrom !== undefined);
  });
  on("ed-rename-btn", rename);
  on("ed-delete", remove);
  on("ed-new", () => replace({ switches: [], servers: [], links: [] }));
  on("ed-example", () => replace(example()));
  on("ed-import", importShown);
  on("ed-validate", validate);
  on("ed-download", download);
  on("ed-copy", copy);
  on("ed-submit", submit);
  for (const id of ["ed-name", "ed-seed", "ed-duration", "ed-traffic-kind", "ed-traffic-rate", "ed-packet-size", "ed-destination"])
    $(id).addEventListener("input", () => changed(false));
  $("ed-svg").addEventListener("click", () => choose(null));
  enableZoom($("ed-svg"));
  changed(true);
}

function replace(topology) {
  model = { ...scenarioSettings(), ...topology };
  selection = null;
  changed(true);
}

function example() {
  const server = (sw) => ({ switch: sw, rate: "10Gbps", delay: "1us", queue: "" });
  return {
    switches: ["spine", "rack0", "rack1"],
    servers: [server("rack0"), server("rack0"), server("rack1"), server("rack1")],
    links: ["rack0", "rack1"].map((b) => ({ a: "spine", b, rate: "40Gbps", delay: "1us", queue: "" })),
  };
}

function importShown() {
  const topology = hooks.shownTopology();
  if (!topology) return note("The live view shows no experiment to copy.", true);
  replace(fromTopology(topology, {}));
  note(`Copied ${topology.description} from the live view as an explicit topology.`);
}

function nextSwitchName() {
  for (let i = 0; ; i++) if (!model.switches.includes(`s${i}`)) return `s${i}`;
}

function addSwitch() {
  const name = value("ed-switch-name") || nextSwitchName();
  const problem = switchNameProblem(name, model.switches);
  if (problem) return note(problem, true);
  model.switches.push(name);
  $("ed-switch-name").value = "";
  changed(true);
}

function addServers() {
  const sw = value("ed-server-switch");
  const n = Number(value("ed-server-count"));
  if (!model.switches.includes(sw)) return note("Add a switch first, then servers to it.", true);
  if (!Number.isInteger(n) || n < 1 || n > 256) return note(`servers to add: a whole number from 1 to 256, not '${value("ed-server-count")}'`, true);
  for (let i = 0; i < n; i++) model.servers.push({ switch: sw, rate: value("ed-server-rate"), delay: value("ed-server-delay"), queue: "" });
  changed(true);
}

function connect(a, b) {
  if (!model.switches.includes(a) || !model.switches.includes(b)) return note("Links join two switches (a server's link is added with it).", true);
  if (a === b) return note(`a link joins two different switches, not ${a} to itself`, true);
  if (model.links.some((l) => pairKey(l.a, l.b) === pairKey(a, b))) return note(`${a} and ${b} are already linked`, true);
  model.links.push({ a, b, rate: value("ed-link-rate"), delay: value("ed-link-delay"), queue: value("ed-link-queue") });
  changed(true);
}

function rename() {
  if (selection?.kind !== "switch") return note("Select a switch to rename (servers are named by their number).", true);
  const from = selection.name, to = value("ed-rename");
  const problem = switchNameProblem(to, model.switches.filter((s) => s !== from));
  if (problem) return note(problem, true);
  model.switches = model.switches.map((s) => (s === from ? to : s));
  for (const s of model.servers) if (s.switch === from) s.switch = to;
  for (const l of model.links) {
    if (l.a === from) l.a = to;
    if (l.b === from) l.b = to;
  }
  selection = { kind: "switch", name: to };
  changed(true);
}

/** Deletes the selection: a switch with its servers and links, a server (the later ones move down a number), or a link. */
function remove() {
  if (!selection) return note("Select something to delete.", true);
  const { kind, name } = selection;
  if (kind === "switch") {
    model.switches = model.switches.filter((s) => s !== name);
    model.servers = model.servers.filter((s) => s.switch !== name);
    model.links = model.links.filter((l) => l.a !== name && l.b !== name);
  } else if (kind === "server") {
    model.servers.splice(Number(name.slice("host".length)), 1);
  } else {
    model.links = model.links.filter((l) => pairKey(l.a, l.b) !== name);
  }
  selection = null;
  changed(true);
}

function choose(picked) {
  // A server's line selects the server; a collapsed rack selects its switch.
  if (picked?.kind === "link" && picked.name.split("|").some((end) => /^host\d+$/.test(end)))
    picked = { kind: "server", name: picked.name.split("|").find((end) => /^host\d+$/.test(end)) };
  if (picked?.kind === "rack") picked = { kind: "switch", name: picked.name };
  if (connectFrom !== undefined && picked) {
    if (picked.kind !== "switch") return note("Connect: click a switch", true);
    if (connectFrom === null) {
      connectFrom = picked.name;
      return note(`Connect: ${picked.name} to which switch?`);
    }
    const from = connectFrom;
    connectFrom = undefined;
    $("ed-connect").classList.remove("active");
    return connect(from, picked.name);
  }
  selection = picked;
  changed(true);
}

/** Redraws (when the topology changed) and rewrites the scenario text, which any change invalidates. */
function changed(topologyChanged) {
  Object.assign(model, scenarioSettings());
  if (topologyChanged) {
    note("");
    const drawn = draw($("ed-svg"), layout(drawable(model)), choose);
    const selected = selection && (selection.kind === "link" ? drawn.lines.get(selection.name) : drawn.nodes.get(selection.name));
    selected?.classList.add("selected");
    for (const id of ["ed-server-switch", "ed-link-a", "ed-link-b"]) fillSwitches($(id));
    $("ed-selection").textContent = selection ? `${selection.kind} ${selection.name.replace("|", " – ")}` : "nothing selected";
    if (selection?.kind === "switch") $("ed-rename").value = selection.name;
    $("ed-counts").textContent = `${model.switches.length} switches, ${model.servers.length} servers, ${model.links.length + model.servers.length} links`;
  }
  $("ed-hocon").value = toHocon(model);
  $("ed-result").dataset.valid = "unknown";
  $("ed-result").textContent = "not validated since the last change";
  $("ed-errors").replaceChildren();
}

function fillSwitches(select) {
  const keep = select.value;
  select.replaceChildren(...model.switches.map((s) => Object.assign(document.createElement("option"), { value: s, textContent: s })));
  if (model.switches.includes(keep)) select.value = keep;
  else if (select.id === "ed-server-switch" && model.switches.length) select.value = model.switches.at(-1);
  // The link's far end starts at a switch other than its near end.
  if (select.id === "ed-link-b" && select.value === $("ed-link-a").value)
    select.value = model.switches.find((s) => s !== select.value) ?? select.value;
}

const fileName = () => `${(model.name || "edited").replace(/[^A-Za-z0-9_.-]+/g, "-")}.conf`;

async function validate() {
  const result = await post(`/scenarios/validate?file=${encodeURIComponent(fileName())}`, toHocon(model));
  showValidation(result);
  return result.ok;
}

function showValidation(result) {
  const box = $("ed-result");
  box.dataset.valid = String(result.ok);
  const b = result.body ?? {};
  box.textContent = result.ok ? `valid: ${b.description}, ${b.generators} generator(s)` : `not valid: ${describeFailure(result)}`;
  $("ed-errors").replaceChildren(...[...(b.errors ?? []), ...(b.warnings ?? [])].map((e) => Object.assign(document.createElement("li"), { textContent: e })));
}

function download() {
  const url = URL.createObjectURL(new Blob([toHocon(model)], { type: "text/plain" }));
  const a = Object.assign(document.createElement("a"), { href: url, download: fileName() });
  document.body.appendChild(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

async function copy() {
  try {
    await navigator.clipboard.writeText(toHocon(model));
    note("Copied the scenario.");
  } catch {
    // Without the clipboard API (a page not from 127.0.0.1 or localhost), select the text for the user to copy.
    $("ed-hocon").select();
    note("Select-all done: copy with Ctrl+C.");
  }
}

async function submit() {
  const result = await post(`/experiments?name=${encodeURIComponent(model.name)}&file=${encodeURIComponent(fileName())}`, toHocon(model));
  if (!result.ok) return showValidation(result);
  note(`Submitted as experiment ${result.body.id}.`);
  hooks.follow(result.body.id);
}

function note(text, isError = false) {
  $("ed-note").textContent = text;
  $("ed-note").classList.toggle("error", isError);
}
