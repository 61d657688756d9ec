// Inbox entry point: builds the panes, routes /conversations/<id>, and applies live Socket.IO events.
import { boot, get, post } from "./api.js";
import { createContactPanel } from "./contact.js";
import { debounce, h } from "./dom.js";
import { createFolders } from "./folders.js";
import { installShortcuts } from "./keyboard.js";
import { FOLDER_KEYS } from "./labels.js";
import { createList } from "./list.js";
import { connectSocket } from "./socket.js";
import { createThread } from "./thread.js";

const root = document.getElementById("inbox");
const me = boot().user || { id: null, name: "" };
const FOLDER_KEY = "textdesk.folder";
const VIEWING_EVERY = 20000;

let users = [me];
let openId = null;

const folders = createFolders({ onSelect: selectFolder, onCounts: updateTitle });
const list = createList({ meId: me.id, onOpen: (id) => openConversation(id) });
const thread = createThread({
  meId: me.id,
  isAdmin: me.role === "admin",
  users: () => users,
  onConversation: (conv) => {
    list.upsert(conv);
    folders.refreshSoon();
  },
  onOpen: (id) => openConversation(id),
  onTyping: (conversationId) => socket.emit("typing", { conversation_id: conversationId }),
  onToggleContact: () => root.classList.toggle("show-contact"),
});
const contact = createContactPanel({
  onClose: () => root.classList.remove("show-contact"),
  onOpen: (id) => openConversation(id),
  onContact: (updated) => {
    thread.applyContact(updated);
    list.applyContact(updated);
  },
});

root.replaceChildren(h("div", { class: "rail" }, folders.el), list.el, thread.el, contact.el);

// ---- routing -------------------------------------------------------------------------------------

function idFromPath() {
  const match = /^\/conversations\/(\d+)\/?$/.exec(window.location.pathname);
  return match ? Number(match[1]) : null;
}

async function openConversation(id, { push = true } = {}) {
  if (push && id !== idFromPath()) window.history.pushState({ id }, "", `/conversations/${id}`);
  const changed = id !== openId;
  openId = id;
  list.setSelected(id);
  if (changed) socket.emit("viewing", { conversation_id: id });
  const conv = await thread.open(id, list.get(id));
  if (!conv || openId !== id) {
    if (!conv && openId === id) contact.clear();
    return;
  }
  list.upsert(conv);
  markRead(conv);
  const full = await contact.show(conv.contact.id, conv.id);
  if (full && openId === id) thread.setConversationInfo(full.conversations);
}

function closeConversation() {
  openId = null;
  list.setSelected(null);
  thread.close();
  contact.clear();
  socket.emit("viewing", { conversation_id: null });
}

window.addEventListener("popstate", () => {
  const id = idFromPath();
  if (id === null) closeConversation();
  else openConversation(id, { push: false });
});

function selectFolder(key) {
  if (!FOLDER_KEYS.includes(key)) return;
  try {
    window.localStorage.setItem(FOLDER_KEY, key);
  } catch {
    // Private mode: the folder is simply not remembered.
  }
  folders.setActive(key);
  list.setFolder(key);
}

// ---- read state, counts, title -------------------------------------------------------------------

async function markRead(conv) {
  if (document.visibilityState !== "visible") return;
  if (!conv.unread_count) return;
  list.markRead(conv.id);
  try {
    const updated = await post(`/api/v1/conversations/${conv.id}/read`);
    if (updated && updated.id) list.upsert(updated);
  } catch {
    // The badge comes back with the next update; nothing to tell the agent.
  }
  folders.refreshSoon();
}

function updateTitle(counts) {
  const unread = counts && counts.open ? counts.open.unread || 0 : 0;
  document.title = `${unread ? `(${unread}) ` : ""}Inbox · Textdesk`;
}

document.addEventListener("visibilitychange", () => {
  const conv = thread.current();
  if (document.visibilityState === "visible" && openId !== null) socket.emit("viewing", { conversation_id: openId });
  if (document.visibilityState === "visible" && conv) {
    const row = list.get(conv.id);
    markRead(row || { ...conv, unread_count: 1 });
  }
});

// ---- live events ---------------------------------------------------------------------------------

function onEvent(name, payload) {
  switch (name) {
    case "message.created": {
      list.applyMessage(payload);
      const shown = thread.applyMessage(payload);
      if (shown && payload.direction === "inbound" && payload.conversation_id === openId) {
        markRead({ id: openId, unread_count: 1 });
      }
      break;
    }
    case "message.updated":
      thread.applyMessageUpdate(payload);
      break;
    case "note.created":
      thread.applyNote(payload);
      break;
    case "conversation.created":
    case "conversation.updated":
      list.upsert(payload);
      thread.applyConversation(payload);
      if (payload.contact && payload.contact.id === contact.contactId()) reloadContactSoon();
      folders.refreshSoon();
      break;
    case "contact.updated":
      thread.applyContact(payload);
      if (payload.id === contact.contactId()) reloadContactSoon();
      list.applyContact(payload);
      break;
    case "presence.typing":
      thread.presenceTyping(payload);
      break;
    case "presence.viewing":
      thread.presenceViewing(payload);
      break;
    default:
      break;
  }
}

const reloadContactSoon = debounce(async () => {
  const full = await contact.reload();
  if (full) thread.setConversationInfo(full.conversations);
}, 400);

function catchUp() {
  folders.refresh();
  list.reload();
  if (openId !== null) openConversation(openId, { push: false });
}

const socket = connectSocket({
  onEvent,
  onReconnect: catchUp,
  onConnect: () => socket && socket.emit("viewing", { conversation_id: openId }),
});

setInterval(() => {
  if (openId !== null && document.visibilityState === "visible") socket.emit("viewing", { conversation_id: openId });
}, VIEWING_EVERY);
setInterval(() => list.refreshTimes(), 60000);

// ---- keyboard ------------------------------------------------------------------------------------

installShortcuts({
  next: () => list.move(1),
  previous: () => list.move(-1),
  open: () => list.openHighlighted(),
  reply: () => thread.focusComposer(),
  escape: () => root.classList.remove("show-contact"),
  search: () => {
    list.search.focus();
    list.search.select();
  },
  resolve: () => {
    const conv = thread.current();
    if (conv && conv.status !== "resolved") thread.act({ status: "resolved" });
  },
  take: () => {
    const conv = thread.current();
    if (conv && conv.status !== "resolved" && !(conv.assignee && conv.assignee.id === me.id)) {
      thread.act({ assignee_id: me.id });
    }
  },
});

// ---- start ---------------------------------------------------------------------------------------

async function loadUsers() {
  try {
    const page = await get("/api/v1/users");
    users = page.data && page.data.length ? page.data : [me];
  } catch {
    users = [me];
  }
  const conv = thread.current();
  if (conv && conv.status) thread.applyConversation(conv); // redraw the assign menu with everyone
}

let initialFolder = "needs_agent";
try {
  initialFolder = window.localStorage.getItem(FOLDER_KEY) || initialFolder;
} catch {
  // keep the default
}
selectFolder(FOLDER_KEYS.includes(initialFolder) ? initialFolder : "needs_agent");
folders.refresh();
loadUsers();
const startId = Number(root.dataset.conversationId) || idFromPath();
if (startId) openConversation(startId, { push: false });
