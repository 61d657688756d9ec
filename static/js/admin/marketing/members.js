// A list's members: filter by status, search, page with "Load more", add someone by phone, unsubscribe.
import { debounce, h, replace } from "../../inbox/dom.js";
import { segmented } from "../common.js";
import {
  SOURCE_LABELS,
  STATUS_CHIPS,
  STATUS_LABELS,
  api,
  errorText,
  fieldErrors,
  formatCount,
  sentence,
  timeCell,
} from "./shared.js";

const PAGE_SIZE = 50;
const FILTERS = [
  ["all", "All"],
  ["subscribed", "Subscribed"],
  ["pending", "Pending"],
  ["unsubscribed", "Left"],
];

/** An add-member error in words (409 opted out, 422 bad number, anything else). */
export function addErrorText(err, phone) {
  if (err && err.status === 409 && err.code === "opted_out") {
    return `${phone} has opted out (texted STOP), so they cannot be added to a list. They can opt back in by texting START.`;
  }
  if (err && err.status === 422) {
    const first = err.fields && err.fields[0];
    if (first && String(first.field).startsWith("phone")) return `${phone || "That"} is not a phone number we can text: ${sentence(first.message)}`;
    if (first) return sentence(first.message);
  }
  return errorText(err);
}

/** createMembers({ list, onChanged(kind, member), status }) — `list` needs id and name. */
export function createMembers({ list, onChanged, status }) {
  const listId = list.id;
  let listName = list.name;
  let filterStatus = "";
  let search = "";
  let cursor = null;
  let loadSeq = 0;
  let shown = 0;

  // ---- toolbar and add form --------------------------------------------------------------------
  const filter = segmented("Status", FILTERS, {
    value: "all",
    testid: "members-status",
    label: "Show members by status",
    onChange: (key) => {
      filterStatus = key === "all" ? "" : key;
      load();
    },
  });
  const searchBox = h("input", {
    type: "search",
    class: "members-search",
    "data-testid": "members-search",
    placeholder: "Search by number or name",
    "aria-label": "Search members",
  });
  const errors = fieldErrors("member-add");
  const phone = h("input", {
    type: "tel",
    id: "member-add-phone",
    "data-testid": "member-add-phone",
    placeholder: "+1 415 555 0100",
    autocomplete: "off",
    required: true,
  });
  const name = h("input", { type: "text", id: "member-add-name", "data-testid": "member-add-name", placeholder: "Name (optional)", autocomplete: "off", maxlength: "120" });
  const add = h("button", { type: "submit", class: "button primary", "data-testid": "member-add-submit" }, "Add member");
  const addError = h("p", { class: "form-error add-error", role: "alert", "data-testid": "member-add-error", hidden: true });
  const addForm = h(
    "form",
    { class: "member-add", "data-testid": "member-add", novalidate: true, autocomplete: "off" },
    h(
      "div",
      { class: "member-add-row" },
      h("div", { class: "field" }, h("label", { class: "field-label", for: phone.id }, "Phone number"), phone),
      h("div", { class: "field" }, h("label", { class: "field-label", for: name.id }, "Name"), name),
      add,
    ),
    errors.slot("phone", phone),
    errors.slot("name", name),
    addError,
    h("p", { class: "field-hint" }, "Add only people who agreed to get texts from this list. They join subscribed, with you recorded as the source, and get the list’s welcome text if it has one."),
  );

  // ---- table -------------------------------------------------------------------------------------
  const body = h("tbody", { "data-testid": "members-body" });
  const table = h(
    "table",
    { class: "table members-table", "data-testid": "members-table" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "Phone"),
        h("th", { scope: "col" }, "Name"),
        h("th", { scope: "col" }, "Status"),
        h("th", { scope: "col" }, "Source"),
        h("th", { scope: "col" }, "Joined · confirmed · left"),
        h("th", { scope: "col" }, h("span", { class: "sr-only" }, "Actions")),
      ),
    ),
    body,
  );
  const state = h("p", { class: "muted subs-state", "data-testid": "members-state" }, "Loading members…");
  const more = h("button", { type: "button", class: "button", "data-testid": "members-more", hidden: true, onClick: () => load({ append: true }) }, "Load more");
  const shownLine = h("span", { class: "muted small", "data-testid": "members-shown" });

  const el = h(
    "div",
    { class: "members" },
    h("div", { class: "pane-head" }, h("h2", { id: "members-title" }, "Members")),
    addForm,
    h("div", { class: "members-toolbar" }, filter.el, searchBox),
    h("div", { class: "table-scroll" }, table),
    state,
    h("div", { class: "members-foot" }, shownLine, more),
  );

  function memberRow(member) {
    const contact = member.contact || {};
    const removable = member.status !== "unsubscribed";
    const actions = h("td", { class: "row-actions" });
    const row = h(
      "tr",
      { "data-testid": "member-row", "data-contact-id": contact.id, "data-status": member.status, class: member.status === "unsubscribed" ? "inactive" : null },
      h(
        "td",
        { class: "phone-cell" },
        h("span", { class: "mono", "data-testid": "member-phone" }, contact.phone || ""),
        contact.opted_out ? h("span", { class: "chip chip-optout", "data-testid": "member-opted-out", title: "Texted STOP: gets no campaigns until they text START" }, "Opted out") : null,
      ),
      h("td", { class: "name-cell" }, contact.name ? h("span", { "data-testid": "member-name" }, contact.name) : h("span", { class: "muted", "data-testid": "member-name" }, "—")),
      h("td", {}, h("span", { class: ["chip", STATUS_CHIPS[member.status] || ""], "data-testid": "member-status" }, STATUS_LABELS[member.status] || member.status)),
      h(
        "td",
        { class: "source-cell" },
        h("span", { "data-testid": "member-source" }, SOURCE_LABELS[member.source] || member.source || ""),
        member.source_detail ? h("span", { class: "source-detail muted small", "data-testid": "member-source-detail" }, member.source_detail) : null,
      ),
      h(
        "td",
        { class: "times-cell" },
        h("span", { class: "time-line" }, h("span", { class: "time-label" }, "Joined"), timeCell(member.joined_at, "member-joined")),
        member.confirmed_at ? h("span", { class: "time-line" }, h("span", { class: "time-label" }, "Confirmed"), timeCell(member.confirmed_at, "member-confirmed")) : null,
        member.left_at ? h("span", { class: "time-line" }, h("span", { class: "time-label" }, "Left"), timeCell(member.left_at, "member-left")) : null,
      ),
      actions,
    );
    function idle() {
      replace(
        actions,
        removable
          ? h("button", { type: "button", class: "link-button danger small", "data-testid": "member-remove", "aria-label": `Unsubscribe ${contact.phone}`, onClick: ask }, "Unsubscribe…")
          : null,
      );
    }
    function ask() {
      const yes = h("button", { type: "button", class: "button danger small", "data-testid": "member-remove-confirm" }, "Unsubscribe");
      const no = h("button", { type: "button", class: "button small", "data-testid": "member-remove-cancel", onClick: () => { idle(); actions.querySelector("button")?.focus(); } }, "Keep");
      const problem = h("span", { class: "field-error", role: "alert", hidden: true });
      yes.addEventListener("click", async () => {
        yes.disabled = true;
        no.disabled = true;
        try {
          const updated = await api.del(`/api/v1/lists/${listId}/members/${contact.id}`);
          const fresh = updated && updated.contact ? updated : { ...member, status: "unsubscribed", left_at: new Date().toISOString() };
          if (filterStatus && filterStatus !== fresh.status) {
            row.remove();
            shown -= 1;
            renderCounts();
          } else {
            row.replaceWith(memberRow(fresh));
          }
          status.show(`${contact.phone} left “${listName}”. Their opt-in record stays.`);
          if (onChanged) onChanged("removed", fresh);
        } catch (err) {
          problem.textContent = errorText(err);
          problem.hidden = false;
          yes.disabled = false;
          no.disabled = false;
        }
      });
      replace(actions, h("div", { class: "row-confirm", role: "group", "aria-label": `Unsubscribe ${contact.phone}?` }, h("span", { class: "small" }, "Unsubscribe?"), yes, no, problem));
      yes.focus();
    }
    idle();
    return row;
  }

  function renderCounts() {
    if (!shown) shownLine.textContent = "";
    else if (cursor) shownLine.textContent = `Showing the first ${formatCount(shown)}`;
    else shownLine.textContent = `Showing ${formatCount(shown)} ${shown === 1 ? "member" : "members"}`;
    if (!shown) {
      state.textContent = filterStatus || search ? "No members match." : "No members yet. Add someone above, or let people join by keyword or sign-up form.";
      state.hidden = false;
    } else {
      state.hidden = true;
    }
  }

  async function load({ append = false } = {}) {
    const mine = ++loadSeq;
    if (!append) {
      cursor = null;
      state.textContent = "Loading members…";
      state.hidden = false;
    }
    more.disabled = true;
    try {
      const page = await api.get(`/api/v1/lists/${listId}/members`, { status: filterStatus, q: search, limit: PAGE_SIZE, cursor: append ? cursor : null });
      if (mine !== loadSeq) return;
      const rows = (page.data || []).map(memberRow);
      if (append) {
        body.append(...rows);
        shown += rows.length;
      } else {
        replace(body, rows);
        shown = rows.length;
      }
      cursor = page.next_cursor || null;
      more.hidden = !cursor;
      more.disabled = false;
      renderCounts();
      table.dataset.loaded = "yes";
    } catch (err) {
      if (mine !== loadSeq) return;
      state.textContent = `Could not load the members: ${errorText(err)}`;
      state.hidden = false;
      more.disabled = false;
    }
  }

  async function addMember() {
    const number = phone.value.trim();
    errors.clear();
    addError.hidden = true;
    if (!number) {
      errors.show([{ field: "phone", message: "Enter a phone number." }]);
      phone.focus();
      return;
    }
    const payload = { phone: number };
    if (name.value.trim()) payload.name = name.value.trim();
    add.disabled = true;
    add.textContent = "Adding…";
    try {
      const member = await api.post(`/api/v1/lists/${listId}/members`, payload);
      phone.value = "";
      name.value = "";
      const shownPhone = (member && member.contact && member.contact.phone) || number;
      const pendingNote = member && member.status === "pending" ? " They are pending until they reply YES." : "";
      status.show(`Added ${shownPhone} to “${listName}”.${pendingNote}`);
      await load();
      if (onChanged) onChanged("added", member);
      phone.focus();
    } catch (err) {
      addError.textContent = addErrorText(err, number);
      addError.hidden = false;
      if (err && err.status === 422) phone.setAttribute("aria-invalid", "true");
      phone.focus();
    } finally {
      add.disabled = false;
      add.textContent = "Add member";
    }
  }

  addForm.addEventListener("submit", (event) => {
    event.preventDefault();
    addMember();
  });
  phone.addEventListener("input", () => {
    phone.removeAttribute("aria-invalid");
    addError.hidden = true;
    errors.clear();
  });
  const searchSoon = debounce(() => {
    search = searchBox.value.trim();
    load();
  }, 300);
  searchBox.addEventListener("input", searchSoon);

  return {
    el,
    load,
    rename(newName) {
      listName = newName;
    },
  };
}
