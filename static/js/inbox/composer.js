// Composer: reply or private note, live segment counter, UCS-2 warning, opted-out lock, Ctrl+Enter sends.
import { errorText, post } from "./api.js";
import { attachCanned } from "./canned.js";
import { h, replace } from "./dom.js";
import { analyze, counterText, describeChar, gsmEquivalentSegments } from "./segments.js";

const TYPING_EVERY = 2000;

/** onSent(item) gets the created message or note (with type), onTyping() while the agent types. */
export function createComposer({ onSent, onTyping }) {
  let conv = null;
  let optedOut = false;
  let mode = "reply";
  let sending = false;
  let lastTyping = 0;
  const drafts = new Map(); // conversation id -> {text, mode}

  const textarea = h("textarea", {
    class: "composer-input",
    "data-testid": "composer",
    rows: "3",
    "aria-label": "Message",
  });
  const replyTab = h("button", { type: "button", class: "mode", "aria-pressed": "true", onclick: () => setMode("reply") }, "Reply");
  const noteToggle = h(
    "button",
    {
      type: "button",
      class: "mode mode-note",
      "data-testid": "note-toggle",
      "aria-pressed": "false",
      title: "Private notes are seen by your team only, never sent",
      onclick: () => setMode(mode === "note" ? "reply" : "note"),
    },
    "Private note",
  );
  const optedOutBanner = h(
    "div",
    { class: "banner banner-optout", "data-testid": "opted-out-banner", role: "status", hidden: true },
    h("strong", {}, "This contact opted out. "),
    "Replies are off until they text START. You can still leave a private note for your team. ",
    h("button", { type: "button", class: "link-button", onclick: () => setMode("note", true) }, "Write a note"),
  );
  const hint = h("div", { class: "composer-hint", hidden: true });
  const counter = h("span", { class: "segment-counter", "data-testid": "segment-counter", "aria-live": "polite" });
  const warning = h("p", { class: "ucs2-warning", "data-testid": "ucs2-warning", hidden: true });
  const error = h("p", { class: "composer-error", "data-testid": "composer-error", role: "alert", hidden: true });
  const send = h("button", { type: "submit", class: "button primary send", "data-testid": "send" }, "Send");
  const keys = h("span", { class: "muted keys" }, /Mac|iPhone|iPad/.test(navigator.platform) ? "⌘ Enter" : "Ctrl Enter");

  const canned = attachCanned(textarea, { onInsert: () => refresh() });
  const form = h(
    "form",
    { class: "composer", "data-mode": "reply", "aria-label": "Reply" },
    optedOutBanner,
    h("div", { class: "composer-modes", role: "group", "aria-label": "Mode" }, replyTab, noteToggle),
    hint,
    h("div", { class: "composer-box" }, canned.el, textarea),
    warning,
    error,
    h("div", { class: "composer-foot" }, counter, h("span", { class: "spacer" }), keys, send),
  );

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  textarea.addEventListener("keydown", (event) => {
    if (canned.handleKey(event)) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    } else if (event.key === "Escape") {
      event.preventDefault();
      textarea.blur();
    }
  });
  textarea.addEventListener("input", () => {
    refresh();
    showError(null);
    const now = Date.now();
    if (mode === "reply" && conv && now - lastTyping > TYPING_EVERY && textarea.value) {
      lastTyping = now;
      onTyping(conv.id);
    }
  });

  function showError(text) {
    error.textContent = text || "";
    error.hidden = !text;
  }

  function setMode(next, focus = false) {
    mode = next;
    form.dataset.mode = mode;
    noteToggle.setAttribute("aria-pressed", mode === "note" ? "true" : "false");
    replyTab.setAttribute("aria-pressed", mode === "reply" ? "true" : "false");
    showError(null);
    refresh();
    if (focus && !textarea.disabled) textarea.focus();
  }

  function refresh() {
    const note = mode === "note";
    const locked = !note && optedOut;
    optedOutBanner.hidden = !optedOut;
    textarea.disabled = locked || !conv;
    send.disabled = locked || sending || !conv;
    send.textContent = sending ? "Sending…" : note ? "Add note" : "Send";
    form.setAttribute("aria-label", note ? "Private note" : "Reply");
    textarea.placeholder = locked
      ? "Replies are off: this contact opted out"
      : note
        ? "Private note: only your team sees this"
        : "Reply by SMS…  Type / for canned responses";
    const resolved = conv && conv.status === "resolved" && !note;
    hint.hidden = !resolved;
    hint.textContent = resolved ? "This conversation is resolved. Reopen it to reply, or leave a private note." : "";
    counter.hidden = note;
    const info = analyze(textarea.value);
    counter.textContent = counterText(info);
    counter.classList.toggle("is-multi", info.segments > 1);
    const triggers = info.non_gsm_chars;
    if (note || !triggers.length) {
      warning.hidden = true;
      replace(warning);
      return;
    }
    warning.hidden = false;
    const names = triggers.slice(0, 5).map(describeChar);
    const more = triggers.length > 5 ? ` and ${triggers.length - 5} more` : "";
    const list = names.map((name, i) => [i ? ", " : "", h("code", { class: "char" }, name)]);
    const verb = triggers.length === 1 ? "is" : "are";
    const plain = gsmEquivalentSegments(textarea.value);
    const cost =
      plain === info.segments
        ? `this message is sent as UCS-2 (${info.chars_per_segment} characters per segment)`
        : `this message costs ${info.segments} segments instead of ${plain}`;
    replace(warning, list, more, ` ${verb} not in GSM-7: ${cost}.`);
  }

  async function submit() {
    if (!conv || sending) return;
    const body = textarea.value;
    if (!body.trim()) {
      showError(mode === "note" ? "Write the note first." : "Write a message first.");
      return;
    }
    if (mode === "reply" && optedOut) return;
    sending = true;
    showError(null);
    refresh();
    const id = conv.id;
    const noteMode = mode === "note";
    try {
      const created = noteMode
        ? await post(`/api/v1/conversations/${id}/notes`, { body })
        : await post(`/api/v1/conversations/${id}/messages`, { body });
      drafts.delete(id);
      // The mode stays as it was: after a note, a slip of the keyboard must not text the customer.
      if (conv && conv.id === id) textarea.value = "";
      onSent({ type: noteMode ? "note" : "message", ...created });
    } catch (err) {
      if (conv && conv.id === id) showError(errorText(err));
    } finally {
      sending = false;
      refresh();
    }
  }

  /** Switch to another conversation (keeping each one's draft) or update the current one. */
  function setConversation(next, contact) {
    if (conv && (!next || next.id !== conv.id)) {
      if (textarea.value) drafts.set(conv.id, { text: textarea.value, mode });
      else drafts.delete(conv.id);
    }
    const switched = !conv || !next || next.id !== conv.id;
    conv = next;
    optedOut = Boolean(contact && contact.opted_out);
    if (switched) {
      const draft = next ? drafts.get(next.id) : null;
      textarea.value = draft ? draft.text : "";
      canned.close();
      showError(null);
      setMode(draft ? draft.mode : "reply");
    } else {
      refresh();
    }
  }

  function setOptedOut(value) {
    optedOut = Boolean(value);
    refresh();
  }

  function focus() {
    if (textarea.disabled && optedOut) setMode("note");
    if (!textarea.disabled) textarea.focus();
  }

  refresh();
  return { el: form, setConversation, setOptedOut, focus, textarea };
}
