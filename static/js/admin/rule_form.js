// The rule editor: one rule's fields, live checks (errors, conflicts, preview) while typing, save and delete.
import { ApiError, errorText, get, patch, post, request } from "../inbox/api.js";
import { debounce, h, replace } from "../inbox/dom.js";
import { analyze } from "../inbox/segments.js";
import { relative, long } from "../inbox/time.js";
import {
  ACTION_LABELS,
  FIELD_LABELS,
  MATCH_HINTS,
  MATCH_LABELS,
  SAMPLE,
  errorsByField,
  sentence,
  smsBubble,
} from "./common.js";
import { createKeywordInput } from "./keywords.js";

export const RULE_DEFAULTS = {
  name: "",
  keywords: [],
  match: "first_word",
  fuzzy: true,
  threshold: 85,
  priority: 0,
  enabled: true,
  reply: "",
  action: "reply",
  list_id: null,
};
const FIELDS = Object.keys(RULE_DEFAULTS);
// The subscribe action (a keyword joins a subscriber list) and its list picker.
const ACTIONS = { ...ACTION_LABELS, subscribe: "Subscribe to list" };
const LABELS = { ...FIELD_LABELS, list_id: "List" };

/** Every subscriber list, by name (the picker's options). */
async function loadLists() {
  const lists = [];
  let cursor = null;
  do {
    const page = await get("/api/v1/lists", { limit: 200, cursor });
    lists.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return lists.sort((a, b) => a.name.localeCompare(b.name));
}
const VARIABLES = [
  ["first name", '{{ contact.first_name | default("there") }}'],
  ["full name", "{{ contact.name }}"],
  ["phone", "{{ contact.phone }}"],
  ["brand", "{{ brand }}"],
  ["support contact", "{{ support }}"],
];

function same(field, a, b) {
  if (field === "keywords") return JSON.stringify(a || []) === JSON.stringify(b || []);
  if (field === "list_id") return (a ?? null) === (b ?? null);
  if (field === "threshold") return Number(a) === Number(b);
  return a === b;
}

/** Size of a text the backend did not measure (the hand-off acknowledgement), counted like sms/segments.py. */
function measured(text) {
  const info = analyze(text);
  return { text, characters: [...text].length, segments: info.segments, encoding: info.encoding };
}

/**
 * createRuleForm({canEdit, onSaved, onDeleted, onDraftChange, onOpenRule, onClose, position})
 *   -> {el, edit(rule), create(), clear(), isDirty(), draft(), confirmDiscard(), current(), applyRule(rule)}
 */
export function createRuleForm({ canEdit, onSaved, onDeleted, onDraftChange, onOpenRule, onClose, position }) {
  let original = null; // the saved rule being edited; null for a new one
  let baseline = { ...RULE_DEFAULTS };
  let open = false;
  let serverErrors = [];
  let localErrors = [];
  let touched = null; // new rule: the fields edited so far (errors show for these); null: show every error
  let conflicts = [];
  let lastPreview = null;
  let checkSeq = 0;
  let checked = false;
  let saving = false;
  let confirmingDelete = false;

  // ---- controls ----------------------------------------------------------------------------------
  const errorEls = {};
  const errorEl = (field) => {
    errorEls[field] = h("p", { class: "field-error", id: `rule-error-${field}`, "data-testid": `rule-error-${field}`, hidden: true });
    return errorEls[field];
  };

  const name = h("input", { type: "text", id: "rule-name", "data-testid": "rule-name", maxlength: "200", autocomplete: "off", placeholder: "e.g. Opening hours" });
  const keywords = createKeywordInput({
    onChange: () => changed("keywords"),
    isRegex: () => match.value === "regex",
    describedBy: "rule-keywords-hint rule-error-keywords",
  });
  const match = h(
    "select",
    { id: "rule-match", "data-testid": "rule-match", "aria-describedby": "rule-match-hint" },
    Object.entries(MATCH_LABELS).map(([value, label]) => h("option", { value }, label)),
  );
  const matchHint = h("p", { class: "field-hint", id: "rule-match-hint" });
  const fuzzy = h("input", { type: "checkbox", id: "rule-fuzzy", "data-testid": "rule-fuzzy" });
  const slider = h("input", { type: "range", min: "50", max: "100", step: "1", class: "threshold-slider", "data-testid": "rule-threshold-slider", "aria-label": "Similarity threshold (slider)" });
  const threshold = h("input", { type: "number", min: "50", max: "100", step: "1", class: "threshold-number", id: "rule-threshold", "data-testid": "rule-threshold", "aria-label": "Similarity threshold" });
  const fuzzyHint = h("p", { class: "field-hint", id: "rule-fuzzy-hint" });
  const priority = h("input", { type: "number", step: "1", id: "rule-priority", class: "priority-input", "data-testid": "rule-priority", "aria-describedby": "rule-priority-hint rule-error-priority" });
  const enabled = h("input", { type: "checkbox", id: "rule-enabled-field", "data-testid": "rule-enabled-field" });
  const actionInputs = Object.entries(ACTIONS).map(([value]) =>
    h("input", { type: "radio", name: "rule-action", value, "data-testid": `rule-action-${value}`, id: `rule-action-${value}` }),
  );
  const actionText = { reply: "Reply", handoff: "Hand off to an agent", reply_handoff: "Reply, then hand off", subscribe: "Subscribe to a list" };
  const listPicker = h(
    "select",
    { id: "rule-list", "data-testid": "rule-list", "aria-describedby": "rule-list-hint rule-error-list_id" },
    h("option", { value: "" }, "Loading lists…"),
  );
  const listHint = h("p", { class: "field-hint", id: "rule-list-hint" });
  let lists = [];
  let listsLoaded = false;
  const reply = h("textarea", { id: "rule-reply", "data-testid": "rule-reply", rows: "4", maxlength: "2000", "aria-describedby": "rule-reply-hint rule-error-reply", placeholder: "What the customer gets back" });
  const replyHint = h("p", { class: "field-hint", id: "rule-reply-hint" });
  const nameHint = h(
    "p",
    { class: "field-hint name-hint edit-only", "data-testid": "rule-name-variable-hint", hidden: true },
    "Contacts with no name saved get nothing in place of the name. Add a fallback: ",
    h("code", {}, '{{ contact.first_name | default("there") }}'),
    ".",
  );
  const variableButtons = VARIABLES.map(([label, snippet]) =>
    h("button", { type: "button", class: "var-button", title: `Insert ${snippet}`, onClick: () => insertVariable(snippet) }, label),
  );
  const previewBody = h("div", { class: "preview-body", "data-testid": "rule-preview-body" });
  const preview = h(
    "section",
    { class: "rule-preview", "data-testid": "rule-preview", "aria-live": "polite" },
    h("div", { class: "preview-head" }, h("h3", {}, "What the customer gets"), h("span", { class: "sample" }, `for ${SAMPLE.name}`)),
    previewBody,
  );
  const conflictList = h("ul", { class: "conflict-list" });
  const conflictBox = h(
    "section",
    { class: "conflicts", "data-testid": "rule-conflicts", hidden: true, "aria-live": "polite" },
    h("h3", {}, canEdit ? "Check before saving" : "Overlaps with other rules"),
    conflictList,
  );
  const errorList = h("ul", { class: "error-list" });
  const errorBox = h("section", { class: "errors", "data-testid": "rule-errors", role: "alert", hidden: true }, h("h3", {}, "Fix these to save"), errorList);
  const formError = h("p", { class: "form-error", role: "alert", "data-testid": "rule-form-error", hidden: true });

  const save = h("button", { type: "submit", class: "button primary", "data-testid": "rule-save" }, "Save rule");
  const revert = h("button", { type: "button", class: "button", "data-testid": "rule-revert", hidden: true, onClick: () => revertChanges() }, "Discard changes");
  const remove = h("button", { type: "button", class: "button danger", "data-testid": "rule-delete", onClick: () => askDelete(true) }, "Delete…");
  const saveState = h("span", { class: "save-state muted small", "data-testid": "rule-save-state", "aria-live": "polite" });
  const deleteConfirm = h(
    "div",
    { class: "delete-confirm", "data-testid": "rule-delete-panel", role: "alertdialog", "aria-label": "Delete this rule?", hidden: true },
    h("p", { class: "delete-question" }),
    h(
      "div",
      { class: "delete-buttons" },
      h("button", { type: "button", class: "button danger", "data-testid": "rule-delete-confirm", onClick: () => doDelete() }, "Delete rule"),
      h("button", { type: "button", class: "button", "data-testid": "rule-delete-cancel", onClick: () => askDelete(false) }, "Keep it"),
    ),
  );

  const title = h("h2", { class: "editor-title", "data-testid": "rule-editor-title" });
  const subtitle = h("p", { class: "editor-subtitle muted small" });
  const close = h("button", { type: "button", class: "link-button small", "data-testid": "rule-close", onClick: () => closeEditor() }, "Close");

  const field = (fieldName, labelText, control, { hint = null, labelFor = null, extra = null } = {}) =>
    h(
      "div",
      { class: ["field", `field-${fieldName}`], "data-field": fieldName },
      h("label", { class: "field-label", for: labelFor }, labelText),
      control,
      hint,
      extra,
      errorEl(fieldName),
    );

  const form = h(
    "form",
    { class: "rule-form", "data-testid": "rule-form", novalidate: true, autocomplete: "off" },
    field("name", "Name", name, { labelFor: "rule-name", hint: h("p", { class: "field-hint" }, "For you and your team; customers never see it.") }),
    field("keywords", "Keywords", keywords.el, {
      labelFor: "rule-keywords",
      hint: h("p", { class: "field-hint edit-only", id: "rule-keywords-hint" }, "Press Enter after each keyword or phrase. Case, accents and punctuation are ignored."),
    }),
    h(
      "div",
      { class: "field-row" },
      field("match", "Match", match, { labelFor: "rule-match", hint: matchHint }),
      field("priority", "Priority", priority, {
        labelFor: "rule-priority",
        hint: h("p", { class: "field-hint", id: "rule-priority-hint" }, "Higher wins. 0 is normal."),
      }),
    ),
    h(
      "div",
      { class: ["field", "field-fuzzy"], "data-field": "threshold" },
      h("span", { class: "field-label", id: "rule-fuzzy-label" }, "Typo tolerance"),
      h(
        "div",
        { class: "fuzzy-row" },
        h("label", { class: "checkbox" }, fuzzy, "Accept typos"),
        h("span", { class: "threshold" }, h("span", { class: "muted small" }, "at least"), slider, threshold, h("span", { class: "muted small" }, "% similar")),
      ),
      fuzzyHint,
      errorEl("threshold"),
      errorEl("fuzzy"),
    ),
    h(
      "fieldset",
      { class: ["field", "field-action"], "data-field": "action", "data-testid": "rule-action" },
      h("legend", { class: "field-label" }, "Action"),
      h(
        "div",
        { class: "radio-row" },
        actionInputs.map((input) => h("label", { class: "radio-pill", for: input.id }, input, actionText[input.value])),
      ),
      errorEl("action"),
    ),
    field("list_id", "List", listPicker, { labelFor: "rule-list", hint: listHint }),
    field("reply", "Reply", reply, {
      labelFor: "rule-reply",
      hint: [replyHint, nameHint],
      extra: h("div", { class: "var-row edit-only", "data-testid": "rule-variables" }, h("span", { class: "muted small" }, "Insert:"), variableButtons),
    }),
    h("label", { class: "checkbox enabled-field" }, enabled, "Enabled — the bot uses this rule"),
    errorEl("_"),
    preview,
    conflictBox,
    errorBox,
    formError,
    canEdit ? h("div", { class: "form-actions rule-actions" }, save, revert, saveState, remove) : null,
    deleteConfirm,
  );

  const emptyState = h(
    "div",
    { class: "editor-empty", "data-testid": "rule-editor-empty" },
    h("p", { class: "empty-title" }, canEdit ? "Pick a rule to edit it" : "Pick a rule to see it"),
    h(
      "p",
      { class: "muted" },
      canEdit
        ? "Or start a new one with “New rule”. The test bench on the right tries texts against your rules as you type."
        : "The test bench on the right shows what the bot would answer to any text.",
    ),
  );
  const editor = h(
    "div",
    { class: ["editor", canEdit ? "" : "is-readonly"], hidden: true },
    h("div", { class: "editor-head" }, h("div", { class: "editor-heading" }, title, subtitle), close),
    canEdit ? null : h("p", { class: "readonly-badge", "data-testid": "rule-readonly" }, "Read-only: only admins can change rules."),
    form,
  );
  const el = h("div", { class: "editor-wrap" }, emptyState, editor);

  // ---- values ------------------------------------------------------------------------------------
  function actionValue() {
    const checkedInput = actionInputs.find((input) => input.checked);
    return checkedInput ? checkedInput.value : "reply";
  }

  function values() {
    localErrors = [];
    const prio = priority.value.trim();
    let prioValue = 0;
    if (prio !== "") {
      prioValue = Number(prio);
      if (!Number.isInteger(prioValue)) {
        localErrors.push({ field: "priority", message: "Priority must be a whole number." });
        prioValue = baseline.priority;
      }
    }
    let thresholdValue = Number(threshold.value);
    if (threshold.value.trim() === "" || !Number.isFinite(thresholdValue)) {
      localErrors.push({ field: "threshold", message: "Threshold must be a number from 50 to 100." });
      thresholdValue = baseline.threshold;
    }
    return {
      name: name.value,
      keywords: keywords.values(),
      match: match.value,
      fuzzy: fuzzy.checked,
      threshold: thresholdValue,
      priority: prioValue,
      enabled: enabled.checked,
      // A subscribe rule answers with the list's confirmation: it has no reply of its own.
      reply: actionValue() === "subscribe" ? "" : reply.value,
      action: actionValue(),
      list_id: actionValue() === "subscribe" && listPicker.value ? Number(listPicker.value) : null,
    };
  }

  function fill(rule) {
    name.value = rule.name || "";
    keywords.set(rule.keywords || []);
    match.value = rule.match || RULE_DEFAULTS.match;
    fuzzy.checked = Boolean(rule.fuzzy);
    const t = Math.round(Number(rule.threshold ?? RULE_DEFAULTS.threshold));
    threshold.value = String(t);
    slider.value = String(t);
    priority.value = String(rule.priority ?? 0);
    enabled.checked = rule.enabled !== false;
    reply.value = rule.reply || "";
    for (const input of actionInputs) input.checked = input.value === (rule.action || "reply");
    fillLists(rule.list_id ?? null);
  }

  /** The picker's options: every list, and the rule's own list even before the lists have loaded. */
  function fillLists(selected) {
    const options = [h("option", { value: "" }, listsLoaded ? (lists.length ? "Choose a list…" : "No lists yet") : "Loading lists…")];
    for (const list of lists) options.push(h("option", { value: String(list.id) }, list.name));
    if (selected !== null && !lists.some((list) => list.id === selected)) {
      options.push(h("option", { value: String(selected) }, listsLoaded ? `List ${selected} (deleted)` : `List ${selected}`));
    }
    replace(listPicker, options);
    listPicker.value = selected === null ? "" : String(selected);
  }

  async function refreshLists() {
    try {
      lists = await loadLists();
    } catch (err) {
      lists = [];
      showFormError(`Could not load the subscriber lists: ${errorText(err)}`);
    }
    listsLoaded = true;
    const keep = listPicker.value ? Number(listPicker.value) : baseline.list_id ?? null;
    fillLists(keep);
    syncControls();
  }

  function changedFields() {
    const now = values();
    const changes = {};
    for (const key of FIELDS) if (!same(key, now[key], baseline[key])) changes[key] = now[key];
    return changes;
  }

  function isDirty() {
    if (!open || !canEdit) return false;
    return Object.keys(changedFields()).length > 0;
  }

  // ---- rendering ---------------------------------------------------------------------------------
  function syncControls() {
    const regex = match.value === "regex";
    matchHint.textContent = MATCH_HINTS[match.value] || "";
    fuzzy.disabled = !canEdit || regex;
    const tolerant = fuzzy.checked && !regex;
    slider.disabled = !canEdit || !tolerant;
    threshold.disabled = !canEdit || !tolerant;
    fuzzyHint.textContent = regex
      ? "Regular expressions never match with typos."
      : tolerant
        ? "Lower accepts more typos; 85 suits most keywords. Keywords of 3 letters or fewer always match exactly."
        : "Only exact spellings match (case, accents and punctuation still ignored).";
    nameHint.hidden = !/\{\{\s*contact\.(first_name|name)\s*\}\}/.test(reply.value);
    const action = actionValue();
    const subscribing = action === "subscribe";
    listPicker.closest(".field").hidden = !subscribing;
    reply.closest(".field").hidden = subscribing;
    const chosen = lists.find((list) => String(list.id) === listPicker.value);
    listHint.textContent = !listsLoaded
      ? ""
      : !lists.length
        ? "Make a list first under Lists; then pick it here."
        : chosen && chosen.double_opt_in
          ? "Double opt-in: the customer is asked to reply YES; they join once they do."
          : "The customer joins at once and gets the confirmation (brand, list, frequency, how to stop), then the list's welcome text.";
    replyHint.textContent =
      action === "handoff"
        ? "This rule sends no reply of its own: the customer gets the hand-off acknowledgement (Settings) and an agent takes over."
        : action === "reply_handoff"
          ? "Sent first; then the hand-off acknowledgement, and the conversation waits for an agent."
          : "Sent as is. Variables are filled in for each customer.";
  }

  function allErrors() {
    return [...localErrors, ...serverErrors];
  }

  const fieldOf = (error) => String(error.field || "").split(/[.[]/)[0];

  /** The errors to show: on a new rule, only for the fields the admin has touched (all after a save attempt). */
  function visibleErrors() {
    const all = allErrors();
    return touched ? all.filter((e) => touched.has(fieldOf(e))) : all;
  }

  function renderErrors() {
    const grouped = errorsByField(visibleErrors());
    for (const [key, node] of Object.entries(errorEls)) {
      const messages = grouped.get(key) || [];
      replace(node, messages.map((m, i) => [i ? h("br") : null, sentence(m)]));
      node.hidden = messages.length === 0;
    }
    for (const [key, control] of [["name", name], ["match", match], ["priority", priority], ["threshold", threshold], ["reply", reply], ["list_id", listPicker]]) {
      control.setAttribute("aria-invalid", String(grouped.has(key)));
      control.closest(".field")?.classList.toggle("has-error", grouped.has(key));
    }
    keywords.setInvalid(grouped.has("keywords"));
    errorEls.keywords.closest(".field")?.classList.toggle("has-error", grouped.has("keywords"));
    const all = visibleErrors();
    replace(
      errorList,
      all.map((e) => {
        const key = fieldOf(e);
        const label = LABELS[key] || e.field || "Rule";
        return h("li", { "data-field": key }, h("strong", {}, `${label}: `), sentence(e.message));
      }),
    );
    errorBox.hidden = all.length === 0;
  }

  function renderConflicts() {
    replace(
      conflictList,
      conflicts.map((c) =>
        h(
          "li",
          { class: ["conflict", `conflict-${c.kind}`], "data-testid": "rule-conflict", "data-kind": c.kind || "" },
          h("span", { class: "conflict-message" }, c.message || ""),
          c.example ? h("span", { class: "conflict-example muted small" }, " Example text: ", h("q", {}, c.example)) : null,
          c.rule_id && onOpenRule && (!original || c.rule_id !== original.id)
            ? h("button", { type: "button", class: "link-button small conflict-open", onClick: () => onOpenRule(c.rule_id) }, `Open “${c.rule_name || "that rule"}”`)
            : null,
        ),
      ),
    );
    conflictBox.hidden = conflicts.length === 0;
  }

  /** A subscribe rule's preview: the confirmation the bot would really send (asked of the test bench). */
  async function previewSubscription(seq) {
    const draft = values();
    const keyword = draft.match === "regex" ? null : draft.keywords[0];
    if (allErrors().length || !keyword) {
      const why = allErrors().length ? "The confirmation appears when the errors above are fixed." : "Add a keyword to see the confirmation.";
      replace(previewBody, h("p", { class: "muted small preview-empty" }, why));
      return;
    }
    try {
      const result = await post("/api/v1/rules/test", { text: keyword, draft, draft_id: original ? original.id : null });
      if (seq !== checkSeq || actionValue() !== "subscribe") return;
      if (result.kind !== "subscribe" || !result.reply_details.length) {
        replace(previewBody, h("p", { class: "muted small preview-empty" }, "Another rule answers this keyword first: see the test bench."));
        return;
      }
      replace(previewBody, [
        smsBubble(result.reply_details[0], { label: "Confirmation", testid: "rule-preview-reply" }),
        h("p", { class: "muted small preview-note" }, "Then the list's welcome text, if it has one, once they are subscribed."),
      ]);
    } catch (err) {
      if (seq !== checkSeq) return;
      replace(previewBody, h("p", { class: "muted small preview-empty" }, `No preview: ${errorText(err)}`));
    }
  }

  function renderPreview(result) {
    lastPreview = result;
    const action = actionValue();
    if (action === "subscribe") {
      previewSubscription(checkSeq);
      return;
    }
    if (!result) {
      const why = visibleErrors().length
        ? "The preview appears when the errors above are fixed."
        : checked
          ? "Write a reply to see it here."
          : "Checking…";
      replace(previewBody, h("p", { class: "muted small preview-empty" }, why));
      return;
    }
    const items = [];
    if (action !== "handoff" && result.text) items.push(smsBubble(result, { label: "Reply", testid: "rule-preview-reply" }));
    if (result.handoff_ack) {
      items.push(smsBubble(measured(result.handoff_ack), { label: action === "handoff" ? "Hand-off acknowledgement" : "Then the hand-off acknowledgement", testid: "rule-preview-ack" }));
    }
    if (action !== "reply") items.push(h("p", { class: "muted small preview-note" }, "The conversation then waits under Needs agent."));
    if (!items.length) items.push(h("p", { class: "muted small preview-empty" }, "Write a reply to see it here."));
    replace(previewBody, items);
  }

  function updateButtons() {
    const dirty = isDirty();
    const blocked = allErrors().length > 0;
    save.disabled = saving || blocked || (original !== null && !dirty);
    save.textContent = saving ? "Saving…" : original ? "Save changes" : "Create rule";
    revert.hidden = !dirty || original === null;
    remove.hidden = original === null;
    if (saving) saveState.textContent = "";
    else if (blocked && visibleErrors().length) saveState.textContent = "Fix the errors to save.";
    else if (blocked) {
      const needed = [...new Set(allErrors().map((e) => LABELS[fieldOf(e)] || fieldOf(e)))];
      saveState.textContent = `Still needed: ${needed.join(", ")}.`;
    }
    else if (dirty && conflicts.length) saveState.textContent = "Unsaved changes · see the warnings above";
    else if (dirty) saveState.textContent = "Unsaved changes";
    else if (original) saveState.textContent = "";
    editor.dataset.dirty = dirty ? "yes" : "no";
  }

  function renderHeading() {
    if (!original) {
      title.textContent = "New rule";
      subtitle.textContent = "It goes to the end of the list; move it up if it should win ties.";
      return;
    }
    title.textContent = original.name || "Rule";
    const pos = position ? position(original.id) : null;
    const bits = [];
    if (pos) bits.push(`#${pos} in the list`);
    if (original.updated_at) bits.push(`changed ${relative(original.updated_at) === "now" ? "just now" : relative(original.updated_at)}`);
    subtitle.textContent = bits.join(" · ");
    subtitle.title = original.updated_at ? long(original.updated_at) : "";
  }

  function showFormError(text) {
    formError.textContent = text || "";
    formError.hidden = !text;
  }

  // ---- live check --------------------------------------------------------------------------------
  async function check() {
    if (!open) return;
    const seq = ++checkSeq;
    const rule = values();
    const body = { rule, sample: { ...SAMPLE } };
    if (original) body.id = original.id;
    try {
      const result = await post("/api/v1/rules/check", body);
      if (seq !== checkSeq) return;
      serverErrors = result.errors || [];
      conflicts = result.conflicts || [];
      checked = true;
      showFormError(null);
      renderErrors();
      renderConflicts();
      renderPreview(result.preview || null);
    } catch (err) {
      if (seq !== checkSeq) return;
      if (err instanceof ApiError && err.status === 422 && err.fields.length) {
        serverErrors = err.fields;
        renderErrors();
        renderPreview(null);
      } else {
        showFormError(`Could not check the rule: ${errorText(err)}`);
      }
    }
    updateButtons();
  }
  const checkSoon = debounce(check, 250);
  const draftSoon = debounce(() => onDraftChange && onDraftChange(), 300);

  function changed(field) {
    if (touched && field) touched.add(field);
    syncControls();
    values(); // refresh local errors at once
    renderErrors();
    updateButtons();
    checkSoon();
    draftSoon();
  }

  // ---- actions -----------------------------------------------------------------------------------
  function insertVariable(snippet) {
    if (reply.disabled) return;
    const start = reply.selectionStart ?? reply.value.length;
    const end = reply.selectionEnd ?? reply.value.length;
    reply.setRangeText(snippet, start, end, "end");
    reply.focus();
    changed("reply");
  }

  async function submit() {
    if (!canEdit || saving) return;
    keywords.input.blur();
    const now = values();
    if (allErrors().length) {
      touched = null;
      renderErrors();
      updateButtons();
      return;
    }
    saving = true;
    updateButtons();
    showFormError(null);
    const creating = original === null;
    try {
      const saved = creating ? await post("/api/v1/rules", now) : await patch(`/api/v1/rules/${original.id}`, {
            ...changedFields(),
            // Refused (409 edit_conflict) when someone saved the rule after this editor loaded it.
            base_updated_at: original.updated_at,
          });
      const { conflicts: savedConflicts, ...rule } = saved || {};
      original = rule;
      touched = null;
      baseline = { ...RULE_DEFAULTS, ...rule };
      fill(baseline);
      conflicts = savedConflicts || conflicts;
      serverErrors = [];
      renderHeading();
      renderErrors();
      renderConflicts();
      saving = false;
      updateButtons();
      saveState.textContent = creating ? "Created." : "Saved.";
      if (onSaved) onSaved(rule, { created: creating, conflicts: conflicts });
      if (onDraftChange) onDraftChange();
      checkSoon();
    } catch (err) {
      saving = false;
      if (err instanceof ApiError && err.status === 422 && err.fields.length) {
        serverErrors = err.fields;
        renderErrors();
      } else {
        showFormError(errorText(err));
      }
      updateButtons();
    }
  }

  function revertChanges() {
    fill(baseline);
    changed(null);
  }

  function askDelete(show) {
    confirmingDelete = show;
    deleteConfirm.hidden = !show;
    if (show && original) {
      deleteConfirm.querySelector(".delete-question").textContent =
        `Delete “${original.name}”? Texts it answered will go to the next matching rule or the fallback. The change is kept in the history.`;
      deleteConfirm.querySelector("[data-testid=rule-delete-confirm]").focus();
    }
  }

  async function doDelete() {
    if (!original) return;
    const gone = original;
    try {
      await request("DELETE", `/api/v1/rules/${gone.id}`);
      askDelete(false);
      closeEditor({ force: true });
      if (onDeleted) onDeleted(gone);
    } catch (err) {
      askDelete(false);
      showFormError(errorText(err));
    }
  }

  function reset() {
    serverErrors = [];
    localErrors = [];
    conflicts = [];
    checked = false;
    confirmingDelete = false;
    deleteConfirm.hidden = true;
    showFormError(null);
    saveState.textContent = "";
    renderErrors();
    renderConflicts();
    renderPreview(null);
  }

  function setDisabled() {
    for (const control of [name, match, fuzzy, slider, threshold, priority, enabled, reply, listPicker, ...actionInputs, ...variableButtons]) {
      control.disabled = !canEdit;
    }
    keywords.setDisabled(!canEdit);
  }

  function openWith(rule) {
    open = true;
    emptyState.hidden = true;
    editor.hidden = false;
    reset();
    fill({ ...RULE_DEFAULTS, ...(rule || {}) });
    setDisabled();
    syncControls();
    renderHeading();
    updateButtons();
    check();
    refreshLists(); // lists change elsewhere (the Lists page): fresh options each time the editor opens
    if (onDraftChange) onDraftChange();
  }

  function closeEditor({ force = false } = {}) {
    if (!force && !confirmDiscard()) return false;
    open = false;
    original = null;
    checkSoon.cancel();
    editor.hidden = true;
    emptyState.hidden = false;
    if (onDraftChange) onDraftChange();
    if (onClose) onClose();
    return true;
  }

  /** Ask before throwing away unsaved edits; true when there are none or the user agrees. */
  function confirmDiscard() {
    if (!isDirty()) return true;
    const what = original ? `your changes to “${original.name}”` : "this new rule";
    return window.confirm(`Discard ${what}?`);
  }

  // ---- wiring ------------------------------------------------------------------------------------
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
  for (const [control, field] of [[name, "name"], [priority, "priority"], [reply, "reply"]]) {
    control.addEventListener("input", () => changed(field));
  }
  for (const [control, field] of [[match, "match"], [fuzzy, "fuzzy"], [enabled, "enabled"], [listPicker, "list_id"], ...actionInputs.map((i) => [i, "action"])]) {
    control.addEventListener("change", () => changed(field));
  }
  slider.addEventListener("input", () => {
    threshold.value = slider.value;
    changed("threshold");
  });
  threshold.addEventListener("input", () => {
    if (threshold.value !== "") slider.value = threshold.value;
    changed("threshold");
  });
  window.addEventListener("beforeunload", (event) => {
    if (isDirty()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  return {
    el,
    /** Open an existing rule. */
    edit(rule) {
      touched = null;
      original = { ...rule };
      baseline = { ...RULE_DEFAULTS, ...rule };
      openWith(rule);
    },
    /** Open an empty form for a new rule. */
    create() {
      touched = new Set();
      original = null;
      baseline = { ...RULE_DEFAULTS };
      openWith(null);
      name.focus();
    },
    close: () => closeEditor({ force: true }),
    isOpen: () => open,
    isDirty,
    confirmDiscard,
    /** The id being edited (null: none or a new rule). */
    currentId: () => (open && original ? original.id : null),
    isNew: () => open && original === null,
    /** The unsaved draft for the test bench and replay: {draft, draft_id}, or null when nothing is unsaved. */
    draft() {
      if (!isDirty()) return null;
      return { draft: values(), draft_id: original ? original.id : null, name: name.value.trim() || (original ? original.name : "New rule") };
    },
    /** Whether the current draft has errors (the bench cannot test it then). */
    hasErrors: () => allErrors().length > 0,
    /** The saved rule changed elsewhere (enabled toggled in the list, position): keep the form in step. */
    applyRule(rule) {
      if (!open || !original || rule.id !== original.id) return;
      const dirtyBefore = changedFields();
      original = { ...rule };
      baseline = { ...RULE_DEFAULTS, ...rule };
      if (!("enabled" in dirtyBefore)) enabled.checked = rule.enabled !== false;
      renderHeading();
      updateButtons();
    },
    refreshHeading: renderHeading,
    recheck: () => open && check(),
    confirmingDelete: () => confirmingDelete,
    lastPreview: () => lastPreview,
  };
}
