// The web view of the experiment service (docs/webview.md): two tabs, the live view of a run and the topology editor.

import { startLive, follow, shownTopology } from "./live.js";
import { startEditor } from "./editor.js";

function showTab(name) {
  for (const tab of document.querySelectorAll("[data-tab]")) tab.classList.toggle("active", tab.dataset.tab === name);
  for (const view of document.querySelectorAll("[data-view]")) view.hidden = view.dataset.view !== name;
}

for (const tab of document.querySelectorAll("[data-tab]")) tab.addEventListener("click", () => showTab(tab.dataset.tab));
startLive();
startEditor({
  shownTopology,
  follow: (id) => {
    follow(id);
    showTab("live");
  },
});
showTab("live");
