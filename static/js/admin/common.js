// Shared pieces of the bot admin screens: labels, SMS previews, field errors, status lines.
import { h, replace } from "../inbox/dom.js";
import { describeChar, ucs2Trigger } from "../inbox/segments.js";

export const MATCH_LABELS = {
  exact: "Exact",
  first_word: "First words",
  phrase: "Phrase",
  regex: "Regular expression",
};

export const MATCH_HINTS = {
  exact: "The whole text is the keyword (“hours”, “Hours!”).",
  first_word: "The text starts with the keyword (“hours please”).",
  phrase: "The keyword appears anywhere in the text (“what are your hours”).",
  regex: "A regular expression found anywhere in the text (case-insensitive).",
};

export const ACTION_LABELS = {
  reply: "Reply",
  handoff: "Hand off",
  reply_handoff: "Reply + hand off",
  subscribe: "Subscribe to a list",
};

export const KIND_LABELS = {
  opt_out: "Opt-out (STOP)",
  opt_in: "Opt-in (START)",
  help: "HELP reply",
  rule: "Rule",
  subscribe: "Joins a list",
  human: "Asked for a person",
  fallback: "Fallback",
  silent: "Silent",
};

export const FIELD_LABELS = {
  name: "Name",
  keywords: "Keywords",
  match: "Match",
  fuzzy: "Typo tolerance",
  threshold: "Threshold",
  priority: "Priority",
  enabled: "Enabled",
  reply: "Reply",
  action: "Action",
  list_id: "List",
  position: "Position",
};

export const SAMPLE = { name: "Alex Smith", phone: "+14155550100" };

/** "42 characters · 1 segment · GSM-7" */
export function countLine(info) {
  const chars = info.characters === 1 ? "character" : "characters";
  const parts = info.segments === 1 ? "segment" : "segments";
  return `${info.characters} ${chars} · ${info.segments} ${parts} · ${info.encoding}`;
}

/** The characters that turn a text into UCS-2, as a short sentence (or null). */
export function ucs2Note(text) {
  const chars = ucs2Trigger(text || "");
  if (!chars.length) return null;
  const shown = chars.slice(0, 4).map((ch) => `“${describeChar(ch)}”`).join(", ");
  const more = chars.length > 4 ? ` and ${chars.length - 4} more` : "";
  return `${shown}${more} ${chars.length === 1 ? "makes" : "make"} this UCS-2: 70 characters per segment instead of 160.`;
}

/** One SMS as the customer sees it, with its size underneath. */
export function smsBubble(info, { label = null, testid = "sms" } = {}) {
  const multi = info.segments > 1;
  const note = info.encoding === "UCS-2" ? ucs2Note(info.text) : null;
  return h(
    "div",
    { class: "sms", "data-testid": testid },
    label ? h("div", { class: "sms-label" }, label) : null,
    h("p", { class: "sms-bubble", "data-testid": `${testid}-text` }, info.text || ""),
    h(
      "div",
      { class: ["sms-count", multi ? "is-multi" : ""], "data-testid": `${testid}-count` },
      countLine(info),
    ),
    note ? h("p", { class: "sms-note" }, note) : null,
  );
}

/** Group API field errors ({field, message}) by their top-level field ("keywords[2]" -> "keywords"). */
export function errorsByField(errors) {
  const grouped = new Map();
  for (const error of errors || []) {
    const key = String(error.field || "").split(/[.[]/)[0] || "_";
    if (!grouped.has(key)) grouped.set(key, []);
    grouped.get(key).push(error.message);
  }
  return grouped;
}

/** Sentence case for a backend message ("a name is required" -> "A name is required."). */
export function sentence(text) {
  const value = String(text || "").trim();
  if (!value) return "";
  const first = value.charAt(0).toUpperCase() + value.slice(1);
  return /[.!?…]$/.test(first) ? first : `${first}.`;
}

/** A status line that shows a message for a while (or until replaced). */
export function createStatus(el, { hideAfterMs = 6000 } = {}) {
  let timer = null;
  return {
    show(text, { kind = "info", sticky = false } = {}) {
      clearTimeout(timer);
      el.dataset.kind = kind;
      replace(el, text);
      el.hidden = !text;
      if (!sticky && text) {
        timer = setTimeout(() => {
          el.hidden = true;
        }, hideAfterMs);
      }
    },
    clear() {
      clearTimeout(timer);
      el.hidden = true;
      el.replaceChildren();
    },
  };
}

/** A group of radio-like buttons (aria-pressed); returns {el, value(), set(v)}. */
export function segmented(name, options, { value, onChange, testid, label } = {}) {
  let current = value;
  const buttons = options.map(([key, text]) =>
    h(
      "button",
      {
        type: "button",
        class: "seg",
        "data-value": key,
        "data-testid": testid ? `${testid}-${key}` : null,
        "aria-pressed": String(key === current),
        onClick: () => set(key, true),
      },
      text,
    ),
  );
  const el = h("div", { class: "segmented", role: "group", "aria-label": label || name }, buttons);
  function set(key, fire = false) {
    current = key;
    for (const button of buttons) button.setAttribute("aria-pressed", String(button.dataset.value === key));
    if (fire && onChange) onChange(key);
  }
  return { el, value: () => current, set };
}

/** A value of a rule field in words (history diffs, runners-up). */
export function fieldValue(field, value) {
  if (value === null || value === undefined) return "—";
  if (field === "keywords" && Array.isArray(value)) return value.join(", ") || "(none)";
  if (field === "match") return MATCH_LABELS[value] || String(value);
  if (field === "action") return ACTION_LABELS[value] || String(value);
  if (field === "fuzzy" || field === "enabled") return value ? "on" : "off";
  if (field === "threshold") return String(Math.round(Number(value) * 10) / 10);
  if (typeof value === "string" && value === "") return "(empty)";
  return String(value);
}

/** Score in a compact form: 100, 92.3. */
export function score(value) {
  const n = Number(value);
  if (!Number.isFinite(n)) return "";
  return String(Math.round(n * 10) / 10);
}
