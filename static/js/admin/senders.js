// The senders page: the numbers campaigns send from, with their pace and price. Add, edit, delete;
// errors next to their fields, a sender still in use (409) explained in words. Names go in as text.
import { h, replace } from "../inbox/dom.js";
import { api, confirmDialog, createStatus, errorText, fieldError, pace, price, sentence } from "./campaign/shared.js";

const $ = (id) => document.getElementById(id);
const status = createStatus($("cmp-status"));
const els = {
  body: $("senders-body"),
  table: $("senders-body").closest("table"),
  state: $("senders-state"),
  count: $("senders-count"),
  form: $("sender-form"),
  title: $("sender-form-title"),
  name: $("sender-name"),
  from: $("sender-from"),
  rate: $("sender-rate"),
  rateHint: $("sender-rate-hint"),
  price: $("sender-price"),
  formError: $("sender-form-error"),
  save: $("sender-save"),
  cancel: $("sender-cancel"),
};
const CONTROLS = { name: els.name, from_address: els.from, segments_per_second: els.rate, price_per_segment: els.price };
const RATE_HINT = els.rateHint.textContent;

let senders = [];
let editing = null; // the sender being edited, or null when adding

function setError(field, message) {
  const slot = document.querySelector(`[data-error-for="${field}"]`);
  if (slot) fieldError(slot, CONTROLS[field], message);
  return Boolean(slot);
}

function clearErrors() {
  for (const field of Object.keys(CONTROLS)) setError(field, null);
  els.formError.hidden = true;
}

function formError(text) {
  els.formError.textContent = text || "";
  els.formError.hidden = !text;
}

function row(sender) {
  const isDefault = sender.from_address === "";
  return h(
    "tr",
    { "data-testid": "sender-row", "data-id": sender.id, class: editing && editing.id === sender.id ? "is-selected" : null },
    h("td", {}, h("span", { class: "sender-name", "data-testid": "sender-row-name" }, sender.name), isDefault ? h("span", { class: "chip chip-bot" }, "Default") : null),
    h("td", { "data-testid": "sender-row-from" }, sender.from_address || h("span", { class: "muted" }, "The desk's number")),
    h("td", { "data-testid": "sender-row-pace" }, pace(sender.segments_per_second)),
    h("td", { class: "num", "data-testid": "sender-row-price" }, price(sender.price_per_segment)),
    h(
      "td",
      {},
      h(
        "div",
        { class: "row-actions" },
        h("button", { type: "button", class: "button small", "data-testid": "sender-edit", "aria-label": `Edit ${sender.name}`, onClick: () => edit(sender) }, "Edit"),
        h("button", { type: "button", class: "button small danger", "data-testid": "sender-delete", "aria-label": `Delete ${sender.name}`, onClick: () => remove(sender) }, "Delete"),
      ),
    ),
  );
}

function render() {
  replace(els.body, senders.map(row));
  els.table.hidden = !senders.length;
  els.state.hidden = senders.length > 0;
  els.count.textContent = senders.length ? String(senders.length) : "";
  els.table.dataset.loaded = "yes";
}

async function load() {
  try {
    senders = (await api.get("/api/v1/senders")).data;
    render();
  } catch (err) {
    els.state.textContent = `Could not load the senders: ${errorText(err)}`;
  }
}

function reset() {
  editing = null;
  els.form.reset();
  clearErrors();
  els.title.textContent = "Add a sender";
  els.save.textContent = "Add sender";
  els.cancel.hidden = true;
  renderRateHint();
  render();
}

function edit(sender) {
  editing = sender;
  clearErrors();
  els.name.value = sender.name;
  els.from.value = sender.from_address;
  els.rate.value = String(sender.segments_per_second);
  els.price.value = String(sender.price_per_segment);
  els.title.textContent = `Edit “${sender.name}”`;
  els.save.textContent = "Save changes";
  els.cancel.hidden = false;
  renderRateHint();
  render();
  els.name.focus();
}

function renderRateHint() {
  const rate = Number(els.rate.value);
  els.rateHint.textContent = els.rate.value && rate > 0 ? `${pace(rate)}: 1,000 one-segment texts take about ${Math.max(1, Math.round(1000 / rate / 60))} min.` : RATE_HINT;
}

/** The form as the API takes it: numbers as numbers, blank numbers left out (the defaults apply). */
function body() {
  const data = { name: els.name.value.trim(), from_address: els.from.value.trim() };
  for (const [key, input] of [["segments_per_second", els.rate], ["price_per_segment", els.price]]) {
    if (input.value.trim() === "") continue;
    const value = Number(input.value);
    if (!Number.isFinite(value)) {
      setError(key, "must be a number");
      return null;
    }
    data[key] = value;
  }
  return data;
}

async function submit(event) {
  event.preventDefault();
  clearErrors();
  if (!els.name.value.trim()) {
    setError("name", "Give the sender a name.");
    els.name.focus();
    return;
  }
  if (els.rate.validity.badInput || els.price.validity.badInput) {
    setError(els.rate.validity.badInput ? "segments_per_second" : "price_per_segment", "must be a number");
    return;
  }
  const data = body();
  if (!data) return;
  els.save.disabled = true;
  try {
    const saved = editing ? await api.patch(`/api/v1/senders/${editing.id}`, data) : await api.post("/api/v1/senders", data);
    status.show(editing ? `Saved “${saved.name}”.` : `Added “${saved.name}”.`);
    await load();
    reset();
  } catch (err) {
    const first = (err.fields || [])[0];
    if (!(first && setError(first.field, first.message))) formError(errorText(err));
  } finally {
    els.save.disabled = false;
  }
}

async function remove(sender) {
  const ok = await confirmDialog({
    title: `Delete the sender “${sender.name}”?`,
    body: [h("p", {}, "Finished campaigns that used it keep their history.")],
    confirm: "Delete sender",
    danger: true,
    testid: "sender-delete-confirm",
  });
  if (!ok) return;
  try {
    await api.del(`/api/v1/senders/${sender.id}`);
    status.show(`Deleted “${sender.name}”.`);
    if (editing && editing.id === sender.id) reset();
    await load();
  } catch (err) {
    if (err.status === 409) {
      const reason = sentence((err.fields && err.fields[0] && err.fields[0].message) || err.message);
      status.show(`“${sender.name}” was not deleted: ${reason.charAt(0).toLowerCase()}${reason.slice(1)} Finish, cancel or delete that campaign first, or pick another sender for it.`, { kind: "error", sticky: true });
    } else {
      status.show(`Could not delete “${sender.name}”: ${errorText(err)}`, { kind: "error", sticky: true });
    }
  }
}

els.form.addEventListener("submit", submit);
els.cancel.addEventListener("click", reset);
els.rate.addEventListener("input", () => {
  setError("segments_per_second", null);
  renderRateHint();
});
els.name.addEventListener("input", () => setError("name", null));
els.from.addEventListener("input", () => setError("from_address", null));
els.price.addEventListener("input", () => setError("price_per_segment", null));
load();
