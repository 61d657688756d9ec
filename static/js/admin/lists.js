// Subscriber lists: the lists page (lists with their counts, the list editor) and one list's page
// (its facts and counts, members, settings). Every name, description and phone goes in as text.
import { boot } from "../inbox/api.js";
import { h, replace } from "../inbox/dom.js";
import { createStatus } from "./common.js";
import { createListForm } from "./marketing/list_form.js";
import { createMembers } from "./marketing/members.js";
import { api, errorText, fetchAll, formatCount, plural } from "./marketing/shared.js";

const FLASH_KEY = "textdesk.subscribers.flash";
const status = createStatus(document.getElementById("subs-status"));

/** The chips under a list's name: double opt-in, frequency. */
function facts(list) {
  return [
    list.double_opt_in ? h("span", { class: "chip chip-bot", "data-testid": "list-fact-double" }, "Double opt-in") : null,
    list.frequency ? h("span", { class: "chip", "data-testid": "list-fact-frequency", title: "Expected frequency" }, list.frequency) : null,
  ];
}

function signupLink(list, testid) {
  if (list.signup_enabled && list.signup_url) {
    return h("a", { href: list.signup_url, target: "_blank", rel: "noopener", class: "join-url", "data-testid": testid }, list.signup_url);
  }
  return h("span", { class: "muted", "data-testid": testid }, "Off");
}

// ---- the lists page ----------------------------------------------------------------------------

function listsPage() {
  const body = document.getElementById("lists-body");
  const table = body.closest("table");
  const state = document.getElementById("lists-state");
  const count = document.getElementById("lists-count");
  let lists = [];

  const form = createListForm({
    onSaved: async (list, { created }) => {
      await reload();
      select(list.id);
      status.show(created ? `Created “${list.name}”. Open it to add members.` : `Saved “${list.name}”.`);
    },
    onDeleted: async (list) => {
      await reload();
      status.show(`Deleted “${list.name}”.`);
    },
    onClosed: () => select(null),
  });
  document.getElementById("list-editor").append(form.el);

  function select(id) {
    for (const row of body.querySelectorAll("tr[data-id]")) row.classList.toggle("is-selected", Number(row.dataset.id) === id);
  }

  function listRow(list) {
    const counts = list.counts || {};
    const edit = h("button", { type: "button", class: "button small", "data-testid": "list-edit", "aria-label": `Edit ${list.name}`, onClick: () => openEditor(list.id) }, "Edit");
    return h(
      "tr",
      { "data-testid": "list-row", "data-id": list.id, class: list.id === form.currentId() ? "is-selected" : null },
      h(
        "td",
        { class: "list-cell" },
        h("a", { href: `/admin/lists/${list.id}`, class: "list-name", "data-testid": "list-name" }, list.name),
        list.description ? h("span", { class: "list-desc muted small", "data-testid": "list-description" }, list.description) : null,
        h("span", { class: "list-facts-inline" }, facts(list)),
      ),
      h("td", { class: "num", "data-testid": "list-subscribed" }, formatCount(counts.subscribed || 0)),
      h("td", { class: "num", "data-testid": "list-pending" }, formatCount(counts.pending || 0)),
      h("td", { class: "num muted", "data-testid": "list-left" }, formatCount(counts.unsubscribed || 0)),
      h("td", { class: "signup-cell" }, signupLink(list, "list-signup")),
      h("td", { class: "row-actions" }, edit, h("a", { class: "button small", href: `/admin/lists/${list.id}`, "data-testid": "list-members" }, "Members")),
    );
  }

  function render() {
    replace(body, lists.map(listRow));
    count.textContent = lists.length ? String(lists.length) : "";
    table.hidden = !lists.length;
    state.hidden = lists.length > 0;
    if (!lists.length) state.textContent = "No lists yet. Create one with “New list”.";
  }

  async function reload() {
    try {
      lists = await fetchAll("/api/v1/lists");
      render();
      table.dataset.loaded = "yes";
    } catch (err) {
      state.textContent = `Could not load the lists: ${errorText(err)}`;
      state.hidden = false;
    }
  }

  function openEditor(id) {
    const list = lists.find((l) => l.id === id);
    if (list && form.edit(list)) {
      select(id);
      document.getElementById("list-editor").scrollIntoView({ block: "nearest" });
    }
  }

  document.getElementById("list-new").addEventListener("click", () => {
    if (form.create()) select(null);
  });

  const flash = window.sessionStorage.getItem(FLASH_KEY);
  if (flash) {
    window.sessionStorage.removeItem(FLASH_KEY);
    status.show(flash);
  }
  reload();
}

// ---- one list's page ---------------------------------------------------------------------------

function listPage(listId) {
  const title = document.querySelector("[data-testid=list-title]");
  const description = document.getElementById("list-description");
  const factsEl = document.getElementById("list-facts");
  const countsEl = document.getElementById("list-counts");
  const membersEl = document.getElementById("members");
  let list = null;
  let members = null;

  function tile(key, label, value, hint) {
    return h(
      "div",
      { class: ["stat", `stat-${key}`], "data-testid": `list-count-${key}`, title: hint },
      h("dt", {}, label),
      h("dd", { "data-testid": `list-count-${key}-value` }, formatCount(value || 0)),
    );
  }

  function renderHead() {
    title.textContent = list.name;
    document.title = `${list.name} · Subscriber lists · Textdesk`;
    description.textContent = list.description || "";
    description.hidden = !list.description;
    replace(
      factsEl,
      facts(list),
      h("span", { class: "signup-fact" }, h("span", { class: "muted" }, "Sign-up form: "), signupLink(list, "list-signup")),
    );
    const counts = list.counts || {};
    replace(
      countsEl,
      tile("subscribed", "Subscribed", counts.subscribed, "Confirmed members: campaigns to this list reach them (unless they opted out)"),
      tile("pending", "Pending", counts.pending, "Joined, waiting to reply YES (double opt-in)"),
      tile("unsubscribed", "Left", counts.unsubscribed, "Left the list; their opt-in record stays"),
    );
  }

  async function refreshList() {
    try {
      list = await api.get(`/api/v1/lists/${listId}`);
      renderHead();
      form.refresh(list);
    } catch (err) {
      status.show(`Could not refresh the list: ${errorText(err)}`, { kind: "error" });
    }
  }

  const form = createListForm({
    fixed: true,
    onSaved: (saved) => {
      list = saved;
      renderHead();
      members?.rename(saved.name);
      status.show(`Saved “${saved.name}”.`);
    },
    onDeleted: (gone) => {
      const total = (gone.counts?.subscribed || 0) + (gone.counts?.pending || 0) + (gone.counts?.unsubscribed || 0);
      window.sessionStorage.setItem(FLASH_KEY, `Deleted “${gone.name}” and its ${plural(total, "membership record")}.`);
      window.location.assign("/admin/lists");
    },
  });
  document.getElementById("list-editor").append(form.el);

  (async () => {
    try {
      list = await api.get(`/api/v1/lists/${listId}`);
    } catch (err) {
      replace(membersEl, h("p", { class: "form-error", role: "alert", "data-testid": "list-load-error" }, `Could not load the list: ${errorText(err)}`));
      return;
    }
    renderHead();
    form.edit(list);
    members = createMembers({ list, status, onChanged: () => refreshList() });
    membersEl.append(members.el);
    members.load();
  })();
}

const listId = boot().list_id;
if (listId) listPage(Number(listId));
else listsPage();
