// Test bench: what the bot would do with one text — compliance, the rule that fires, runners-up, the reply.
import { ApiError, errorText, post } from "../inbox/api.js";
import { debounce, h, replace } from "../inbox/dom.js";
import { analyze } from "../inbox/segments.js";
import { score, sentence, smsBubble } from "./common.js";

const STATUSES = [
  ["bot", "With the bot"],
  ["new", "New customer"],
  ["pending", "Waiting for an agent"],
  ["open", "An agent is replying"],
];
const COMPLIANCE = { opt_out: "opt-out", opt_in: "opt-in", help: "HELP" };

function headline(result) {
  const rule = result.match ? `“${result.match.rule_name}”` : "A rule";
  switch (result.kind) {
    case "rule":
      return result.replies.length
        ? `${rule} answers${result.handoff ? ", then hands off" : ""}`
        : `${rule} hands off to an agent`;
    case "opt_out":
      return "Compliance: opt-out — the contact is unsubscribed";
    case "opt_in":
      return "Compliance: opt-in — the contact is subscribed again";
    case "help":
      return "Compliance: the HELP text is sent";
    case "subscribe":
      return `${rule} joins the contact to its list and sends the list's confirmation`;
    case "human":
      return "The customer asked for a person: hand off";
    case "fallback":
      return result.handoff ? "No rule matched: hand off after repeated misses" : "No rule matched: the fallback text is sent";
    case "silent":
      return "The bot stays silent";
    default:
      return result.kind;
  }
}

function details(result) {
  if (Array.isArray(result.reply_details) && result.reply_details.length === result.replies.length) return result.reply_details;
  return result.replies.map((text) => {
    const info = analyze(text);
    return { text, characters: [...text].length, segments: info.segments, encoding: info.encoding };
  });
}

function matchLine(m) {
  return [
    h("strong", { class: "match-name" }, m.rule_name || "(unnamed rule)"),
    h("span", { class: "match-facts" }, " · keyword “", h("span", { class: "match-keyword" }, m.keyword), "” · ", h("span", { class: "score", "data-testid": "bench-score" }, `score ${score(m.score)}`), ` · priority ${m.priority}`),
  ];
}

/** createTestBench({getDraft}) -> {el, run(), draftChanged()} ; getDraft() -> {draft, draft_id, name} | null */
export function createTestBench({ getDraft }) {
  let seq = 0;
  const input = h("textarea", { class: "bench-input", "data-testid": "bench-input", rows: "2", placeholder: "Type a text, e.g. “what time do you open?”", "aria-label": "Text from the customer", maxlength: "1600" });
  const status = h("select", { "data-testid": "bench-status", "aria-label": "Conversation" }, STATUSES.map(([value, label]) => h("option", { value }, label)));
  const optedOut = h("input", { type: "checkbox", "data-testid": "bench-opted-out" });
  const misses = h("input", { type: "number", min: "0", max: "1000", step: "1", value: "0", class: "misses-input", "data-testid": "bench-misses", "aria-label": "Misses so far" });
  const contactName = h("input", { type: "text", maxlength: "200", class: "bench-name", "data-testid": "bench-contact-name", placeholder: "no name", "aria-label": "Contact name" });
  const useDraft = h("input", { type: "checkbox", "data-testid": "bench-use-draft" });
  const draftName = h("span", { class: "draft-name" });
  const draftRow = h("label", { class: "checkbox draft-toggle", "data-testid": "bench-draft-toggle", hidden: true }, useDraft, h("span", {}, "Test with my unsaved draft of ", draftName));
  const run = h("button", { type: "submit", class: "button primary small", "data-testid": "bench-run" }, "Test");
  const result = h("div", { class: "bench-result", "data-testid": "bench-result", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "bench-form" },
    input,
    h(
      "div",
      { class: "bench-options" },
      h("label", { class: "inline-option" }, h("span", { class: "muted small" }, "Conversation"), status),
      h("label", { class: "checkbox" }, optedOut, "Opted out"),
    ),
    h(
      "details",
      { class: "bench-more" },
      h("summary", {}, "More conditions"),
      h(
        "div",
        { class: "bench-options" },
        h("label", { class: "inline-option" }, h("span", { class: "muted small" }, "Misses so far"), misses),
        h("label", { class: "inline-option" }, h("span", { class: "muted small" }, "Contact name"), contactName),
      ),
    ),
    h("div", { class: "bench-actions" }, draftRow, h("span", { class: "spacer" }), run),
  );
  const el = h(
    "div",
    { class: "bench-inner" },
    h("h2", { id: "bench-title" }, "Test bench"),
    h("p", { class: "muted small" }, "Try a text as a customer would send it. Nothing is sent or saved."),
    form,
    result,
  );
  replace(result, h("p", { class: "muted small bench-empty" }, "The bot’s decision appears here as you type."));

  function render(data, usedDraft) {
    const replies = details(data);
    const rows = [];
    rows.push(["Normalised", h("code", { "data-testid": "bench-normalized" }, data.normalized || "(empty)")]);
    rows.push([
      "Compliance",
      h(
        "span",
        { "data-testid": "bench-compliance", class: data.compliance ? "is-intercepted" : "" },
        data.compliance
          ? [h("strong", {}, `Intercepted (${COMPLIANCE[data.compliance.kind] || data.compliance.kind})`), " — matched “", h("span", { class: "matched-word" }, data.compliance.matched), "”", data.compliance.source ? ` (${data.compliance.source.replace("_", " ")})` : ""]
          : "Not a compliance word; the rules decide",
      ),
    ]);
    rows.push(["Rule", h("span", { "data-testid": "bench-match" }, data.match ? matchLine(data.match) : h("span", { class: "muted" }, "None fires"))]);
    if (data.runners_up && data.runners_up.length) {
      rows.push([
        "Runners-up",
        h("ol", { class: "runners-up", "data-testid": "bench-runners-up" }, data.runners_up.map((m) => h("li", { "data-testid": "bench-runner-up" }, matchLine(m)))),
      ]);
    }
    rows.push(["Hand-off", h("span", { "data-testid": "bench-handoff" }, data.handoff ? "Yes — the conversation waits for an agent" : "No")]);
    if (data.consent) rows.push(["Consent", `${data.consent === "opt_out" ? "Opts out" : "Opts in"}${data.consent_source ? ` (${data.consent_source.replace("_", " ")})` : ""}`]);
    if (data.kind === "fallback" || data.misses) rows.push(["Misses", `${data.misses} in a row after this text`]);
    rows.push(["Why", h("span", { "data-testid": "bench-reason" }, sentence(data.reason))]);

    replace(
      result,
      h("p", { class: ["bench-outcome", `kind-${data.kind}`], "data-testid": "bench-outcome", "data-kind": data.kind }, headline(data)),
      usedDraft ? h("p", { class: "draft-used small" }, `With your unsaved draft of ${usedDraft}.`) : null,
      h("dl", { class: "bench-facts" }, rows.map(([label, value]) => h("div", { class: "fact" }, h("dt", {}, label), h("dd", {}, value)))),
      h("h3", { class: "bench-replies-title" }, "The customer gets"),
      replies.length
        ? h(
            "p",
            { class: "muted small bench-who" },
            contactName.value.trim() ? `For a contact named ${contactName.value.trim()}.` : "For a contact with no name saved (see More conditions).",
          )
        : null,
      replies.length
        ? h("div", { class: "bench-replies" }, replies.map((info) => smsBubble(info, { testid: "bench-reply" })))
        : h("p", { class: "muted small", "data-testid": "bench-no-reply" }, "Nothing is sent."),
    );
  }

  async function test() {
    const text = input.value;
    const mine = ++seq;
    if (!text.trim()) {
      replace(result, h("p", { class: "muted small bench-empty" }, "The bot’s decision appears here as you type."));
      return;
    }
    const draft = useDraft.checked && !draftRow.hidden ? getDraft() : null;
    const body = {
      text,
      status: status.value,
      opted_out: optedOut.checked,
      misses: Math.max(0, Math.min(1000, Number.parseInt(misses.value, 10) || 0)),
      contact_name: contactName.value.trim() || null,
      draft: draft ? draft.draft : null,
      draft_id: draft ? draft.draft_id : null,
    };
    result.classList.add("is-loading");
    try {
      const data = await post("/api/v1/rules/test", body);
      if (mine !== seq) return;
      render(data, draft ? `“${draft.name}”` : null);
    } catch (err) {
      if (mine !== seq) return;
      const message =
        err instanceof ApiError && err.code === "invalid_rule"
          ? "Your draft has errors, so it cannot be tested. Fix them in the editor, or untick “Test with my unsaved draft”."
          : errorText(err);
      replace(result, h("p", { class: "form-error", "data-testid": "bench-error" }, message));
    } finally {
      if (mine === seq) result.classList.remove("is-loading");
    }
  }
  const testSoon = debounce(test, 300);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    testSoon.cancel();
    test();
  });
  input.addEventListener("input", testSoon);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      testSoon.cancel();
      test();
    }
  });
  for (const control of [status, optedOut, useDraft]) control.addEventListener("change", () => test());
  for (const control of [misses, contactName]) control.addEventListener("input", testSoon);

  return {
    el,
    /** Test again (the rules or the draft changed). */
    run: () => input.value.trim() && test(),
    /** The editor's draft appeared, changed or went away. */
    draftChanged() {
      const draft = getDraft();
      const had = !draftRow.hidden;
      draftRow.hidden = !draft;
      if (draft) {
        draftName.textContent = `“${draft.name}”`;
        if (!had) useDraft.checked = true;
      } else {
        useDraft.checked = false;
      }
      if (input.value.trim() && (had || draft)) testSoon();
    },
  };
}
