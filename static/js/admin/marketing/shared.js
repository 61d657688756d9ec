// Shared pieces of the subscriber screens (lists, members, attributes, segments): the API client (from
// ../api_client.js), number and time formats, labels, per-field errors and the inline delete confirmation.
import { errorText } from "../../inbox/api.js";
import { api, fetchAll } from "../api_client.js";
import { formatCount, plural, timeCell, when } from "../format.js";
import { h, replace } from "../../inbox/dom.js";
import { sentence } from "../common.js";

export { api, errorText, fetchAll, formatCount, plural, sentence, timeCell, when };

export const STATUS_LABELS = { subscribed: "Subscribed", pending: "Pending", unsubscribed: "Left" };
export const STATUS_CHIPS = { subscribed: "chip-open", pending: "chip-pending", unsubscribed: "chip-resolved" };
export const SOURCE_LABELS = {
  keyword: "Keyword",
  web_form: "Sign-up form",
  import: "Import",
  api: "API",
  admin: "Admin",
};
export const TYPE_LABELS = { text: "Text", number: "Number", date: "Date", boolean: "Yes / no" };

// ---- forms -------------------------------------------------------------------------------------

/** Per-field error lines: `slot(key)` makes the element to place under a control, `show(fields)` fills them. */
export function fieldErrors(prefix) {
  const slots = new Map();
  const controls = new Map();
  return {
    slot(key, control = null) {
      const el = h("p", { class: "field-error", id: `${prefix}-error-${key}`, "data-testid": `${prefix}-error-${key}`, role: "alert", hidden: true });
      slots.set(key, el);
      if (control) {
        controls.set(key, control);
        const described = control.getAttribute("aria-describedby");
        control.setAttribute("aria-describedby", described ? `${described} ${el.id}` : el.id);
      }
      return el;
    },
    /** Show {field, message} errors under their fields; returns the ones no field took. */
    show(fields) {
      this.clear();
      const rest = [];
      for (const item of fields || []) {
        const key = String(item.field || "").split(/[.[]/)[0];
        const el = slots.get(key);
        if (!el) {
          rest.push(item);
          continue;
        }
        el.append(el.childNodes.length ? " " : "", sentence(item.message));
        el.hidden = false;
        controls.get(key)?.setAttribute("aria-invalid", "true");
      }
      return rest;
    },
    clear() {
      for (const el of slots.values()) {
        el.replaceChildren();
        el.hidden = true;
      }
      for (const control of controls.values()) control.removeAttribute("aria-invalid");
    },
    has(key) {
      return slots.has(key);
    },
  };
}

/**
 * The field an error is about: `fields[0].field`, else `details.field`, else a field named in the message
 * (a 409 "duplicate" may only say it in words).
 */
export function errorField(err, candidates) {
  const first = err && err.fields && err.fields[0];
  if (first && first.field) return String(first.field).split(/[.[]/)[0];
  if (err && err.details && typeof err.details.field === "string") return err.details.field;
  const message = String((err && err.message) || "").toLowerCase();
  return candidates.find((key) => message.includes(key)) || null;
}

/**
 * The errors of a failed save as {field, message} items: a 409 or 422 goes under its field when known, a 409
 * naming no field under `taken` (the form's unique field), anything else under the form.
 */
export function saveErrors(err, candidates, taken = null) {
  if (err && err.status === 409 && err.fields && err.fields.length) {
    // The whole message says what is taken ("another list already has the name …"); the field says where.
    return [{ field: err.fields[0].field, message: err.message }];
  }
  if (err && err.fields && err.fields.length) return err.fields;
  let field = err && (err.status === 409 || err.status === 422) ? errorField(err, candidates) : null;
  if (!field && err && err.status === 409) field = taken;
  return [{ field: field || "_", message: err && err.status === 409 ? sentence(err.message) : errorText(err) }];
}

/**
 * An inline "are you sure" panel: `open(question)` shows it and focuses the destructive button.
 * `onConfirm` may return a promise; the buttons are disabled while it runs.
 */
export function confirmPanel({ testid, confirmText, keepText = "Keep it", onConfirm }) {
  const question = h("div", { class: "delete-question" });
  const confirm = h("button", { type: "button", class: "button danger", "data-testid": `${testid}-confirm` }, confirmText);
  const keep = h("button", { type: "button", class: "button", "data-testid": `${testid}-cancel` }, keepText);
  const error = h("p", { class: "field-error", "data-testid": `${testid}-error`, role: "alert", hidden: true });
  const el = h(
    "div",
    { class: "delete-confirm", role: "alertdialog", "data-testid": `${testid}-panel`, hidden: true },
    question,
    error,
    h("div", { class: "delete-buttons" }, confirm, keep),
  );
  let opener = null;
  const panel = {
    el,
    open(...content) {
      opener = document.activeElement;
      replace(question, ...content);
      el.setAttribute("aria-label", question.textContent);
      error.hidden = true;
      confirm.disabled = false;
      keep.disabled = false;
      el.hidden = false;
      confirm.focus();
    },
    close() {
      el.hidden = true;
      if (opener && opener.isConnected) opener.focus();
    },
    isOpen: () => !el.hidden,
  };
  keep.addEventListener("click", () => panel.close());
  el.addEventListener("keydown", (event) => {
    if (event.key === "Escape") panel.close();
  });
  confirm.addEventListener("click", async () => {
    confirm.disabled = true;
    keep.disabled = true;
    try {
      await onConfirm();
      el.hidden = true;
    } catch (err) {
      error.textContent = errorText(err);
      error.hidden = false;
      confirm.disabled = false;
      keep.disabled = false;
    }
  });
  return panel;
}

/** An on/off switch like the rules page's, with its label text; returns the <label> (input is `.input`). */
export function switchControl({ id, testid, label, checked = false }) {
  const input = h("input", { type: "checkbox", role: "switch", id, "data-testid": testid, checked });
  const el = h(
    "label",
    { class: "switch-field", for: id },
    h("span", { class: "switch" }, input, h("span", { class: "switch-track", "aria-hidden": "true" })),
    h("span", { class: "switch-label" }, label),
  );
  el.input = input;
  return el;
}
