// Canned responses in the composer: typing "/short" opens a menu; arrows choose, Tab/Enter inserts.
import { get } from "./api.js";
import { h, replace } from "./dom.js";

const TOKEN = /(^|\s)\/([a-z0-9_-]*)$/i;
const FRESH_FOR = 60 * 1000;
let cache = null;
let loadedAt = 0;
let pending = null;

async function fetchAll() {
  try {
    const page = await get("/api/v1/canned-responses");
    cache = page.data || [];
    loadedAt = Date.now();
  } catch {
    // Keep what we had; the next "/" tries again.
  } finally {
    pending = null;
  }
  return cache || [];
}

/** The canned responses: cached, refreshed in the background once a minute old. */
async function load() {
  const stale = Date.now() - loadedAt > FRESH_FOR;
  if (stale && !pending) pending = fetchAll();
  if (cache) return cache;
  return pending || cache || [];
}

/**
 * Attach the picker to a textarea. onInsert() runs after text was inserted (to refresh counters).
 * Returns {el, handleKey(event) -> bool (consumed), close(), isOpen()}.
 */
export function attachCanned(textarea, { onInsert }) {
  const menu = h("div", {
    class: "canned-menu",
    role: "listbox",
    "aria-label": "Canned responses",
    "data-testid": "canned-menu",
    id: "canned-menu",
    hidden: true,
  });
  let matches = [];
  let active = 0;
  let tokenStart = -1;
  let seq = 0;

  function close() {
    menu.hidden = true;
    matches = [];
    tokenStart = -1;
    textarea.removeAttribute("aria-activedescendant");
    textarea.setAttribute("aria-expanded", "false");
  }

  function render() {
    const items = matches.map((item, index) =>
      h(
        "div",
        {
          class: ["canned-item", index === active ? "is-active" : ""],
          role: "option",
          id: `canned-item-${item.id}`,
          "aria-selected": index === active ? "true" : "false",
          "data-testid": "canned-item",
          "data-shortcut": item.shortcut,
          onmousedown: (event) => {
            event.preventDefault(); // keep the focus in the textarea
            active = index;
            insert();
          },
        },
        h("span", { class: "canned-shortcut" }, `/${item.shortcut}`),
        h("span", { class: "canned-body" }, item.body),
      ),
    );
    replace(menu, items.length ? h("div", { class: "canned-title" }, "Canned responses · ↑↓ choose · Tab inserts") : null, items);
    menu.hidden = items.length === 0;
    textarea.setAttribute("aria-expanded", menu.hidden ? "false" : "true");
    if (!menu.hidden) {
      textarea.setAttribute("aria-activedescendant", `canned-item-${matches[active].id}`);
      const node = menu.querySelectorAll(".canned-item")[active];
      if (node) node.scrollIntoView({ block: "nearest" });
    }
  }

  async function update() {
    const caret = textarea.selectionStart;
    if (caret !== textarea.selectionEnd) return close();
    const match = TOKEN.exec(textarea.value.slice(0, caret));
    if (!match) return close();
    const token = match[2].toLowerCase();
    const start = caret - match[2].length - 1;
    const mine = ++seq;
    const all = await load();
    if (mine !== seq) return;
    const starts = all.filter((c) => c.shortcut.startsWith(token));
    const contains = all.filter((c) => !c.shortcut.startsWith(token) && c.shortcut.includes(token));
    matches = [...starts, ...contains].slice(0, 8);
    if (tokenStart !== start) active = 0;
    active = Math.min(active, Math.max(0, matches.length - 1));
    tokenStart = start;
    render();
  }

  function insert() {
    const item = matches[active];
    if (!item || tokenStart < 0) return;
    const caret = textarea.selectionStart;
    const before = textarea.value.slice(0, tokenStart);
    const after = textarea.value.slice(caret);
    textarea.value = before + item.body + after;
    const position = before.length + item.body.length;
    textarea.setSelectionRange(position, position);
    close();
    onInsert();
  }

  function handleKey(event) {
    if (menu.hidden || !matches.length) return false;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      active = (active + (event.key === "ArrowDown" ? 1 : -1) + matches.length) % matches.length;
      render();
    } else if ((event.key === "Tab" && !event.shiftKey) || (event.key === "Enter" && !event.ctrlKey && !event.metaKey)) {
      insert();
    } else if (event.key === "Escape") {
      close();
    } else {
      return false;
    }
    event.preventDefault();
    event.stopPropagation();
    return true;
  }

  textarea.setAttribute("aria-controls", "canned-menu");
  textarea.setAttribute("aria-autocomplete", "list");
  textarea.addEventListener("input", update);
  textarea.addEventListener("click", update);
  textarea.addEventListener("blur", () => setTimeout(close, 150));
  load();

  return { el: menu, handleKey, close, isOpen: () => !menu.hidden };
}
