// Bot rules page: the rule list (order, enable, move), the editor, history, test bench, replay, import/export.
import { boot, errorText, get, patch, post } from "../inbox/api.js";
import { h, replace } from "../inbox/dom.js";
import { ACTION_LABELS, MATCH_LABELS, createStatus, score, sentence } from "./common.js";
import { createHistory } from "./history.js";
import { createReplay } from "./replay.js";
import { createRuleForm } from "./rule_form.js";
import { createTestBench } from "./test_bench.js";

const root = document.getElementById("rules-admin");
const canEdit = Boolean(boot().can_edit) && root.dataset.canEdit === "yes";
const MAX_CHIPS = 6;

let rules = [];
let selectedId = null;
let filterText = "";

const listEl = document.getElementById("rules-list");
const countEl = document.getElementById("rules-count");
const status = createStatus(document.getElementById("rules-status"));

// ---- the pieces ----------------------------------------------------------------------------------

const form = createRuleForm({
  canEdit,
  onSaved: (rule, { created }) => saved(rule, created),
  onDeleted: (rule) => deleted(rule),
  onDraftChange: () => {
    bench.draftChanged();
    replay.draftChanged();
  },
  onOpenRule: (id) => select(id),
  onClose: () => {
    selectedId = null;
    renderList();
    history.show(null);
    setHash(null);
  },
  position: (id) => {
    const index = rules.findIndex((r) => r.id === id);
    return index >= 0 ? index + 1 : null;
  },
});
const getDraft = () => form.draft();
const bench = createTestBench({ getDraft });
const replay = createReplay({ getDraft, hasErrors: () => form.hasErrors() });
const history = createHistory({ onOpenRule: (id) => select(id) });

document.getElementById("rule-editor").append(form.el);
document.getElementById("rule-history").append(history.el);
document.getElementById("bench").append(bench.el);
document.getElementById("replay").append(replay.el);

const filter = h("input", {
  type: "search",
  class: "rules-filter",
  "data-testid": "rules-filter",
  placeholder: "Filter by name or keyword",
  "aria-label": "Filter rules",
});
const listState = h("p", { class: "muted small rules-list-state", "data-testid": "rules-list-state" }, "Loading rules…");
listEl.before(filter);
listEl.after(listState);

// ---- list ----------------------------------------------------------------------------------------

function metaLine(rule) {
  const bits = [MATCH_LABELS[rule.match] || rule.match];
  if (rule.match === "regex") bits.push("no typos");
  else bits.push(rule.fuzzy ? `typos ≥ ${score(rule.threshold)}%` : "exact spelling");
  bits.push(`priority ${rule.priority}`);
  bits.push(rule.action === "subscribe" ? "Subscribe to list" : ACTION_LABELS[rule.action] || rule.action);
  return bits.join(" · ");
}

function matchesFilter(rule) {
  if (!filterText) return true;
  const needle = filterText.toLowerCase();
  return rule.name.toLowerCase().includes(needle) || rule.keywords.some((k) => k.toLowerCase().includes(needle));
}

function ruleRow(rule, index) {
  const first = index === 0;
  const last = index === rules.length - 1;
  const chips = rule.keywords.slice(0, MAX_CHIPS).map((k) => h("span", { class: "kw-chip", "data-testid": "rule-keyword" }, k));
  if (rule.keywords.length > MAX_CHIPS) chips.push(h("span", { class: "kw-more muted small" }, `+${rule.keywords.length - MAX_CHIPS} more`));
  const controls = canEdit
    ? h(
        "div",
        { class: "rule-controls" },
        h(
          "label",
          { class: "switch", title: rule.enabled ? "Enabled: click to turn off" : "Disabled: click to turn on" },
          h("input", {
            type: "checkbox",
            role: "switch",
            checked: rule.enabled,
            "data-testid": "rule-enabled",
            "aria-label": `Enabled: ${rule.name}`,
            onChange: (event) => setEnabled(rule, event.target),
          }),
          h("span", { class: "switch-track", "aria-hidden": "true" }),
        ),
        h(
          "span",
          { class: "move-buttons" },
          h("button", { type: "button", class: "icon-button", "data-testid": "rule-up", "aria-label": `Move ${rule.name} up`, title: "Move up", disabled: first, onClick: () => move(rule.id, -1) }, "↑"),
          h("button", { type: "button", class: "icon-button", "data-testid": "rule-down", "aria-label": `Move ${rule.name} down`, title: "Move down", disabled: last, onClick: () => move(rule.id, 1) }, "↓"),
        ),
      )
    : h("div", { class: "rule-controls" }, h("span", { class: ["chip", rule.enabled ? "chip-open" : "chip-resolved"], "data-testid": "rule-enabled-state" }, rule.enabled ? "On" : "Off"));
  return h(
    "li",
    {
      class: ["rule-row", rule.enabled ? "" : "is-disabled", rule.id === selectedId ? "is-selected" : ""],
      "data-testid": "rule-row",
      "data-id": rule.id,
      "data-enabled": rule.enabled ? "yes" : "no",
      hidden: !matchesFilter(rule),
    },
    h("span", { class: "rule-pos", title: "Position in the list (wins ties)" }, String(index + 1)),
    h(
      "button",
      { type: "button", class: "rule-open", "data-testid": "rule-open", "aria-current": rule.id === selectedId ? "true" : null, onClick: () => select(rule.id) },
      h("span", { class: "rule-name-line" }, h("span", { class: "rule-name", "data-testid": "rule-row-name" }, rule.name), rule.enabled ? null : h("span", { class: "chip chip-resolved" }, "off")),
      h("span", { class: "rule-kws" }, chips),
      h("span", { class: "rule-meta", "data-testid": "rule-meta" }, metaLine(rule)),
    ),
    controls,
  );
}

function renderList() {
  replace(listEl, rules.map(ruleRow));
  const shown = rules.filter(matchesFilter).length;
  countEl.textContent = rules.length ? (filterText ? `${shown} of ${rules.length}` : String(rules.length)) : "";
  if (!rules.length) {
    listState.textContent = canEdit ? "No rules yet. Create one with “New rule”, or import a file." : "No rules yet.";
    listState.hidden = false;
  } else if (!shown) {
    listState.textContent = "No rule matches the filter.";
    listState.hidden = false;
  } else {
    listState.hidden = true;
  }
}

async function loadRules() {
  const all = [];
  let cursor = null;
  do {
    const page = await get("/api/v1/rules", { limit: 200, cursor });
    all.push(...(page.data || []));
    cursor = page.next_cursor || null;
  } while (cursor);
  rules = all;
  renderList();
  listEl.dataset.loaded = "yes";
  return rules;
}

async function reload() {
  try {
    await loadRules();
  } catch (err) {
    listState.textContent = `Could not load the rules: ${errorText(err)}`;
    listState.hidden = false;
  }
  form.refreshHeading();
}

function focusRowControl(id, testid) {
  const control = listEl.querySelector(`[data-id="${id}"] [data-testid="${testid}"]`);
  if (control && !control.disabled) control.focus();
  else listEl.querySelector(`[data-id="${id}"] [data-testid="rule-open"]`)?.focus();
}

// ---- selection -----------------------------------------------------------------------------------

function setHash(id) {
  const url = id ? `#rule-${id}` : window.location.pathname + window.location.search;
  window.history.replaceState(null, "", url);
}

function select(id) {
  if (id === form.currentId()) return;
  const rule = rules.find((r) => r.id === id);
  if (!rule || !form.confirmDiscard()) return;
  selectedId = id;
  renderList();
  form.edit(rule);
  history.show(rule);
  setHash(id);
}

function newRule() {
  if (!form.confirmDiscard()) return;
  selectedId = null;
  renderList();
  form.create();
  history.show(null);
  setHash(null);
}

// ---- changes -------------------------------------------------------------------------------------

function afterChange() {
  history.refresh();
  bench.run();
  replay.rulesChanged();
}

async function saved(rule, created) {
  await reload();
  selectedId = rule.id;
  renderList();
  setHash(rule.id);
  const index = rules.findIndex((r) => r.id === rule.id);
  status.show(created ? `Created “${rule.name}” (#${index + 1} in the list).` : `Saved “${rule.name}”.`);
  if (created) history.show(rule);
  else history.refresh();
  bench.run();
  replay.rulesChanged();
}

async function deleted(rule) {
  selectedId = null;
  await reload();
  status.show(`Deleted “${rule.name}”.`);
  history.show(null);
  bench.run();
  replay.rulesChanged();
}

async function setEnabled(rule, checkbox) {
  const wanted = checkbox.checked;
  checkbox.disabled = true;
  try {
    const updated = await patch(`/api/v1/rules/${rule.id}`, { enabled: wanted });
    const { conflicts: _ignored, ...fresh } = updated;
    rules = rules.map((r) => (r.id === fresh.id ? { ...r, ...fresh } : r));
    renderList();
    form.applyRule(fresh);
    focusRowControl(fresh.id, "rule-enabled");
    status.show(`“${fresh.name}” is ${fresh.enabled ? "on" : "off"}.`);
    afterChange();
  } catch (err) {
    checkbox.checked = !wanted;
    checkbox.disabled = false;
    status.show(`Could not change “${rule.name}”: ${errorText(err)}`, { kind: "error" });
  }
}

async function move(id, step) {
  const index = rules.findIndex((r) => r.id === id);
  const target = index + step;
  if (index < 0 || target < 0 || target >= rules.length) return;
  const ids = rules.map((r) => r.id);
  [ids[index], ids[target]] = [ids[target], ids[index]];
  try {
    const result = await post("/api/v1/rules/reorder", { ids });
    rules = result.data || rules;
    renderList();
    form.refreshHeading();
    focusRowControl(id, step < 0 ? "rule-up" : "rule-down");
    const name = rules.find((r) => r.id === id)?.name || "The rule";
    status.show(`Moved “${name}” to #${target + 1}.`);
    afterChange();
  } catch (err) {
    await reload();
    status.show(
      err.status === 422 ? "The rules changed in the meantime; the list is up to date now. Try again." : `Could not move the rule: ${errorText(err)}`,
      { kind: "error" },
    );
  }
}

// ---- import --------------------------------------------------------------------------------------

const importPanel = h("section", { class: "card import-panel", "data-testid": "import-panel", hidden: true, "aria-live": "polite" });

function problemLabel(field, doc) {
  const match = /^rules\[(\d+)\](?:\.(.+))?$/.exec(field || "");
  if (!match) return field || "File";
  const n = Number(match[1]);
  const name = doc && Array.isArray(doc.rules) && doc.rules[n] && typeof doc.rules[n].name === "string" ? ` “${doc.rules[n].name}”` : "";
  return `Rule ${n + 1}${name}${match[2] ? ` · ${match[2]}` : ""}`;
}

function closeImport() {
  importPanel.hidden = true;
  importPanel.replaceChildren();
}

function showImportProblems(fileName, message, problems, doc) {
  replace(
    importPanel,
    h("h2", {}, `Import of ${fileName} failed`),
    h(
      "p",
      { class: "import-nothing", "data-testid": "import-nothing-changed" },
      h("strong", {}, "Nothing was changed."),
      " ",
      problems.length ? `The file has ${problems.length} problem${problems.length === 1 ? "" : "s"}; fix ${problems.length === 1 ? "it" : "them"} and import again:` : sentence(message),
    ),
    problems.length
      ? h(
          "ul",
          { class: "import-problems", "data-testid": "import-problems" },
          problems.map((p) => h("li", { "data-testid": "import-problem" }, h("strong", {}, `${problemLabel(p.field, doc)}: `), sentence(p.message))),
        )
      : null,
    h("div", { class: "form-actions" }, h("button", { type: "button", class: "button", "data-testid": "import-close", onClick: closeImport }, "Close")),
  );
  importPanel.hidden = false;
}

function offerImport(fileName, doc) {
  const count = Array.isArray(doc.rules) ? doc.rules.length : 0;
  const replaceOption = h("input", { type: "radio", name: "import-mode", value: "replace", checked: true, "data-testid": "import-mode-replace" });
  const appendOption = h("input", { type: "radio", name: "import-mode", value: "append", "data-testid": "import-mode-append" });
  const go = h("button", { type: "button", class: "button primary", "data-testid": "import-confirm" }, `Import ${count} rule${count === 1 ? "" : "s"}`);
  go.addEventListener("click", async () => {
    go.disabled = true;
    go.textContent = "Importing…";
    const mode = appendOption.checked ? "append" : "replace";
    try {
      const result = await post("/api/v1/rules/import", { ...doc, mode });
      closeImport();
      selectedId = null;
      form.close();
      await reload();
      const removed = result.deleted ? ` ${result.deleted} earlier rule${result.deleted === 1 ? " was" : "s were"} removed.` : "";
      status.show(`Imported ${result.imported} rule${result.imported === 1 ? "" : "s"}.${removed}`, { sticky: true });
      history.show(null);
      bench.run();
      replay.rulesChanged();
    } catch (err) {
      showImportProblems(fileName, err.status === 422 ? err.message : errorText(err), err.fields || [], doc);
    }
  });
  replace(
    importPanel,
    h("h2", {}, `Import ${fileName}`),
    h("p", {}, `The file has ${count} rule${count === 1 ? "" : "s"}${doc.exported_at ? `, exported ${new Date(doc.exported_at).toLocaleString()}` : ""}.`),
    h(
      "div",
      { class: "import-modes", role: "radiogroup", "aria-label": "How to import" },
      h("label", { class: "radio-pill" }, replaceOption, `Replace all ${rules.length} current rules`),
      h("label", { class: "radio-pill" }, appendOption, "Add them after the current rules"),
    ),
    h("div", { class: "form-actions" }, go, h("button", { type: "button", class: "button", "data-testid": "import-cancel", onClick: closeImport }, "Cancel")),
  );
  importPanel.hidden = false;
  go.focus();
}

async function importFile(file) {
  if (!form.confirmDiscard()) return;
  let doc;
  try {
    doc = JSON.parse(await file.text());
  } catch {
    showImportProblems(file.name, "The file is not JSON. Choose a file made with Export.", [], null);
    return;
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc) || !Array.isArray(doc.rules)) {
    showImportProblems(file.name, "This is not a Textdesk rules file (no list of rules). Choose a file made with Export.", [], null);
    return;
  }
  offerImport(file.name, doc);
}

// ---- wiring --------------------------------------------------------------------------------------

document.querySelector(".rules-head").after(importPanel);
filter.addEventListener("input", () => {
  filterText = filter.value.trim();
  renderList();
});
document.getElementById("rule-new")?.addEventListener("click", newRule);
const fileInput = document.getElementById("rules-import");
fileInput?.addEventListener("change", () => {
  const file = fileInput.files && fileInput.files[0];
  fileInput.value = "";
  if (file) importFile(file);
});

(async () => {
  await reload();
  history.show(null);
  const match = /^#rule-(\d+)$/.exec(window.location.hash);
  if (match) select(Number(match[1]));
})();
