// Segments: saved segments with their counts, and the editor — the filter with a live count as you type,
// an error that points at its line and column, and the filter language's help (with the custom attributes).
import { debounce, h, replace } from "../inbox/dom.js";
import { createStatus } from "./common.js";
import { TYPE_LABELS, api, confirmPanel, errorText, fetchAll, fieldErrors, plural, sentence } from "./marketing/shared.js";

const COUNT_DELAY = 300; // ms after the last keystroke

const BUILT_IN = [
  ["phone", "text", "the number, e.g. phone contains \"+1415\""],
  ["name", "text", "the contact’s name"],
  ["tag", "tag", "has this tag: tag = \"vip\""],
  ["list", "list", "subscribed to this list, by name"],
  ["opted_out", "yes/no", "texted STOP: opted_out = true"],
  ["created_at", "time", "when the contact was first seen"],
  ["last_inbound_at", "time", "when they last texted you"],
];
const EXAMPLES = [
  'tag = "vip" AND city = "Boston" AND last_inbound_at > -30d',
  '(list = "Newsletter" OR tag = "beta") AND NOT opted_out = true',
  'name contains "ann" AND created_at >= 2026-01-01',
];

const status = createStatus(document.getElementById("subs-status"));
const listEl = document.getElementById("segment-list");
const listState = document.getElementById("segments-state");
const countEl = document.getElementById("segments-count");
const editorEl = document.getElementById("segment-editor");
const helpEl = document.getElementById("segment-help");

let segments = [];

// ---- the editor ----------------------------------------------------------------------------------

let current = null; // the saved segment being edited, or null for a new one
let baseline = { name: "", description: "", filter: "" };
let check = { state: "empty", count: null, error: null, filter: "" }; // the last answer for the filter as typed
let checkSeq = 0;
let saving = false;

const errors = fieldErrors("segment");
const nameInput = h("input", { type: "text", id: "segment-name", "data-testid": "segment-name", maxlength: "80", autocomplete: "off", placeholder: "Boston VIPs" });
const descriptionInput = h("input", { type: "text", id: "segment-description", "data-testid": "segment-description", maxlength: "300", autocomplete: "off", placeholder: "Optional: what it is for" });
const filterInput = h("textarea", {
  id: "segment-filter",
  class: "mono filter-input",
  "data-testid": "segment-filter",
  rows: "5",
  spellcheck: "false",
  autocapitalize: "off",
  autocomplete: "off",
  placeholder: 'tag = "vip" AND last_inbound_at > -30d',
  "aria-describedby": "segment-count segment-problem",
});
const countLine = h("p", { class: "segment-count", id: "segment-count", "data-testid": "segment-count", "data-state": "empty", "aria-live": "polite" });
const problemMessage = h("p", { class: "problem-message", "data-testid": "segment-error-message" });
const problemWhere = h("span", { class: "problem-where", "data-testid": "segment-error-position" });
const pointer = h("pre", { class: "problem-pointer", "data-testid": "segment-error-pointer", "aria-hidden": "true" });
const gotoButton = h("button", { type: "button", class: "link-button small", "data-testid": "segment-error-goto", onClick: () => goToError() }, "Show in the filter");
const problem = h(
  "div",
  { class: "segment-problem", id: "segment-problem", "data-testid": "segment-error", role: "alert", hidden: true },
  h("div", { class: "problem-head" }, problemWhere, gotoButton),
  problemMessage,
  pointer,
);
const title = h("h2", { class: "editor-title", "data-testid": "segment-editor-title" }, "New segment");
const subtitle = h("p", { class: "editor-subtitle muted small", "data-testid": "segment-editor-subtitle" });
const save = h("button", { type: "submit", class: "button primary", "data-testid": "segment-save", disabled: true }, "Save segment");
const revert = h("button", { type: "button", class: "button", "data-testid": "segment-revert", hidden: true, onClick: () => fill(baseline) }, "Discard changes");
const saveState = h("span", { class: "save-state", "data-testid": "segment-save-state", "aria-live": "polite" });
const remove = h("button", { type: "button", class: "button danger", "data-testid": "segment-delete", hidden: true, onClick: () => askDelete() }, "Delete…");
const deletion = confirmPanel({ testid: "segment-delete", confirmText: "Delete segment", onConfirm: () => doDelete() });

const form = h(
  "form",
  { class: "segment-form", "data-testid": "segment-form", novalidate: true, autocomplete: "off" },
  h(
    "div",
    { class: "field-row" },
    h("div", { class: "field" }, h("label", { class: "field-label", for: nameInput.id }, "Name"), nameInput, errors.slot("name", nameInput)),
    h("div", { class: "field" }, h("label", { class: "field-label", for: descriptionInput.id }, "Description"), descriptionInput, errors.slot("description", descriptionInput)),
  ),
  h(
    "div",
    { class: "field" },
    h("div", { class: "label-row" }, h("label", { class: "field-label", for: filterInput.id }, "Filter"), h("span", { class: "spacer" }), countLine),
    filterInput,
    problem,
    errors.slot("filter"),
  ),
  errors.slot("_"),
  h("div", { class: "form-actions" }, save, revert, saveState, h("span", { class: "spacer" }), remove),
  deletion.el,
);
replace(editorEl, h("div", { class: "editor-head" }, h("div", { class: "editor-heading" }, title, subtitle)), form);

function read() {
  return { name: nameInput.value.trim(), description: descriptionInput.value.trim(), filter: filterInput.value };
}

function changes() {
  const now = read();
  const out = {};
  if (now.name !== baseline.name.trim()) out.name = now.name;
  if (now.description !== baseline.description.trim()) out.description = now.description;
  if (now.filter.trim() !== baseline.filter.trim()) out.filter = now.filter;
  return out;
}

function fill(values) {
  nameInput.value = values.name || "";
  descriptionInput.value = values.description || "";
  filterInput.value = values.filter || "";
  errors.clear();
  countNow();
}

/** The count line, the error box, and whether Save may be pressed. */
function render() {
  const values = read();
  countLine.dataset.state = check.state;
  if (check.state === "empty") countLine.textContent = "Write a filter to count the contacts it selects.";
  else if (check.state === "counting") countLine.textContent = check.count === null ? "Counting…" : `${plural(check.count, "contact")} · counting…`;
  else if (check.state === "ok") countLine.textContent = plural(check.count, "contact");
  else if (check.state === "invalid") countLine.textContent = "The filter has an error";
  else countLine.textContent = check.error ? `Could not count: ${check.error.text}` : "Could not count.";

  const invalid = check.state === "invalid" && check.error;
  problem.hidden = !invalid;
  filterInput.setAttribute("aria-invalid", String(Boolean(invalid)));
  if (invalid) showProblem(check.error, check.filter);

  const pending = !current || Object.keys(changes()).length > 0;
  const ready = check.state === "ok";
  save.disabled = saving || !ready || !values.name || !pending;
  revert.hidden = !current || !pending || saving;
  form.dataset.dirty = current && pending ? "yes" : "no";
  if (saving) saveState.textContent = "Saving…";
  else if (invalid) saveState.textContent = "Fix the filter to save.";
  else if (check.state === "empty") saveState.textContent = "";
  else if (ready && !values.name) saveState.textContent = "Name the segment to save it.";
  else if (current && pending) saveState.textContent = "Unsaved changes";
  else if (saveState.dataset.kind !== "saved") saveState.textContent = "";
}

function showProblem(error, text) {
  problemMessage.textContent = sentence(error.message);
  if (error.line) {
    problemWhere.textContent = `Line ${error.line}, column ${error.column}`;
    const lines = text.split("\n");
    const lineText = (lines[error.line - 1] ?? "").replace(/\t/g, " ");
    const column = Math.max(1, error.column || 1);
    // The line as typed and a caret under the column, like a compiler: plain text in a <pre>.
    pointer.textContent = `${lineText}\n${" ".repeat(column - 1)}^`;
    pointer.hidden = false;
    gotoButton.hidden = false;
  } else {
    problemWhere.textContent = "";
    pointer.hidden = true;
    gotoButton.hidden = true;
  }
}

/** Put the cursor on the error in the filter and select the character there. */
function goToError() {
  const error = check.error;
  if (!error || !error.line) return;
  const lines = filterInput.value.split("\n");
  let offset = 0;
  for (let i = 0; i < error.line - 1 && i < lines.length; i += 1) offset += lines[i].length + 1;
  offset = Math.min(filterInput.value.length, offset + Math.max(0, (error.column || 1) - 1));
  filterInput.focus();
  filterInput.setSelectionRange(offset, Math.min(filterInput.value.length, offset + 1));
}

/** A 422 invalid_segment → {message, line, column}; anything else → {text}. */
function segmentError(err) {
  const details = err.details || {};
  const field = (err.fields || []).find((f) => String(f.field).startsWith("filter"));
  const message = (field && field.message) || String(details.message || err.message).replace(/\s*\(line \d+, column \d+\)\s*$/, "");
  return { message, line: Number(details.line) || null, column: Number(details.column) || null, text: errorText(err) };
}

async function runCount() {
  const text = filterInput.value;
  const mine = ++checkSeq;
  if (!text.trim()) {
    check = { state: "empty", count: null, error: null, filter: text };
    render();
    return;
  }
  try {
    const result = await api.post("/api/v1/segments/count", { filter: text });
    if (mine !== checkSeq) return;
    check = { state: "ok", count: result.count, error: null, filter: text };
  } catch (err) {
    if (mine !== checkSeq) return;
    const invalid = err.status === 422;
    check = { state: invalid ? "invalid" : "error", count: null, error: segmentError(err), filter: text };
  }
  render();
}
const countSoon = debounce(runCount, COUNT_DELAY);

function countNow() {
  countSoon.cancel();
  check = { ...check, state: filterInput.value.trim() ? "counting" : "empty", count: check.state === "ok" ? check.count : null };
  render();
  runCount();
}

function filterChanged() {
  saveState.dataset.kind = "";
  if (!filterInput.value.trim()) {
    countSoon.cancel();
    checkSeq += 1;
    check = { state: "empty", count: null, error: null, filter: "" };
  } else {
    // Keep the last number on screen (marked as counting) so it does not flicker while typing.
    check = { ...check, state: "counting", count: check.state === "ok" || check.state === "counting" ? check.count : null };
    countSoon();
  }
  render();
}

function show(segment) {
  current = segment;
  baseline = segment ? { name: segment.name, description: segment.description || "", filter: segment.filter } : { name: "", description: "", filter: "" };
  title.textContent = segment ? segment.name : "New segment";
  subtitle.textContent = segment ? "Change the filter and watch the count; saving updates it for future campaigns." : "Write a filter; the count updates as you type.";
  save.textContent = segment ? "Save changes" : "Save segment";
  remove.hidden = !segment;
  deletion.el.hidden = true;
  saveState.textContent = "";
  saveState.dataset.kind = "";
  check = { state: "empty", count: null, error: null, filter: "" };
  fill(baseline);
  renderList();
}

function confirmDiscard() {
  const pending = current ? Object.keys(changes()).length > 0 : Boolean(read().filter.trim() || read().name);
  if (!pending) return true;
  return window.confirm(current ? `Discard your changes to “${current.name}”?` : "Discard this new segment?");
}

function open(id) {
  const segment = segments.find((s) => s.id === id);
  if (!segment || (current && current.id === id) || !confirmDiscard()) return;
  show(segment);
  setHash(id);
}

function startNew() {
  if (!confirmDiscard()) return;
  show(null);
  setHash(null);
  nameInput.focus();
}

function setHash(id) {
  window.history.replaceState(null, "", id ? `#segment-${id}` : window.location.pathname);
}

async function submit() {
  if (save.disabled) return;
  const values = read();
  const body = current ? changes() : { name: values.name, filter: values.filter, description: values.description };
  saving = true;
  errors.clear();
  render();
  try {
    const saved = current ? await api.patch(`/api/v1/segments/${current.id}`, body) : await api.post("/api/v1/segments", body);
    const created = !current;
    saving = false;
    await reload();
    show(segments.find((s) => s.id === saved.id) || saved);
    setHash(saved.id);
    saveState.dataset.kind = "saved";
    saveState.textContent = "Saved.";
    const counted = typeof saved.count === "number" ? ` — ${plural(saved.count, "contact")}` : "";
    status.show(`${created ? "Saved" : "Updated"} “${saved.name}”${counted}.`);
  } catch (err) {
    saving = false;
    if (err.status === 422 && err.code === "invalid_segment") {
      check = { state: "invalid", count: null, error: segmentError(err), filter: values.filter };
    } else if (err.status === 409 || (err.fields && err.fields.length)) {
      // A 409 is a name already taken (its message says which); anything no field shows goes under the form.
      const fields = err.status === 409 ? [{ field: (err.fields && err.fields[0] && err.fields[0].field) || "name", message: err.message }] : err.fields;
      const rest = errors.show(fields);
      if (rest.length) errors.show(fields.map((f) => (rest.includes(f) ? { field: "_", message: `${f.field}: ${f.message}` } : f)));
    } else {
      errors.show([{ field: "_", message: errorText(err) }]);
    }
    render();
  }
}

function askDelete() {
  if (!current) return;
  deletion.open(
    h("strong", {}, `Delete the segment “${current.name}”?`),
    " ",
    "No contact is changed; only this saved filter goes. Campaigns already sent keep the recipients they had.",
  );
}

async function doDelete() {
  const gone = current;
  await api.del(`/api/v1/segments/${gone.id}`);
  current = null;
  await reload();
  show(null);
  setHash(null);
  status.show(`Deleted the segment “${gone.name}”.`);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  submit();
});
form.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    submit();
  }
});
filterInput.addEventListener("input", filterChanged);
for (const input of [nameInput, descriptionInput]) {
  input.addEventListener("input", () => {
    saveState.dataset.kind = "";
    errors.clear();
    render();
  });
}
window.addEventListener("beforeunload", (event) => {
  if (current ? Object.keys(changes()).length : read().filter.trim()) {
    event.preventDefault();
    event.returnValue = "";
  }
});

// ---- saved segments ------------------------------------------------------------------------------

function segmentRow(segment) {
  const selected = current && current.id === segment.id;
  return h(
    "li",
    { class: ["segment-row", selected ? "is-selected" : ""], "data-testid": "segment-row", "data-id": segment.id },
    h(
      "button",
      { type: "button", class: "segment-open", "data-testid": "segment-open", "aria-current": selected ? "true" : null, onClick: () => open(segment.id) },
      h(
        "span",
        { class: "segment-line" },
        h("span", { class: "segment-name", "data-testid": "segment-row-name" }, segment.name),
        typeof segment.count === "number"
          ? h("span", { class: "segment-size", "data-testid": "segment-row-count" }, plural(segment.count, "contact"))
          : h("span", { class: "chip chip-optout", "data-testid": "segment-row-count", title: segment.error || "" }, "Needs fixing"),
      ),
      segment.error ? h("span", { class: "segment-broken small", "data-testid": "segment-row-error" }, sentence(segment.error)) : null,
      segment.description ? h("span", { class: "segment-desc muted small", "data-testid": "segment-row-description" }, segment.description) : null,
      h("code", { class: "segment-filter-preview", "data-testid": "segment-row-filter" }, segment.filter),
    ),
  );
}

function renderList() {
  replace(listEl, segments.map(segmentRow));
  countEl.textContent = segments.length ? String(segments.length) : "";
  listState.hidden = segments.length > 0;
  if (!segments.length) listState.textContent = "No saved segments yet. Write a filter and save it.";
}

async function reload() {
  try {
    segments = await fetchAll("/api/v1/segments");
    renderList();
    listEl.dataset.loaded = "yes";
  } catch (err) {
    listState.textContent = `Could not load the segments: ${errorText(err)}`;
    listState.hidden = false;
  }
}

// ---- the language's help -------------------------------------------------------------------------

function insert(snippet) {
  const start = filterInput.selectionStart ?? filterInput.value.length;
  const end = filterInput.selectionEnd ?? filterInput.value.length;
  const before = filterInput.value.slice(0, start);
  const spaced = before && !/[\s(]$/.test(before) ? ` ${snippet}` : snippet;
  filterInput.setRangeText(spaced, start, end, "end");
  filterInput.focus();
  filterChanged();
}

function fieldButton(key, kind, hint, testid) {
  return h(
    "li",
    { class: "help-field", "data-testid": testid, "data-key": key },
    h("button", { type: "button", class: "var-button mono", title: `Insert ${key}`, onClick: () => insert(`${key} `) }, key),
    h("span", { class: "help-about small" }, h("span", { class: "help-kind" }, kind), hint ? h("span", { class: "help-hint muted" }, ` · ${hint}`) : null),
  );
}

function renderHelp(attributes, lists) {
  const attributeItems = attributes.map((a) => fieldButton(a.key, (TYPE_LABELS[a.type] || a.type).toLowerCase(), a.label || null, "segment-help-attribute"));
  replace(
    helpEl,
    h("h2", { id: "segment-help-title" }, "Writing a filter"),
    h("p", { class: "muted small" }, "Comparisons like ", h("code", {}, "field = value"), ", joined with AND, OR and NOT. Click a name to insert it."),
    h("h3", {}, "Fields"),
    h("ul", { class: "help-fields", "data-testid": "segment-help-fields" }, BUILT_IN.map(([key, kind, hint]) => fieldButton(key, kind, hint, "segment-help-field"))),
    h("h3", {}, "Your attributes"),
    attributeItems.length
      ? h("ul", { class: "help-fields", "data-testid": "segment-help-attributes" }, attributeItems)
      : h("p", { class: "muted small", "data-testid": "segment-help-attributes" }, "None yet. ", h("a", { href: "/admin/attributes" }, "Define attributes"), " such as city or birthday to filter on them."),
    lists.length
      ? [
          h("h3", {}, "Lists"),
          h(
            "ul",
            { class: "help-chips", "data-testid": "segment-help-lists" },
            lists.map((l) => h("li", {}, h("button", { type: "button", class: "var-button", title: `Insert list = "${l.name}"`, onClick: () => insert(`list = ${JSON.stringify(l.name)}`) }, l.name))),
          ),
        ]
      : null,
    h("h3", {}, "Operators"),
    h("p", { class: "help-ops" }, ["=", "!=", "<", "<=", ">", ">=", "contains"].map((op) => h("code", {}, op))),
    h("p", { class: "muted small" }, "Text takes = != contains; numbers, dates and times take all but contains; yes/no, tag and list take = and !=."),
    h("h3", {}, "Combine"),
    h("p", { class: "help-ops" }, ["AND", "OR", "NOT", "( … )"].map((op) => h("code", {}, op))),
    h("p", { class: "muted small" }, "NOT binds tightest, then AND, then OR; use parentheses to group."),
    h("h3", {}, "Values"),
    h(
      "dl",
      { class: "help-values" },
      h("dt", {}, h("code", {}, '"text"')), h("dd", {}, "in double quotes"),
      h("dt", {}, h("code", {}, "42"), " ", h("code", {}, "3.5")), h("dd", {}, "numbers"),
      h("dt", {}, h("code", {}, "true"), " ", h("code", {}, "false")), h("dd", {}, "yes / no"),
      h("dt", {}, h("code", {}, "2026-01-31")), h("dd", {}, "a date"),
      h("dt", {}, h("code", {}, "-30d"), " ", h("code", {}, "-12h"), " ", h("code", {}, "-2w")), h("dd", {}, "that long ago (d days, h hours, w weeks)"),
    ),
    h("h3", {}, "Examples"),
    h(
      "ul",
      { class: "help-examples", "data-testid": "segment-help-examples" },
      EXAMPLES.map((example) =>
        h(
          "li",
          {},
          h("code", { class: "example" }, example),
          h("button", { type: "button", class: "link-button small", "data-testid": "segment-help-use", title: "Put this example in the filter", onClick: () => useExample(example) }, "Use"),
        ),
      ),
    ),
  );
}

function useExample(example) {
  if (filterInput.value.trim() && !window.confirm("Replace the filter with this example?")) return;
  filterInput.value = example;
  filterInput.focus();
  filterChanged();
}

async function loadHelp() {
  renderHelp([], []);
  try {
    const [attributes, lists] = await Promise.all([fetchAll("/api/v1/attributes", {}, { paged: false }), fetchAll("/api/v1/lists")]);
    renderHelp(attributes, lists);
    helpEl.dataset.loaded = "yes";
  } catch (err) {
    helpEl.append(h("p", { class: "field-error" }, `Could not load your attributes and lists: ${errorText(err)}`));
  }
}

// ---- start ---------------------------------------------------------------------------------------

document.getElementById("segment-new").addEventListener("click", startNew);
show(null);
loadHelp();
reload().then(() => {
  const match = /^#segment-(\d+)$/.exec(window.location.hash);
  if (match) open(Number(match[1]));
});
