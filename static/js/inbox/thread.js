// Centre pane: the open conversation: header with actions and presence, the contact's timeline, composer.
import { errorText, get, patch } from "./api.js";
import { conversationDivider, dayDivider, messageNode, noteNode } from "./bubbles.js";
import { createComposer } from "./composer.js";
import { h, replace } from "./dom.js";
import { contactName, initials, statusHint, statusLabel, userName } from "./labels.js";
import { dayKey } from "./time.js";

const TIMELINE_PAGE = 50;
const NEAR_BOTTOM = 120;

const key = (item) => `${item.type}:${item.id}`;
const when = (item) => Date.parse(item.created_at || 0) || 0;
const chronological = (a, b) => when(a) - when(b) || (a.type === b.type ? a.id - b.id : a.type === "message" ? -1 : 1);

/**
 * meId, isAdmin (campaign marks link to the campaign's page), users() -> [user], onConversation(conv) after an action changed it, onOpen(id) to open another
 * conversation of the contact, onTyping(conversationId), onToggleContact().
 */
export function createThread({ meId, isAdmin, users, onConversation, onOpen, onTyping, onToggleContact }) {
  let conv = null;
  let contact = null;
  let items = new Map();
  let nextCursor = null;
  let usingTimeline = false;
  let convInfo = new Map(); // conversation id -> {status, created_at}
  let openToken = 0;
  let wantFocus = false; // "r" pressed while the conversation was still loading
  let currentId = null; // the conversation shown (set at once, before it has loaded)
  let touched = new Set(); // timeline keys that live events or sends added while loading
  const viewersBy = new Map(); // conversation id -> viewers (presence can arrive before the thread loads)
  const typers = new Map(); // user id -> {user, timer}
  let viewers = [];

  const title = h("h1", { class: "thread-title", "data-testid": "thread-title" });
  const subtitle = h("div", { class: "thread-subtitle" });
  const status = h("span", { class: "chip", "data-testid": "thread-status" });
  const assigneeText = h("span", { class: "thread-assignee" });
  const viewersEl = h("div", { class: "viewers", "data-testid": "viewers", hidden: true });
  const actions = h("div", { class: "thread-actions", role: "toolbar", "aria-label": "Conversation actions" });
  const actionError = h("p", { class: "thread-error", role: "alert", hidden: true });
  const header = h(
    "header",
    { class: "thread-head" },
    h("div", { class: "thread-who" }, title, h("div", { class: "thread-line" }, status, assigneeText, subtitle)),
    viewersEl,
    actions,
  );
  const olderButton = h("button", { type: "button", class: "button small older", hidden: true, onclick: () => loadOlder() }, "Load earlier messages");
  const itemsEl = h("div", { class: "thread-items", role: "log", "aria-label": "Messages", "aria-live": "polite" });
  const state = h("div", { class: "thread-state", hidden: true });
  const scroller = h("div", { class: "thread-scroll" }, olderButton, state, itemsEl);
  const jump = h("button", { type: "button", class: "jump", hidden: true, onclick: () => scrollToBottom(true) }, "New messages ↓");
  const typing = h("div", { class: "typing", "data-testid": "typing", "aria-live": "polite", hidden: true });
  const newer = h("div", { class: "newer-notice", role: "status", hidden: true });
  const composer = createComposer({ onSent: (item) => addItem(item, true), onTyping });
  const body = h("div", { class: "thread-body", hidden: true }, header, actionError, scroller, jump, typing, newer, composer.el);
  const placeholderTitle = h("p", { class: "empty-title" });
  const placeholderText = h("p", { class: "muted" });
  const placeholder = h("div", { class: "thread-empty" }, placeholderTitle, placeholderText);

  function showPlaceholder(heading, text) {
    placeholderTitle.textContent = heading;
    placeholderText.textContent = text;
    placeholder.hidden = false;
    body.hidden = true;
  }

  const el = h("section", { class: "thread-pane", "data-testid": "thread", "aria-label": "Conversation" }, placeholder, body);
  showPlaceholder("Pick a conversation", "j / k to move, Enter to open, ? for all shortcuts.");

  // Stay pinned to the newest message while the pane or the composer changes size.
  let pinned = true;
  scroller.addEventListener("scroll", () => {
    pinned = nearBottom();
    if (pinned) jump.hidden = true;
  });
  new ResizeObserver(() => {
    if (pinned) scroller.scrollTop = scroller.scrollHeight;
  }).observe(scroller);

  function nearBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_BOTTOM;
  }

  function scrollToBottom(force = false) {
    if (force || nearBottom()) {
      scroller.scrollTop = scroller.scrollHeight;
      jump.hidden = true;
      pinned = true;
    }
  }

  // ---- header -------------------------------------------------------------------------------

  function actionButton(testid, label, hint, payload, kind = "") {
    return h(
      "button",
      { type: "button", class: ["button", "small", kind], "data-testid": testid, title: hint, onclick: () => act(payload) },
      label,
    );
  }

  function assignSelect() {
    const select = h("select", { class: "assign", "data-testid": "action-assign", "aria-label": "Assign to" });
    const people = users().filter((u) => u.active !== false || (conv.assignee && conv.assignee.id === u.id));
    if (conv.assignee && !people.some((u) => u.id === conv.assignee.id)) people.push(conv.assignee);
    select.append(h("option", { value: "", selected: !conv.assignee, disabled: true }, conv.assignee ? "Assign to…" : "Unassigned"));
    for (const user of people) {
      const label = user.id === meId ? `${userName(user)} (me)` : userName(user);
      select.append(h("option", { value: String(user.id), selected: Boolean(conv.assignee && conv.assignee.id === user.id) }, label));
    }
    select.addEventListener("change", () => {
      if (select.value) act({ assignee_id: Number(select.value) });
    });
    return select;
  }

  /** Which actions make sense for the conversation's status. */
  function renderActions() {
    const buttons = [];
    const mine = conv.assignee && conv.assignee.id === meId;
    if (conv.status === "resolved") {
      buttons.push(actionButton("action-reopen", "Reopen", "Open it again", { status: "open" }));
    } else {
      if (!mine) buttons.push(actionButton("action-take", "Take", "Assign to me (t)", { assignee_id: meId }, "primary"));
      buttons.push(assignSelect());
      if (conv.status !== "bot") {
        buttons.push(actionButton("action-to-bot", "Back to bot", "Unassign and let the bot answer again", { status: "bot", assignee_id: null }));
      }
      buttons.push(actionButton("action-resolve", "Resolve", "Close the conversation (e)", { status: "resolved" }));
    }
    buttons.push(h("button", { type: "button", class: "button small contact-toggle", onclick: onToggleContact, title: "Contact details" }, "Details"));
    replace(actions, buttons);
  }

  function renderHeader() {
    title.textContent = contactName(contact);
    subtitle.textContent = contact && contact.name ? contact.phone : "";
    status.textContent = statusLabel(conv.status);
    status.className = `chip chip-${conv.status}`;
    status.title = statusHint(conv.status);
    status.dataset.status = conv.status;
    if (conv.status === "resolved") assigneeText.textContent = "";
    else if (conv.assignee) assigneeText.textContent = conv.assignee.id === meId ? "Assigned to you" : `Assigned to ${userName(conv.assignee)}`;
    else assigneeText.textContent = conv.status === "bot" ? "" : "Unassigned";
    renderActions();
    renderNewer();
    el.dataset.status = conv.status;
  }

  /** The contact's current conversation, when the open one is resolved and another one is live. */
  function currentElsewhere() {
    if (!conv) return null;
    let best = null;
    for (const info of convInfo.values()) {
      if (info.id !== conv.id && info.status && info.status !== "resolved" && (!best || info.id > best.id)) best = info;
    }
    return best;
  }

  function renderNewer() {
    const other = conv && conv.status === "resolved" ? currentElsewhere() : null;
    newer.hidden = !other;
    if (!other) return replace(newer);
    return replace(
      newer,
      `${contactName(contact)} has a newer conversation (#${other.id}, ${statusLabel(other.status).toLowerCase()}). `,
      h("button", { type: "button", class: "link-button", onclick: () => onOpen(other.id) }, `Go to #${other.id}`),
    );
  }

  async function act(payload) {
    if (!conv) return;
    const id = conv.id;
    actionError.hidden = true;
    for (const control of actions.querySelectorAll("button, select")) control.disabled = true;
    try {
      const updated = await patch(`/api/v1/conversations/${id}`, payload);
      if (conv && conv.id === id) applyConversation(updated);
      onConversation(updated);
    } catch (error) {
      if (conv && conv.id === id) {
        const other = error.code === "conversation_conflict" ? currentElsewhere() : null;
        replace(
          actionError,
          errorText(error),
          other ? [" ", h("button", { type: "button", class: "link-button", onclick: () => onOpen(other.id) }, `Go to #${other.id}`)] : null,
        );
        actionError.hidden = false;
        renderActions();
      }
    }
  }

  // ---- presence -------------------------------------------------------------------------------

  function renderTyping() {
    const names = [...typers.values()].map((t) => userName(t.user));
    typing.hidden = names.length === 0;
    typing.textContent = names.length === 0 ? "" : names.length === 1 ? `${names[0]} is typing…` : `${names.join(" and ")} are typing…`;
  }

  function presenceTyping({ conversation_id: id, user }) {
    if (id !== currentId || !user || user.id === meId) return;
    const known = typers.get(user.id);
    if (known) clearTimeout(known.timer);
    const timer = setTimeout(() => {
      typers.delete(user.id);
      renderTyping();
    }, 4000);
    typers.set(user.id, { user, timer });
    renderTyping();
  }

  function clearTyping() {
    for (const t of typers.values()) clearTimeout(t.timer);
    typers.clear();
    renderTyping();
  }

  function presenceViewing({ conversation_id: id, viewers: list }) {
    const others = (list || []).filter((u) => u && u.id !== meId);
    if (others.length) viewersBy.set(id, others);
    else viewersBy.delete(id);
    if (id !== currentId) return;
    viewers = others;
    renderViewers();
  }

  function renderViewers() {
    viewersEl.hidden = viewers.length === 0;
    const names = viewers.map(userName);
    viewersEl.title = names.length ? `Also viewing: ${names.join(", ")}` : "";
    replace(
      viewersEl,
      viewers.length ? h("span", { class: "viewers-label" }, "Also here") : null,
      viewers.map((u) => h("span", { class: "avatar", title: userName(u), "aria-label": userName(u) }, initials(userName(u)))),
      viewers.length ? h("span", { class: "sr-only" }, names.join(", ")) : null,
    );
  }

  // ---- timeline ---------------------------------------------------------------------------------

  const nodeOf = (item) => (item.type === "note" ? noteNode(item, { meId }) : messageNode(item, { contact, meId, isAdmin }));

  function dividerFor(item) {
    return conversationDivider(item.conversation_id, {
      current: item.conversation_id === conv.id,
      info: item.conversation_id === conv.id ? conv : convInfo.get(item.conversation_id),
      onOpen,
    });
  }

  function render() {
    const sorted = [...items.values()].sort(chronological);
    const nodes = [];
    let previous = null;
    for (const item of sorted) {
      if (!previous || previous.conversation_id !== item.conversation_id) nodes.push(dividerFor(item));
      else if (dayKey(previous.created_at) !== dayKey(item.created_at)) nodes.push(dayDivider(item.created_at));
      nodes.push(nodeOf(item));
      previous = item;
    }
    replace(itemsEl, nodes);
    if (!sorted.length) {
      state.hidden = false;
      state.textContent = "No messages yet.";
    } else {
      state.hidden = true;
    }
  }

  function lastItem() {
    let last = null;
    for (const item of items.values()) if (!last || chronological(item, last) > 0) last = item;
    return last;
  }

  /** A new or changed timeline item (from a send or a live event). */
  function addItem(item, own = false) {
    if (!conv) return;
    const k = key(item);
    touched.add(k);
    const known = items.get(k);
    if (known) {
      items.set(k, { ...known, ...item });
      const old = itemsEl.querySelector(`[data-key="${k}"]`);
      if (old) old.replaceWith(nodeOf(items.get(k)));
      return;
    }
    const wasNear = nearBottom();
    const last = lastItem();
    items.set(k, item);
    if (last && chronological(item, last) > 0) {
      if (last.conversation_id !== item.conversation_id) itemsEl.append(dividerFor(item));
      else if (dayKey(last.created_at) !== dayKey(item.created_at)) itemsEl.append(dayDivider(item.created_at));
      itemsEl.append(nodeOf(item));
      state.hidden = true;
    } else {
      render();
    }
    if (own || wasNear) scrollToBottom(true);
    else jump.hidden = false;
  }

  function belongs(item) {
    if (!conv) return false;
    if (item.contact_id !== undefined && item.contact_id !== null && contact) return item.contact_id === contact.id;
    return item.conversation_id === conv.id;
  }

  async function loadTimeline(contactId, cursor) {
    const page = await get(`/api/v1/contacts/${contactId}/timeline`, { limit: TIMELINE_PAGE, cursor });
    return page;
  }

  /**
   * Show conversation id. preview (the list's copy, if any) fills the header and readies the composer at
   * once; the full conversation and the contact's timeline follow.
   */
  async function open(id, preview = null) {
    const token = ++openToken;
    placeholder.hidden = true;
    body.hidden = false;
    actionError.hidden = true;
    jump.hidden = true;
    olderButton.hidden = true;
    if (currentId !== id) {
      currentId = id;
      delete el.dataset.conversationId; // set again once the conversation has loaded
      clearTyping();
      viewers = viewersBy.get(id) || [];
      renderViewers();
      convInfo = new Map();
      items = new Map();
      touched = new Set();
      nextCursor = null;
      usingTimeline = false;
      replace(itemsEl);
      state.hidden = false;
      state.textContent = "Loading conversation…";
      if (preview) {
        conv = { ...preview };
        contact = { ...preview.contact };
        renderHeader();
        composer.setConversation(conv, contact);
      } else {
        // Only the id is known yet: enough to type (and even send) while the rest loads.
        conv = { id, status: null, assignee: null };
        contact = null;
        composer.setConversation(conv, null);
        replace(actions);
        title.textContent = "";
        subtitle.textContent = "";
        status.textContent = "";
        assigneeText.textContent = "";
        newer.hidden = true;
      }
    }
    let detail;
    try {
      detail = await get(`/api/v1/conversations/${id}`);
    } catch (error) {
      if (token !== openToken) return null;
      conv = null;
      contact = null;
      composer.setConversation(null, null);
      if (error.status === 404) showPlaceholder("Conversation not found", "It may have been deleted, or the link is wrong.");
      else showPlaceholder("Could not load the conversation", errorText(error));
      return null;
    }
    if (token !== openToken) return null;
    const { messages = [], ...conversation } = detail;
    conv = conversation;
    contact = { ...conversation.contact };
    // Merge, not replace: what arrived live while loading is at least as new as the fetched copy.
    const merge = (item) => {
      const k = key(item);
      items.set(k, touched.has(k) ? { ...item, ...items.get(k) } : item);
    };
    try {
      const page = await loadTimeline(contact.id, null);
      if (token !== openToken) return null;
      page.data.forEach(merge);
      if (!usingTimeline || !nextCursor) nextCursor = page.next_cursor;
      usingTimeline = true;
    } catch {
      if (token !== openToken) return null;
      usingTimeline = false;
      messages.forEach((msg) => merge({ type: "message", ...msg }));
    }
    touched = new Set();
    renderHeader();
    composer.setConversation(conv, contact);
    render();
    el.dataset.conversationId = String(id);
    olderButton.hidden = !nextCursor;
    scrollToBottom(true);
    if (wantFocus) {
      wantFocus = false;
      composer.focus();
    }
    return conv;
  }

  async function loadOlder() {
    if (!nextCursor || !conv || !usingTimeline) return;
    const id = conv.id;
    olderButton.disabled = true;
    try {
      const page = await loadTimeline(contact.id, nextCursor);
      if (!conv || conv.id !== id) return;
      const fromBottom = scroller.scrollHeight - scroller.scrollTop;
      for (const item of page.data) if (!items.has(key(item))) items.set(key(item), item);
      nextCursor = page.next_cursor;
      render();
      scroller.scrollTop = scroller.scrollHeight - fromBottom;
      olderButton.hidden = !nextCursor;
    } catch (error) {
      actionError.textContent = `Could not load earlier messages: ${errorText(error)}`;
      actionError.hidden = false;
    } finally {
      olderButton.disabled = false;
    }
  }

  function close() {
    openToken++;
    currentId = null;
    conv = null;
    contact = null;
    items = new Map();
    clearTyping();
    composer.setConversation(null, null);
    delete el.dataset.conversationId;
    delete el.dataset.status;
    showPlaceholder("Pick a conversation", "j / k to move, Enter to open, ? for all shortcuts.");
  }

  // ---- live events ------------------------------------------------------------------------------

  function applyMessage(msg) {
    if (!belongs(msg)) return false;
    if (msg.direction === "inbound" && msg.sender_user === undefined) msg.sender_user = null;
    addItem({ type: "message", ...msg });
    if (msg.direction === "inbound" && conv) {
      typers.clear();
      renderTyping();
    }
    return true;
  }

  function applyNote(note) {
    if (!belongs(note)) return;
    addItem({ type: "note", ...note });
  }

  function applyConversation(updated) {
    if (conv && updated.id === conv.id) {
      const statusChanged = updated.status !== conv.status;
      conv = { ...conv, ...updated };
      if (updated.contact) contact = { ...contact, ...updated.contact };
      renderHeader();
      composer.setConversation(conv, contact);
      const divider = statusChanged && itemsEl.querySelector(`.divider-conversation[data-conversation="${conv.id}"]`);
      if (divider) divider.replaceWith(dividerFor({ conversation_id: conv.id }));
    } else if (updated.id && contact && updated.contact && updated.contact.id === contact.id) {
      convInfo.set(updated.id, { ...(convInfo.get(updated.id) || {}), ...updated });
      renderNewer();
    }
  }

  function applyContact(updated) {
    if (!contact || updated.id !== contact.id) return;
    const nameChanged = updated.name !== contact.name;
    contact = { ...contact, ...updated };
    renderHeader();
    composer.setConversation(conv, contact);
    if (nameChanged) render();
  }

  /** Extra facts about the contact's conversations, from the contact resource. */
  function setConversationInfo(list) {
    convInfo = new Map((list || []).map((c) => [c.id, c]));
    if (!conv) return;
    renderNewer();
    for (const divider of itemsEl.querySelectorAll(".divider-conversation")) {
      divider.replaceWith(dividerFor({ conversation_id: Number(divider.dataset.conversation) }));
    }
  }

  return {
    el,
    open,
    close,
    loadOlder,
    applyMessage,
    applyMessageUpdate: (msg) => belongs(msg) && addItem({ type: "message", ...msg }),
    applyNote,
    applyConversation,
    applyContact,
    setConversationInfo,
    presenceTyping,
    presenceViewing,
    focusComposer: () => {
      if (conv) composer.focus();
      else wantFocus = openToken > 0 && !body.hidden;
    },
    current: () => conv,
    contactId: () => (contact ? contact.id : null),
    act,
  };
}
