// Custom attributes: the defined ones (key, label, type), add one, rename its label, delete it (its values go too).
import { h, replace } from "../inbox/dom.js";
import { createStatus } from "./common.js";
import { TYPE_LABELS, api, confirmPanel, errorText, fetchAll, fieldErrors, saveErrors, sentence, timeCell } from "./marketing/shared.js";

const KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
const TYPE_HINTS = {
  text: "Words, compared with = != contains: city = \"Boston\".",
  number: "Whole or decimal numbers, compared with = != < <= > >=: orders > 3.",
  date: "A calendar day, compared with = != < <= > >=: birthday >= 2026-01-01.",
  boolean: "Yes or no, compared with = and !=: vip = true.",
};

const status = createStatus(document.getElementById("subs-status"));
const body = document.getElementById("attributes-body");
const table = body.closest("table");
const state = document.getElementById("attributes-state");
const count = document.getElementById("attributes-count");
let attributes = [];

/** "Loyalty tier" -> "loyalty_tier" (a suggestion for the key). */
function keyFrom(label) {
  const key = String(label || "")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^[^a-z]+/, "")
    .slice(0, 40)
    .replace(/_+$/, "");
  return key;
}

// ---- the table ---------------------------------------------------------------------------------

function attributeRow(attribute) {
  const row = h("tr", { "data-testid": "attribute-row", "data-id": attribute.id, "data-key": attribute.key });
  const labelCell = h("td", { class: "label-cell" });
  const actions = h("td", { class: "row-actions" });
  const confirmRow = h("tr", { class: "confirm-row", hidden: true });
  const deletion = confirmPanel({
    testid: "attribute-delete",
    confirmText: "Delete attribute and values",
    onConfirm: async () => {
      await api.del(`/api/v1/attributes/${attribute.id}`);
      status.show(`Deleted “${attribute.key}” and every contact’s value for it.`);
      await reload();
    },
  });
  deletion.el.addEventListener("keydown", (event) => {
    if (event.key === "Escape") confirmRow.hidden = true;
  });
  confirmRow.append(h("td", { colspan: "5" }, deletion.el));
  deletion.el.querySelector("[data-testid=attribute-delete-cancel]").addEventListener("click", () => {
    confirmRow.hidden = true;
  });

  function showLabel() {
    replace(labelCell, attribute.label ? h("span", { "data-testid": "attribute-label" }, attribute.label) : h("span", { class: "muted", "data-testid": "attribute-label" }, "—"));
    replace(
      actions,
      h("button", { type: "button", class: "button small", "data-testid": "attribute-rename", "aria-label": `Rename ${attribute.key}`, onClick: editLabel }, "Rename"),
      h("button", { type: "button", class: "button small danger", "data-testid": "attribute-delete", "aria-label": `Delete ${attribute.key}`, onClick: askDelete }, "Delete…"),
    );
  }

  function editLabel() {
    const input = h("input", { type: "text", value: attribute.label || "", maxlength: "80", "data-testid": "attribute-label-input", "aria-label": `Label of ${attribute.key}` });
    const problem = h("p", { class: "field-error", role: "alert", "data-testid": "attribute-label-error", hidden: true });
    const save = h("button", { type: "submit", class: "button small primary", "data-testid": "attribute-label-save" }, "Save");
    const cancel = h("button", { type: "button", class: "button small", "data-testid": "attribute-label-cancel", onClick: () => showLabel() }, "Cancel");
    const form = h("form", { class: "inline-edit", novalidate: true }, input, save, cancel, problem);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const label = input.value.trim();
      if (!label) {
        problem.textContent = "A label cannot be empty.";
        problem.hidden = false;
        return;
      }
      save.disabled = true;
      try {
        const updated = await api.patch(`/api/v1/attributes/${attribute.id}`, { label });
        Object.assign(attribute, updated || { label });
        showLabel();
        status.show(`Renamed “${attribute.key}” to “${attribute.label}”.`);
        actions.querySelector("[data-testid=attribute-rename]")?.focus();
      } catch (err) {
        problem.textContent = (err.fields && err.fields[0] && sentence(err.fields[0].message)) || errorText(err);
        problem.hidden = false;
        save.disabled = false;
      }
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") showLabel();
    });
    replace(labelCell, form);
    replace(actions);
    input.focus();
    input.select();
  }

  function askDelete() {
    confirmRow.hidden = false;
    deletion.open(
      h("strong", {}, `Delete “${attribute.key}”${attribute.label ? ` (${attribute.label})` : ""}?`),
      " ",
      `Every contact’s ${attribute.key} value is removed for good. Saved segments that filter on ${attribute.key} stop working until you change them.`,
    );
  }

  row.append(
    h("td", {}, h("code", { class: "attr-key", "data-testid": "attribute-key" }, attribute.key)),
    labelCell,
    h("td", { "data-testid": "attribute-type" }, TYPE_LABELS[attribute.type] || attribute.type),
    h("td", { class: "muted small" }, timeCell(attribute.created_at, "attribute-created")),
    actions,
  );
  showLabel();
  return [row, confirmRow];
}

function render() {
  replace(body, attributes.map(attributeRow));
  count.textContent = attributes.length ? String(attributes.length) : "";
  table.hidden = !attributes.length;
  state.hidden = attributes.length > 0;
  if (!attributes.length) state.textContent = "No custom attributes yet. Add one on the right.";
}

async function reload() {
  try {
    attributes = await fetchAll("/api/v1/attributes", {}, { paged: false });
    render();
    table.dataset.loaded = "yes";
  } catch (err) {
    state.textContent = `Could not load the attributes: ${errorText(err)}`;
    state.hidden = false;
  }
}

// ---- the new-attribute form --------------------------------------------------------------------

function newForm() {
  const errors = fieldErrors("attribute-new");
  let keyTouched = false;
  const label = h("input", { type: "text", id: "attribute-new-label", "data-testid": "attribute-new-label", maxlength: "80", placeholder: "City", autocomplete: "off" });
  const key = h("input", {
    type: "text",
    id: "attribute-new-key",
    "data-testid": "attribute-new-key",
    class: "mono",
    maxlength: "40",
    placeholder: "city",
    spellcheck: "false",
    autocomplete: "off",
    "aria-describedby": "attribute-new-key-hint",
  });
  const type = h(
    "select",
    { id: "attribute-new-type", "data-testid": "attribute-new-type", "aria-describedby": "attribute-new-type-hint" },
    Object.entries(TYPE_LABELS).map(([value, text]) => h("option", { value }, text)),
  );
  const typeHint = h("p", { class: "field-hint", id: "attribute-new-type-hint" }, TYPE_HINTS.text);
  const submit = h("button", { type: "submit", class: "button primary", "data-testid": "attribute-new-submit" }, "Add attribute");
  const form = h(
    "form",
    { class: "attribute-form", "data-testid": "attribute-new-form", novalidate: true, autocomplete: "off" },
    h("h2", { id: "attribute-new-title" }, "New attribute"),
    h("div", { class: "field" }, h("label", { class: "field-label", for: label.id }, "Label"), label, h("p", { class: "field-hint" }, "What your team sees."), errors.slot("label", label)),
    h(
      "div",
      { class: "field" },
      h("label", { class: "field-label", for: key.id }, "Key"),
      key,
      h("p", { class: "field-hint", id: "attribute-new-key-hint" }, "How segments and imports name it: lower-case letters, digits and _, starting with a letter. It cannot be changed later."),
      errors.slot("key", key),
    ),
    h("div", { class: "field" }, h("label", { class: "field-label", for: type.id }, "Type"), type, typeHint, errors.slot("type", type)),
    errors.slot("_"),
    h("div", { class: "form-actions" }, submit),
  );

  function localErrors() {
    const found = [];
    const value = key.value.trim();
    if (!value) found.push({ field: "key", message: "Enter a key." });
    else if (!KEY_PATTERN.test(value)) found.push({ field: "key", message: "Use lower-case letters, digits and _, starting with a letter (at most 40)." });
    if (!label.value.trim()) found.push({ field: "label", message: "Enter a label." });
    return found;
  }

  label.addEventListener("input", () => {
    if (!keyTouched) key.value = keyFrom(label.value);
    errors.clear();
  });
  key.addEventListener("input", () => {
    keyTouched = key.value.trim() !== "";
    errors.clear();
  });
  type.addEventListener("change", () => {
    typeHint.textContent = TYPE_HINTS[type.value] || "";
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const problems = localErrors();
    if (problems.length) {
      errors.show(problems);
      (problems[0].field === "key" ? key : label).focus();
      return;
    }
    submit.disabled = true;
    try {
      const created = await api.post("/api/v1/attributes", { key: key.value.trim(), label: label.value.trim(), type: type.value });
      status.show(`Added “${created.key}”. Segments can use it now: ${created.key} ${created.type === "text" ? '= "…"' : "= …"}`);
      label.value = "";
      key.value = "";
      keyTouched = false;
      type.value = "text";
      typeHint.textContent = TYPE_HINTS.text;
      await reload();
      label.focus();
    } catch (err) {
      errors.show(saveErrors(err, ["key", "label", "type"], "key"));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

document.getElementById("attribute-new").append(newForm());
reload();
