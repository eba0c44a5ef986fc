// The live view: the chosen experiment's fabric, redrawn when the experiment changes and recoloured every POLL_MS from one
// /links, one /servers and one status answer (the service shares one snapshot between such requests); progress,
// simulated time and the pause / resume / stop controls; the side panel of what was clicked.

import { getJson, post, experimentPath, describeFailure } from "./api.js";
import { layout } from "./layout.js";
import { draw, element, enableZoom } from "./draw.js";
import { intervalFigures, totals, utilisationColour, directionKey } from "./counters.js";
import { renderPanel } from "./panel.js";
import { count, percent, time } from "./format.js";

const POLL_MS = 500;
const LIST_EVERY = 4;              // ticks between two refreshes of the experiment list
const ENTITIES_DRAWN = 8;          // VMs and containers drawn under a server; more are counted
const LIVE = new Set(["running", "paused"]);

const $ = (id) => document.getElementById(id);

const state = {
  experiments: [],
  choice: "auto",                  // "auto" follows the newest running experiment, else an id
  shown: null,                     // { id, topology, lay, drawn, switchOf }
  previous: null,                  // the last /links answer, for interval figures
  figures: new Map(),
  servers: new Map(),
  finalShown: false,
  selection: null,
  entity: null,
  tick: 0,
};

export function startLive() {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("experiment");
  if (fromHash) state.choice = fromHash;
  $("experiment-select").addEventListener("change", (event) => {
    state.choice = event.target.value;
    history.replaceState(null, "", state.choice === "auto" ? "#" : `#experiment=${encodeURIComponent(state.choice)}`);
  });
  for (const action of ["pause", "resume", "stop"]) $(`btn-${action}`).addEventListener("click", () => control(action));
  $("live-svg").addEventListener("click", () => select(null));
  enableZoom($("live-svg"));
  loop();
}

/** Shows the experiment with `id` next (used by the editor after it submits one). */
export function follow(id) {
  state.choice = id;
  state.tick = 0;
  history.replaceState(null, "", `#experiment=${encodeURIComponent(id)}`);
}

async function loop() {
  try {
    await refresh();
  } catch (error) {
    message(`view error: ${error.message}`);
  }
  setTimeout(loop, POLL_MS);
}

async function refresh() {
  if (state.tick++ % LIST_EVERY === 0 || !state.experiments.length) await refreshList();
  // Behind the editor's tab the view asks for nothing but the list: no counters nobody sees.
  if ($("live-svg").closest("main").hidden && state.shown) return;
  const id = chosenId();
  if (!id) return void message("No experiment yet: submit one (dcsim submit, or the editor's Submit).");
  if (state.shown?.id !== id && !(await show(id))) return;
  const status = await getJson(experimentPath(id));
  if (!status.ok) return void message(describeFailure(status));
  showStatus(status.body);
  const s = status.body.state;
  if (LIVE.has(s) || (s === "completed" && !state.finalShown)) {
    const [links, servers] = await Promise.all([getJson(experimentPath(id, "links")), getJson(experimentPath(id, "servers"))]);
    // 503 while the partitions are being built, 409 if the run ended without results meanwhile: try again next tick.
    if (!links.ok || !servers.ok) return void message(describeFailure(links.ok ? servers : links));
    showCounters(links.body, servers.body);
    state.finalShown = s === "completed";
    message("");
  } else if (s !== "completed") {
    message(`experiment ${id} is ${s}: ${s === "queued" ? "its counters appear once it runs" : "it has no counters"}`);
  }
  if (state.selection?.kind === "entity") {
    const entity = await getJson(experimentPath(id, `entities/${state.selection.name}`));
    state.entity = entity.ok ? entity.body : null;
  }
  renderSelection();
}

async function refreshList() {
  const list = await getJson("/experiments");
  if (!list.ok) return;
  state.experiments = list.body.experiments;
  const select = $("experiment-select");
  const options = [["auto", "newest running"], ...state.experiments.map((e) => [e.id, `${e.id} ${e.name} (${e.state})`])];
  if (select.options.length !== options.length || [...select.options].some((o, i) => o.textContent !== options[i][1])) {
    select.replaceChildren(...options.map(([value, text]) => Object.assign(document.createElement("option"), { value, textContent: text })));
  }
  select.value = state.choice;
}

function chosenId() {
  if (state.choice !== "auto") return state.choice;
  const newest = [...state.experiments].reverse();
  return (newest.find((e) => LIVE.has(e.state)) ?? newest[0])?.id ?? null;
}

async function show(id) {
  const topology = await getJson(experimentPath(id, "topology"));
  if (!topology.ok) {
    message(describeFailure(topology));
    return false;
  }
  const lay = layout(topology.body);
  const switchOf = new Map(topology.body.servers.map((s) => [s.name, s.switch]));
  const drawn = draw($("live-svg"), lay, select);
  state.shown = { id, topology: topology.body, lay, drawn, switchOf };
  Object.assign(state, { previous: null, figures: new Map(), servers: new Map(), finalShown: false, selection: null, entity: null });
  $("topology-description").textContent = `${topology.body.description} (${topology.body.kind})${lay.collapsed ? ": racks collapsed" : ""}`;
  return true;
}

function showStatus(e) {
  $("state").textContent = e.state;
  $("state").className = `state ${e.state}`;
  $("progress").value = e.progress ?? 0;
  $("sim-time").textContent = time(e.simulated_time_ps);
  $("end-time").textContent = time(e.end_time_ps);
  $("btn-pause").disabled = e.state !== "running";
  $("btn-resume").disabled = e.state !== "paused";
  $("btn-stop").disabled = !(LIVE.has(e.state) || e.state === "queued");
}

function showCounters(links, servers) {
  const now = links.simulated_time_ps;
  // A paused run answers the same cut again: keep the last interval's figures rather than show an empty interval.
  if (state.previous && now === state.previous.time) return;
  state.figures = intervalFigures(links.links, now, state.previous);
  state.previous = { time: now, links: new Map(links.links.map((l) => [directionKey(l.from, l.to), l])) };
  state.servers = new Map(servers.servers.map((s) => [s.name, s]));
  const sum = totals(links.links, servers.servers);
  $("sum-packets").textContent = count(sum.packets);
  $("sum-drops").textContent = count(sum.drops);
  $("sum-cache").textContent = sum.cacheHitRatio === null ? "no vSwitch" : `${percent(sum.cacheHitRatio)} (${count(sum.megaflows)} megaflows, ${count(sum.upcalls)} upcalls)`;
  $("sum-entities").textContent = count(sum.entities);
  $("counters-time").textContent = `at ${time(now)}`;
  colourLines();
  labelServers();
}

function colourLines() {
  const { lay, drawn } = state.shown;
  for (const line of lay.lines) {
    const directions = line.links.flatMap((key) => {
      const [a, b] = key.split("|");
      return [state.figures.get(directionKey(a, b)), state.figures.get(directionKey(b, a))].filter(Boolean);
    });
    if (!directions.length) continue;
    const util = Math.max(...directions.map((d) => d.utilisation));
    const queue = Math.max(...directions.map((d) => d.meanQueue));
    const drops = directions.reduce((s, d) => s + d.drops, 0);
    const path = drawn.lines.get(line.key);
    path.style.stroke = utilisationColour(util);
    path.style.strokeWidth = (2 + Math.min(6, queue)).toFixed(1);
    path.classList.toggle("dropping", drops > 0);
    path.firstChild.textContent = `${line.key.replace("|", " – ")}: ${percent(util)} busy, mean queue ${queue.toFixed(2)} packets, ${count(drops)} drops (last interval)`;
  }
}

function labelServers() {
  const { drawn } = state.shown;
  for (const [name, server] of state.servers) {
    const sub = drawn.subLabels.get(name);
    if (sub && server.vswitch) {
      const v = server.vswitch;
      sub.textContent = v.packets > 0 ? `cache ${((100 * (v.exact_match_hits + v.megaflow_hits)) / v.packets).toFixed(0)}%` : "cache –";
    }
    const group = drawn.entities.get(name);
    if (group) drawEntities(group, server.entities);
  }
}

function drawEntities(group, entities) {
  group.replaceChildren();
  entities.slice(0, ENTITIES_DRAWN).forEach((e, i) => {
    const box = element("rect", { class: `entity ${e.kind} ${e.state}`, x: -22 + (i % 4) * 11, y: Math.floor(i / 4) * 11, width: 9, height: 9 }, group);
    element("title", {}, box, `${e.path} (${e.kind}, ${e.state})`);
    box.addEventListener("click", (event) => {
      event.stopPropagation();
      select({ kind: "entity", name: e.path });
    });
  });
  if (entities.length > ENTITIES_DRAWN) element("text", { class: "sub", x: 0, y: 34 }, group, `+${entities.length - ENTITIES_DRAWN}`);
}

function select(selection) {
  state.selection = selection;
  state.entity = null;
  const drawn = state.shown?.drawn;
  for (const e of [...(drawn?.nodes.values() ?? []), ...(drawn?.lines.values() ?? [])]) e.classList.remove("selected");
  const name = selection?.kind === "rack" ? `rack:${selection.name}` : selection?.name;
  (selection?.kind === "link" ? drawn?.lines : drawn?.nodes)?.get(name)?.classList.add("selected");
  if (selection?.kind === "entity" && state.shown)
    getJson(experimentPath(state.shown.id, `entities/${selection.name}`)).then((r) => {
      state.entity = r.ok ? r.body : null;
      renderSelection();
    });
  renderSelection();
}

function renderSelection() {
  renderPanel($("panel"), state.selection, {
    servers: state.servers,
    figures: state.figures,
    entity: state.entity,
    onSelect: select,
    switchOf: (server) => state.shown?.switchOf.get(server),
  });
}

async function control(action) {
  const id = chosenId();
  if (!id) return;
  const result = await post(experimentPath(id, action));
  message(result.ok ? "" : describeFailure(result));
  if (result.ok) showStatus(result.body);
}

function message(text) {
  $("live-message").textContent = text;
}

/** The topology the live view shows, for the editor to start from; null when it shows none. */
export const shownTopology = () => state.shown?.topology ?? null;
