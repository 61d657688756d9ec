// Rule history: who changed what and when, with a before → after diff of only the fields that changed.
import { errorText, get } from "../inbox/api.js";
import { h, replace } from "../inbox/dom.js";
import { long, relative } from "../inbox/time.js";
import { FIELD_LABELS, fieldValue, segmented } from "./common.js";

const VERBS = {
  created: "created",
  updated: "changed",
  deleted: "deleted",
  reordered: "changed",
  imported: "imported",
};
const ORDER = ["name", "enabled", "keywords", "match", "fuzzy", "threshold", "priority", "action", "reply", "position"];
const SUMMARY = ["keywords", "match", "action"];

function equal(a, b) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function keywordDiff(before, after) {
  const was = new Set(before || []);
  const now = new Set(after || []);
  const removed = [...was].filter((k) => !now.has(k));
  const added = [...now].filter((k) => !was.has(k));
  return h(
    "span",
    { class: "kw-diff" },
    removed.map((k) => h("del", { class: "kw-chip kw-removed", title: "removed" }, k)),
    added.map((k) => h("ins", { class: "kw-chip kw-added", title: "added" }, k)),
    !removed.length && !added.length ? h("span", { class: "muted" }, "reordered") : null,
  );
}

function diffRow(field, before, after) {
  const label = FIELD_LABELS[field] || field;
  let value;
  if (field === "keywords" && before !== undefined && after !== undefined) {
    value = keywordDiff(before, after);
  } else if (before === undefined) {
    value = h("ins", {}, fieldValue(field, after));
  } else if (after === undefined) {
    value = h("del", {}, fieldValue(field, before));
  } else {
    value = [h("del", {}, fieldValue(field, before)), h("span", { class: "diff-arrow", "aria-label": "changed to" }, "→"), h("ins", {}, fieldValue(field, after))];
  }
  return h("div", { class: ["diff-row", `diff-${field}`], "data-field": field }, h("dt", {}, label), h("dd", {}, value));
}

/** A reorder: each rule whose place changed, "#5 → #4". */
function orderRows(before, after) {
  const rows = [];
  after.forEach((name, index) => {
    const was = before.indexOf(name);
    if (was !== index) {
      rows.push(
        h(
          "div",
          { class: "diff-row diff-position" },
          h("dt", {}, name),
          h("dd", {}, was >= 0 ? [h("del", {}, `#${was + 1}`), h("span", { class: "diff-arrow", "aria-label": "moved to" }, "→")] : null, h("ins", {}, `#${index + 1}`)),
        ),
      );
    }
  });
  const shown = rows.slice(0, 8);
  if (rows.length > shown.length) {
    shown.push(h("div", { class: "diff-row" }, h("dt", {}, ""), h("dd", { class: "muted" }, `and ${rows.length - shown.length} more`)));
  }
  return shown;
}

/** The rows worth showing for one change: only changed fields for updates, a summary for creations. */
function diffRows(change) {
  const before = change.before || null;
  const after = change.after || null;
  if (change.action === "reordered" && before && after && Array.isArray(before.order) && Array.isArray(after.order)) {
    return orderRows(before.order, after.order);
  }
  if (before && after) {
    const keys = [...new Set([...ORDER, ...Object.keys(before), ...Object.keys(after)])].filter(
      (k) => !["id", "created_at", "updated_at"].includes(k) && !equal(before[k], after[k]),
    );
    return keys.map((k) => diffRow(k, before[k], after[k]));
  }
  if (after && change.action !== "reordered") {
    return SUMMARY.filter((k) => k in after && !(k === "reply" && !after.reply)).map((k) => diffRow(k, undefined, after[k]));
  }
  return [];
}

/** createHistory({onOpenRule}) -> {el, show(rule|null), refresh()} */
export function createHistory({ onOpenRule } = {}) {
  let scope = "all";
  let rule = null; // {id, name} of the selected rule
  let cursor = null;
  let seq = 0;

  const list = h("ol", { class: "history-list", "data-testid": "history-list" });
  const more = h("button", { type: "button", class: "button small load-more", "data-testid": "history-more", hidden: true, onClick: () => load(false) }, "Show older changes");
  const state = h("p", { class: "muted small history-state", "data-testid": "history-state" });
  const scopeSwitch = segmented(
    "History of",
    [
      ["rule", "This rule"],
      ["all", "All rules"],
    ],
    { value: scope, testid: "history-scope", label: "Show the history of", onChange: (value) => setScope(value) },
  );
  const el = h(
    "div",
    { class: "history" },
    h("div", { class: "pane-head" }, h("h2", { id: "history-title" }, "History"), scopeSwitch.el),
    state,
    list,
    more,
  );

  function setScope(value) {
    scope = value;
    load(true);
  }

  function entry(change) {
    const who = change.user ? change.user.name || change.user.email : "System";
    const rows = diffRows(change);
    const canOpen = onOpenRule && change.rule_id && change.action !== "deleted" && (!rule || change.rule_id !== rule.id);
    return h(
      "li",
      { class: ["history-item", `history-${change.action}`], "data-testid": "history-item", "data-action": change.action, "data-rule-id": change.rule_id ?? "" },
      h(
        "div",
        { class: "history-head" },
        h("span", { class: "history-who" }, who),
        " ",
        h("span", { class: "history-verb" }, VERBS[change.action] || change.action),
        " ",
        change.action === "reordered"
          ? h("span", { class: "history-rule" }, "the order of the rules")
          : canOpen
            ? h("button", { type: "button", class: "link-button history-rule", onClick: () => onOpenRule(change.rule_id) }, change.rule_name || "a rule")
            : h("span", { class: "history-rule" }, change.rule_name || "a rule"),
        h("time", { class: "history-time muted", datetime: change.at || "", title: long(change.at) }, relative(change.at) === "now" ? "just now" : relative(change.at)),
      ),
      rows.length ? h("dl", { class: "diff", "data-testid": "history-diff" }, rows) : null,
    );
  }

  async function load(fresh) {
    const mine = ++seq;
    if (fresh) cursor = null;
    const ruleId = scope === "rule" && rule ? rule.id : null;
    if (scope === "rule" && !rule) {
      replace(list);
      state.textContent = "Pick a rule to see its history, or show all rules.";
      state.hidden = false;
      more.hidden = true;
      return;
    }
    if (fresh) {
      state.textContent = "Loading…";
      state.hidden = false;
    }
    try {
      const page = await get("/api/v1/rules/changes", { rule_id: ruleId, limit: 20, cursor });
      if (mine !== seq) return;
      const items = (page.data || []).map(entry);
      if (fresh) replace(list, items);
      else list.append(...items);
      cursor = page.next_cursor || null;
      more.hidden = !cursor;
      const empty = !list.children.length;
      state.textContent = empty ? (ruleId ? "No changes recorded for this rule yet." : "No changes recorded yet.") : "";
      state.hidden = !empty;
    } catch (err) {
      if (mine !== seq) return;
      state.textContent = `Could not load the history: ${errorText(err)}`;
      state.hidden = false;
    }
  }

  return {
    el,
    /** Follow the selected rule (null: none); switches to "This rule" when one is picked. */
    show(selected) {
      rule = selected ? { id: selected.id, name: selected.name } : null;
      scope = rule ? "rule" : "all";
      scopeSwitch.set(scope);
      scopeSwitch.el.querySelector('[data-value="rule"]').disabled = !rule;
      load(true);
    },
    refresh: () => load(true),
  };
}
