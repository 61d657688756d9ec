// Middle-left pane: search box and the conversation list of one folder (keyset paging, live updates).
import { errorText, get } from "./api.js";
import { debounce, h, replace } from "./dom.js";
import { contactName, folderInfo, inFolder, statusHint, statusLabel, userName } from "./labels.js";
import { relative } from "./time.js";

const PAGE = 30;

function activityOf(conv) {
  return Date.parse(conv.last_message_at || conv.created_at || 0) || 0;
}

function newestFirst(a, b) {
  return activityOf(b) - activityOf(a) || b.id - a.id;
}

export function createList({ meId, onOpen }) {
  const convs = new Map(); // id -> conversation, for the rows shown
  const rows = new Map(); // id -> row element
  let order = [];
  let folder = "needs_agent";
  let q = "";
  let nextCursor = null;
  let selectedId = null;
  let highlightedId = null;
  let loadToken = 0;

  const search = h("input", {
    type: "search",
    class: "search",
    "data-testid": "search",
    placeholder: "Search name, number, text",
    title: "Search (/)",
    "aria-label": "Search conversations",
    autocomplete: "off",
    spellcheck: "false",
  });
  const title = h("h2", { class: "pane-title" }, "");
  const listEl = h("div", {
    class: "conversation-list",
    role: "listbox",
    "aria-label": "Conversations",
    "data-testid": "conversation-list",
  });
  const state = h("div", { class: "list-state", role: "status" });
  const loadMore = h(
    "button",
    { type: "button", class: "button load-more", "data-testid": "load-more", hidden: true, onclick: () => more() },
    "Load more",
  );
  const scroller = h("div", { class: "list-scroll" }, listEl, state, loadMore);
  const el = h("section", { class: "list-pane", "aria-label": "Conversation list" }, h("div", { class: "list-head" }, title, search), scroller);

  search.addEventListener(
    "input",
    debounce(() => {
      q = search.value.trim();
      reload();
    }, 250),
  );
  search.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      if (search.value) {
        search.value = "";
        q = "";
        reload();
      } else {
        search.blur();
      }
    } else if (event.key === "ArrowDown" || event.key === "Enter") {
      event.preventDefault();
      search.blur();
      if (order.length) highlight(order[0]);
    }
  });

  function row(conv) {
    const unread = conv.unread_count || 0;
    const last = conv.last_message;
    let who = null;
    if (last && last.direction === "outbound") {
      who = last.sender === "bot" ? "Bot: " : last.sender === "agent" ? "Agent: " : last.sender === "system" ? "System: " : "";
    }
    const assignee = conv.assignee
      ? h("span", { class: "chip chip-assignee" }, conv.assignee.id === meId ? "You" : userName(conv.assignee))
      : null;
    const el = h(
      "a",
      {
        class: ["row", unread ? "is-unread" : "", conv.id === highlightedId ? "is-highlighted" : ""],
        href: `/conversations/${conv.id}`,
        role: "option",
        "data-testid": "conversation-row",
        "data-id": conv.id,
        "data-status": conv.status,
        "aria-selected": conv.id === selectedId ? "true" : "false",
        onclick: (event) => {
          if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
          event.preventDefault();
          highlightedId = conv.id;
          onOpen(conv.id);
        },
      },
      h(
        "span",
        { class: "row-top" },
        h("span", { class: "row-name", "data-testid": "row-name" }, contactName(conv.contact)),
        h("time", { class: "row-time", datetime: conv.last_message_at || "" }, relative(conv.last_message_at)),
      ),
      h(
        "span",
        { class: "row-mid" },
        h(
          "span",
          { class: "row-preview-line" },
          who ? h("span", { class: "row-who" }, who) : null,
          h("span", { class: "row-preview", "data-testid": "row-preview" }, last ? last.body || (last.media ? "Attachment" : "") : ""),
        ),
        unread ? h("span", { class: "badge", "data-testid": "row-unread", "aria-label": `${unread} unread` }, String(unread)) : null,
      ),
      h(
        "span",
        { class: "row-meta" },
        h("span", { class: `chip chip-${conv.status}`, title: statusHint(conv.status) }, statusLabel(conv.status)),
        assignee,
        conv.contact && conv.contact.opted_out ? h("span", { class: "chip chip-optout" }, "Opted out") : null,
        conv.contact && conv.contact.name ? h("span", { class: "row-phone" }, conv.contact.phone) : null,
      ),
    );
    return el;
  }

  function renderState(message, kind = "empty") {
    state.className = `list-state list-state-${kind}`;
    if (!message) {
      replace(state);
      state.hidden = true;
      return;
    }
    state.hidden = false;
    if (kind === "empty" && !q) {
      const info = folderInfo(folder);
      replace(state, h("p", { class: "empty-title" }, info.empty), info.hint ? h("p", { class: "muted" }, info.hint) : null);
    } else {
      replace(state, h("p", {}, message));
    }
  }

  function renderAll() {
    order.sort((a, b) => newestFirst(convs.get(a), convs.get(b)));
    rows.clear();
    const nodes = order.map((id) => {
      const node = row(convs.get(id));
      rows.set(id, node);
      return node;
    });
    replace(listEl, nodes);
    loadMore.hidden = !nextCursor;
    if (order.length === 0) renderState(q ? `No conversations match “${q}”.` : "empty");
    else renderState(null);
  }

  function setTitle() {
    title.textContent = folderInfo(folder).label;
  }

  async function fetchPage(cursor, limit = PAGE) {
    return get("/api/v1/conversations", { folder, q, limit, cursor });
  }

  async function reload() {
    const token = ++loadToken;
    setTitle();
    if (order.length === 0) renderState("Loading conversations…", "loading");
    listEl.setAttribute("aria-busy", "true");
    try {
      const page = await fetchPage(null, Math.min(100, Math.max(PAGE, order.length)));
      if (token !== loadToken) return;
      convs.clear();
      order = [];
      for (const conv of page.data) {
        convs.set(conv.id, conv);
        order.push(conv.id);
      }
      nextCursor = page.next_cursor;
      renderAll();
    } catch (error) {
      if (token !== loadToken) return;
      convs.clear();
      order = [];
      nextCursor = null;
      renderAll();
      renderState(`Could not load conversations: ${errorText(error)}`, "error");
    } finally {
      if (token === loadToken) listEl.removeAttribute("aria-busy");
    }
  }

  async function more() {
    if (!nextCursor) return;
    const token = loadToken;
    loadMore.disabled = true;
    loadMore.textContent = "Loading…";
    try {
      const page = await fetchPage(nextCursor);
      if (token !== loadToken) return;
      for (const conv of page.data) {
        if (!convs.has(conv.id)) order.push(conv.id);
        convs.set(conv.id, conv);
      }
      nextCursor = page.next_cursor;
      renderAll();
    } catch (error) {
      renderState(`Could not load more: ${errorText(error)}`, "error");
    } finally {
      loadMore.disabled = false;
      loadMore.textContent = "Load more";
    }
  }

  function replaceRow(id) {
    const old = rows.get(id);
    if (!old) return;
    const node = row(convs.get(id));
    rows.set(id, node);
    old.replaceWith(node);
  }

  /** conversation.created / conversation.updated / a PATCH answer. */
  function upsert(conv) {
    const known = convs.get(conv.id);
    const merged = known ? { ...known, ...conv } : conv;
    if (known && !conv.last_message && known.last_message) merged.last_message = known.last_message;
    const belongs = inFolder(merged, folder, meId);
    if (!belongs) {
      if (known) {
        convs.delete(conv.id);
        order = order.filter((id) => id !== conv.id);
        if (highlightedId === conv.id) highlightedId = null;
        renderAll();
      }
      return;
    }
    if (!known && q) return; // a search shows what the server matched; new arrivals wait for the next search
    if (!known && nextCursor && order.length && newestFirst(merged, convs.get(order[order.length - 1])) > 0) {
      return; // older than the loaded page: "Load more" brings it
    }
    convs.set(conv.id, merged);
    if (!known) order.push(conv.id);
    const position = order.indexOf(conv.id);
    const sorted = [...order].sort((a, b) => newestFirst(convs.get(a), convs.get(b)));
    if (known && sorted.indexOf(conv.id) === position) replaceRow(conv.id);
    else renderAll();
  }

  /** message.created: the row's preview and time move with the text. */
  function applyMessage(msg) {
    const conv = convs.get(msg.conversation_id);
    if (!conv) return;
    conv.last_message = { body: msg.body, direction: msg.direction, sender: msg.sender, created_at: msg.created_at };
    if (!conv.last_message_at || Date.parse(msg.created_at) >= Date.parse(conv.last_message_at)) {
      conv.last_message_at = msg.created_at;
    }
    upsert(conv);
  }

  /** contact.updated: rename / opt-out shows on every row of that contact. */
  function applyContact(contact) {
    for (const [id, conv] of convs) {
      if (conv.contact && conv.contact.id === contact.id) {
        conv.contact = { ...conv.contact, ...contact };
        replaceRow(id);
      }
    }
  }

  function markRead(id) {
    const conv = convs.get(id);
    if (conv && conv.unread_count) {
      conv.unread_count = 0;
      replaceRow(id);
    }
  }

  function setSelected(id) {
    selectedId = id;
    if (id !== null) highlightedId = id;
    for (const [rowId, node] of rows) {
      node.setAttribute("aria-selected", rowId === id ? "true" : "false");
      node.classList.toggle("is-highlighted", rowId === highlightedId);
    }
  }

  function highlight(id) {
    highlightedId = id;
    for (const [rowId, node] of rows) node.classList.toggle("is-highlighted", rowId === id);
    const node = rows.get(id);
    if (node) {
      node.scrollIntoView({ block: "nearest" });
      node.focus({ preventScroll: true });
    }
  }

  /** j/k: move the highlight (starting from the open conversation). */
  function move(delta) {
    if (!order.length) return;
    const current = order.indexOf(highlightedId ?? selectedId);
    const next = current === -1 ? (delta > 0 ? 0 : order.length - 1) : Math.min(order.length - 1, Math.max(0, current + delta));
    highlight(order[next]);
  }

  function openHighlighted() {
    const id = highlightedId ?? order[0];
    if (id !== undefined && id !== null) onOpen(id);
  }

  function setFolder(key) {
    folder = key;
    order = [];
    convs.clear();
    nextCursor = null;
    replace(listEl);
    reload();
  }

  function refreshTimes() {
    for (const [id, node] of rows) {
      const time = node.querySelector(".row-time");
      if (time) time.textContent = relative(convs.get(id).last_message_at);
    }
  }

  return {
    el,
    search,
    setFolder,
    reload,
    upsert,
    applyMessage,
    applyContact,
    markRead,
    setSelected,
    move,
    openHighlighted,
    refreshTimes,
    get: (id) => convs.get(id),
    folder: () => folder,
  };
}
