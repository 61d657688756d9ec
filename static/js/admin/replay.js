// Replay: run the last N inbound texts through the saved rules (or the unsaved draft) and list what would change.
import { ApiError, errorText, post } from "../inbox/api.js";
import { h, replace } from "../inbox/dom.js";
import { long, stamp } from "../inbox/time.js";
import { KIND_LABELS } from "./common.js";

const CHANGES = {
  newly_answered: "Newly answered",
  no_longer_answered: "No longer answered",
  different_rule: "Different rule",
  different_reply: "Different reply",
  handoff_changed: "Hand-off changes",
};

function outcome(value, testid) {
  if (!value) {
    return h(
      "div",
      { class: "outcome not-recorded", "data-testid": testid },
      h("span", { class: "muted", title: "This text arrived before the desk recorded the bot’s decisions." }, "not recorded"),
    );
  }
  const kind = value.kind === "rule" && value.rule_name ? `Rule “${value.rule_name}”` : KIND_LABELS[value.kind] || value.kind;
  return h(
    "div",
    { class: ["outcome", `kind-${value.kind}`], "data-testid": testid, "data-kind": value.kind },
    h("div", { class: "outcome-kind" }, h("strong", {}, kind), value.handoff ? h("span", { class: "chip chip-pending" }, "hands off") : null),
    (value.replies || []).length
      ? value.replies.map((text) => h("p", { class: "outcome-reply" }, text))
      : h("p", { class: "outcome-reply is-none muted" }, "no reply"),
  );
}

/** createReplay({getDraft, hasErrors}) -> {el, draftChanged(), rulesChanged()} */
export function createReplay({ getDraft, hasErrors = () => false }) {
  let seq = 0;
  let ran = false;
  const limit = h("input", { type: "number", min: "1", max: "2000", step: "1", value: "200", class: "replay-limit", "data-testid": "replay-limit", "aria-label": "How many recent texts" });
  const savedOption = h("option", { value: "saved" }, "the saved rules");
  const draftOption = h("option", { value: "draft", disabled: true }, "my unsaved draft");
  const source = h("select", { "data-testid": "replay-source", "aria-label": "Rules to replay with" }, savedOption, draftOption);
  const onlyChanged = h("input", { type: "checkbox", checked: true, "data-testid": "replay-only-changed" });
  const run = h("button", { type: "submit", class: "button primary", "data-testid": "replay-run" }, "Replay");
  const summary = h("p", { class: "replay-summary", "data-testid": "replay-summary", "aria-live": "polite", hidden: true });
  const stale = h("p", { class: "replay-stale small", "data-testid": "replay-stale", hidden: true }, "The rules changed since this replay. Run it again to see the effect.");
  const body = h("tbody");
  const table = h(
    "table",
    { class: "table replay-table", "data-testid": "replay-results", hidden: true },
    h(
      "thead",
      {},
      h("tr", {}, h("th", {}, "When"), h("th", {}, "Contact"), h("th", {}, "Text"), h("th", {}, "What happened"), h("th", {}, "What would happen"), h("th", {}, "Change")),
    ),
    body,
  );
  const form = h(
    "form",
    { class: "replay-form" },
    h("span", {}, "Replay the last"),
    limit,
    h("span", {}, "texts with"),
    source,
    h("label", { class: "checkbox" }, onlyChanged, "Only the ones that change"),
    run,
  );
  const el = h(
    "div",
    { class: "replay-inner" },
    h("h2", { id: "replay-title" }, "Replay recent texts"),
    h("p", { class: "muted small" }, "Before you save, see which texts customers really sent would be answered differently. Nothing is sent."),
    form,
    summary,
    stale,
    table,
  );

  function row(item) {
    const who = item.contact ? item.contact.name || item.contact.phone : "";
    return h(
      "tr",
      { class: ["replay-row", item.changed ? "is-changed" : "is-same"], "data-testid": "replay-row", "data-message-id": item.message_id, "data-change": item.change || "" },
      h("td", { class: "replay-when" }, h("time", { datetime: item.at || "", title: long(item.at) }, stamp(item.at))),
      h(
        "td",
        { class: "replay-contact" },
        h("span", { class: "replay-contact-name" }, who),
        item.contact && item.contact.name ? h("span", { class: "muted small replay-phone" }, item.contact.phone) : null,
      ),
      h(
        "td",
        { class: "replay-text" },
        item.conversation_id
          ? h("a", { href: `/conversations/${item.conversation_id}`, class: "replay-link", "data-testid": "replay-text", title: "Open the conversation" }, item.text)
          : h("span", { "data-testid": "replay-text" }, item.text),
      ),
      h("td", {}, outcome(item.actual, "replay-actual")),
      h("td", {}, outcome(item.proposed, "replay-proposed")),
      h(
        "td",
        {},
        item.change
          ? h("span", { class: ["chip", "change-chip", `change-${item.change}`], "data-testid": "replay-change" }, CHANGES[item.change] || item.change)
          : h("span", { class: "muted small" }, item.actual ? "same" : "cannot compare"),
      ),
    );
  }

  async function replay() {
    const mine = ++seq;
    const draft = source.value === "draft" ? getDraft() : null;
    if (draft && hasErrors()) {
      summary.classList.add("is-error");
      replace(summary, "Your draft has errors, so it cannot be replayed. Fix them in the editor, or replay with the saved rules.");
      summary.hidden = false;
      return;
    }
    const n = Math.max(1, Math.min(2000, Number.parseInt(limit.value, 10) || 200));
    limit.value = String(n);
    run.disabled = true;
    run.textContent = "Replaying…";
    stale.hidden = true;
    try {
      const data = await post("/api/v1/rules/replay", {
        limit: n,
        draft: draft ? draft.draft : null,
        draft_id: draft ? draft.draft_id : null,
        only_changed: onlyChanged.checked,
      });
      if (mine !== seq) return;
      ran = true;
      const results = data.results || [];
      const texts = data.considered === 1 ? "text" : "texts";
      const withWhat = draft ? `with your draft of “${draft.name}”` : "with the saved rules";
      summary.classList.remove("is-error");
      replace(
        summary,
        h("strong", { "data-testid": "replay-considered" }, `${data.considered} ${texts}`),
        " replayed ",
        withWhat,
        ": ",
        h(
          "strong",
          { "data-testid": "replay-changed", class: data.changed ? "has-changes" : "" },
          data.changed === 0 ? "none would be answered differently" : `${data.changed} would be answered differently`,
        ),
        ".",
        data.considered === 0 ? " No texts have arrived yet." : "",
        data.not_recorded
          ? h(
              "span",
              { class: "muted", "data-testid": "replay-not-recorded" },
              ` ${data.not_recorded} of them arrived before the desk recorded the bot’s answers, so they cannot be compared.`,
            )
          : null,
      );
      summary.hidden = false;
      replace(body, results.map(row));
      table.hidden = results.length === 0;
    } catch (err) {
      if (mine !== seq) return;
      const message =
        err instanceof ApiError && err.code === "invalid_rule" ? "Your draft has errors, so it cannot be replayed. Fix them in the editor first." : errorText(err);
      summary.classList.add("is-error");
      replace(summary, message);
      summary.hidden = false;
    } finally {
      if (mine === seq) {
        run.disabled = false;
        run.textContent = "Replay";
      }
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    replay();
  });

  return {
    el,
    draftChanged() {
      const draft = getDraft();
      const had = !draftOption.disabled;
      draftOption.disabled = !draft;
      draftOption.textContent = draft ? `my unsaved draft of “${draft.name}”` : "my unsaved draft";
      if (draft && !had) source.value = "draft";
      if (!draft && source.value === "draft") source.value = "saved";
    },
    rulesChanged() {
      if (ran) stale.hidden = false;
    },
  };
}
