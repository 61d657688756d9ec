// Left rail: the folders with their counts and unread markers; loads /inbox/counts (debounced).
import { get } from "./api.js";
import { debounce, h, replace } from "./dom.js";
import { FOLDERS } from "./labels.js";

export function createFolders({ onSelect, onCounts = () => {} }) {
  const items = new Map();
  const nav = h("nav", { class: "folders", "aria-label": "Folders" });
  const list = h("ul", { class: "folder-list" });
  for (const folder of FOLDERS) {
    const count = h("span", { class: "folder-count", "data-testid": "folder-count" });
    const dot = h("span", { class: "folder-unread", hidden: true });
    const button = h(
      "button",
      {
        type: "button",
        class: "folder",
        "data-testid": "folder",
        "data-folder": folder.key,
        onclick: () => onSelect(folder.key),
      },
      h("span", { class: "folder-label" }, folder.label),
      dot,
      count,
    );
    items.set(folder.key, { button, count, dot });
    list.append(h("li", {}, button));
  }
  nav.append(h("h2", { class: "pane-title" }, "Inbox"), list);

  let counts = null;

  function setActive(key) {
    for (const [folder, item] of items) {
      if (folder === key) item.button.setAttribute("aria-current", "true");
      else item.button.removeAttribute("aria-current");
    }
  }

  function render() {
    if (!counts) return;
    for (const [folder, item] of items) {
      const entry = counts[folder] || { count: 0, unread: 0 };
      item.count.textContent = String(entry.count ?? 0);
      const unread = entry.unread || 0;
      item.dot.hidden = unread === 0;
      replace(item.dot, h("span", { class: "sr-only" }, `${unread} unread`));
      item.button.classList.toggle("has-unread", unread > 0);
      item.button.title = unread ? `${entry.count} conversations, ${unread} with unread messages` : "";
    }
  }

  async function refresh() {
    try {
      counts = await get("/api/v1/inbox/counts");
      render();
      onCounts(counts);
    } catch {
      // Counts are a convenience: the list still works; the next event retries.
    }
  }

  return { el: nav, setActive, refresh, refreshSoon: debounce(refresh, 300), counts: () => counts };
}
