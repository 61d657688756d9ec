// One campaign's page: its status and live progress (campaign.updated), pause / resume / cancel, the
// report (a funnel chart and the same numbers as a table, cost so far) and the recipients with their
// text's state. Every name, phone, template and error goes in as text.
import { boot } from "../inbox/api.js";
import { h, replace } from "../inbox/dom.js";
import { long, parse } from "../inbox/time.js";
import { funnelChart } from "./campaign/charts.js";
import { connectLive, throttle, touchesCampaigns } from "./campaign/live.js";
import {
  api,
  audienceText,
  confirmDialog,
  createStatus,
  errorText,
  formatCount,
  MESSAGE_LABELS,
  money,
  pace,
  percent,
  plural,
  price,
  progressBar,
  SKIP_LABELS,
  stateErrorText,
  STATUS_HINTS,
  statusBadge,
  takeFlash,
  timeCell,
  when,
  windowText,
} from "./campaign/shared.js";

const campaignId = Number(boot().campaign_id);
const $ = (id) => document.getElementById(id);
const status = createStatus($("cmp-status"));
const els = {
  title: $("campaign-title"),
  badge: $("campaign-badge"),
  hint: $("campaign-status-hint"),
  actions: $("campaign-actions"),
  progress: $("campaign-progress-body"),
  facts: $("campaign-facts"),
  template: $("campaign-template"),
  funnelBody: $("funnel-body"),
  cost: $("report-cost"),
  reportNote: $("report-note"),
  canvas: $("funnel-chart"),
  recipientsBody: $("recipients-body"),
  recipientsTable: $("recipients-body").closest("table"),
  recipientsState: $("recipients-state"),
  recipientsCount: $("recipients-count"),
  recipientsMore: $("recipients-more"),
  filterStatus: $("recipients-status"),
  filterReason: $("recipients-reason"),
};

let campaign = null;
let chart = null;
let busy = false;

// ---- header, actions, progress, details ----------------------------------------------------------

function actionButton(label, testid, onClick, kind = "") {
  return h("button", { type: "button", class: ["button", kind], "data-testid": testid, disabled: busy, onClick }, label);
}

function renderActions() {
  const s = campaign.status;
  const buttons = [];
  if (s === "draft") buttons.push(h("a", { class: "button primary", href: `/admin/campaigns/${campaignId}/edit`, "data-testid": "campaign-edit" }, "Edit and launch"));
  if (s === "scheduled") buttons.push(h("a", { class: "button", href: `/admin/campaigns/${campaignId}/edit`, "data-testid": "campaign-edit" }, "Edit"));
  if (s === "sending") buttons.push(actionButton("Pause", "campaign-pause", () => transition("pause", "pause")));
  if (s === "paused") buttons.push(actionButton("Resume", "campaign-resume", () => transition("resume", "resume"), "primary"));
  if (s === "scheduled" || s === "sending" || s === "paused") buttons.push(actionButton("Cancel campaign…", "campaign-cancel", cancel, "danger"));
  replace(els.actions, buttons);
}

function count(testid, label, value, hint = null, tone = "") {
  return h(
    "div",
    { class: ["count-tile", tone], "data-testid": testid, "data-value": String(value) },
    h("dt", {}, label),
    h("dd", {}, h("span", { class: "count-value", "data-testid": `${testid}-value` }, formatCount(value)), hint ? h("span", { class: "count-hint muted" }, hint) : null),
  );
}

function skippedHint(byReason) {
  const parts = Object.entries(byReason || {})
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${SKIP_LABELS[reason] || reason}: ${formatCount(n)}`);
  return parts.length ? parts.join(" · ") : null;
}

function renderProgress() {
  const p = campaign.progress || {};
  const r = p.recipients || {};
  const m = p.messages || {};
  const started = campaign.status !== "draft" && campaign.status !== "scheduled";
  replace(
    els.progress,
    progressBar(p, campaign.status),
    started || r.total
      ? [
          h(
            "dl",
            { class: "count-grid", "aria-label": "Recipients" },
            count("progress-total", "Recipients", r.total || 0),
            count("progress-pending", "Waiting", r.pending || 0, "their turn or their window"),
            count("progress-sent", "Texted", r.sent || 0),
            count("progress-skipped", "Skipped", r.skipped || 0, skippedHint(r.skipped_by_reason)),
          ),
          h(
            "dl",
            { class: "count-grid", "aria-label": "Texts" },
            count("progress-queued", "Queued", m.queued || 0),
            count("progress-with-carrier", "Sent", m.sent || 0, "with the carrier"),
            count("progress-delivered", "Delivered", m.delivered || 0, null, "is-good"),
            count("progress-failed", "Failed", m.failed || 0, null, m.failed ? "is-bad" : ""),
          ),
          h(
            "dl",
            { class: "count-grid", "aria-label": "Responses" },
            count("progress-replies", "Replies", p.replies || 0),
            count("progress-opt-outs", "Opt-outs", p.opt_outs || 0, null, p.opt_outs ? "is-warn" : ""),
            count("progress-segments", "Segments sent", p.segments_sent || 0),
          ),
        ]
      : h("p", { class: "muted" }, campaign.status === "scheduled" ? `Recipients are fixed when it starts (${when(campaign.scheduled_at)}).` : "Recipients are fixed when it is launched."),
  );
}

function fact(label, value, testid) {
  return [h("dt", {}, label), h("dd", { "data-testid": testid }, value)];
}

function renderDetails() {
  const sender = campaign.sender;
  replace(
    els.facts,
    fact("Audience", audienceText(campaign), "campaign-fact-audience"),
    fact("Sender", sender ? `${sender.name} · ${pace(sender.segments_per_second)} · ${price(sender.price_per_segment)} per segment` : "The default sender", "campaign-fact-sender"),
    fact("Sending window", windowText(campaign), "campaign-fact-window"),
    fact("Scheduled", campaign.scheduled_at ? timeCell(campaign.scheduled_at, "campaign-fact-scheduled") : "—", "campaign-fact-when"),
    campaign.completed_at ? fact("Completed", timeCell(campaign.completed_at), "campaign-fact-completed") : null,
    campaign.cancelled_at ? fact("Cancelled", timeCell(campaign.cancelled_at), "campaign-fact-cancelled") : null,
  );
  els.template.textContent = campaign.template || "(no text yet)";
}

function renderCampaign() {
  els.title.textContent = campaign.name;
  document.title = `${campaign.name} · Campaigns · Textdesk`;
  replace(els.badge, statusBadge(campaign.status));
  els.hint.textContent = STATUS_HINTS[campaign.status] || "";
  renderActions();
  renderProgress();
  renderDetails();
}

async function loadCampaign() {
  try {
    campaign = await api.get(`/api/v1/campaigns/${campaignId}`);
    renderCampaign();
    document.querySelector("main").dataset.loaded = "yes";
  } catch (err) {
    status.show(`Could not load the campaign: ${errorText(err)}`, { kind: "error", sticky: true });
  }
}

// ---- pause, resume, cancel -----------------------------------------------------------------------

async function transition(action, verb) {
  if (busy) return;
  busy = true;
  renderActions();
  try {
    campaign = await api.post(`/api/v1/campaigns/${campaignId}/${action}`);
    status.show(action === "pause" ? "Paused: no new texts go out until you resume it." : action === "resume" ? "Resumed: texts are going out again." : "Cancelled.");
  } catch (err) {
    status.show(stateErrorText(err, verb), { kind: "error", sticky: true });
    await loadCampaign();
  } finally {
    busy = false;
    if (campaign) renderCampaign();
    refreshReport();
    reloadRecipients();
  }
}

async function cancel() {
  const pending = (campaign.progress && campaign.progress.recipients && campaign.progress.recipients.pending) || 0;
  const ok = await confirmDialog({
    title: `Cancel “${campaign.name}” for good?`,
    body: [
      h("p", {}, campaign.status === "scheduled" ? "Nobody has been texted yet; nobody will be." : `${plural(pending, "recipient")} not yet texted will be skipped. Texts already sent stay sent.`),
      h("p", { class: "muted" }, "A cancelled campaign cannot be resumed."),
    ],
    confirm: "Cancel campaign",
    cancel: "Keep it",
    danger: true,
    testid: "cancel-confirm",
  });
  if (ok) await transition("cancel", "cancel");
}

// ---- the report ----------------------------------------------------------------------------------

function funnelRows(f) {
  return [
    ["targeted", "Targeted", f.targeted, "100%", "everyone the audience selected"],
    ["excluded", "Skipped", f.excluded, percent(f.excluded, f.targeted), "not texted (see recipients)"],
    ["sent", "Sent", f.sent, percent(f.sent, f.targeted), "handed to the carrier"],
    ["delivered", "Delivered", f.delivered, percent(f.delivered, f.sent), "of those sent"],
    ["failed", "Failed", f.failed, percent(f.failed, f.sent), "of those sent"],
    ["replies", "Replies", f.replies, percent(f.replies, f.sent), "texts back, of those sent"],
    ["opt_outs", "Opt-outs", f.opt_outs, percent(f.opt_outs, f.sent), "STOP after it, of those sent"],
  ];
}

function renderReport(report) {
  const f = report.funnel;
  replace(
    els.funnelBody,
    funnelRows(f).map(([key, label, value, share, hint]) =>
      h(
        "tr",
        { "data-testid": `funnel-${key}`, "data-value": String(value) },
        h("th", { scope: "row" }, label, h("span", { class: "muted small funnel-hint" }, ` ${hint}`)),
        h("td", { class: "num", "data-testid": `funnel-${key}-value` }, formatCount(value)),
        h("td", { class: "num muted" }, share),
      ),
    ),
  );
  replace(
    els.cost,
    h("strong", {}, "Cost so far: "),
    h("span", { "data-testid": "report-cost-value" }, money(report.cost)),
    h("span", { class: "muted" }, ` (${plural(report.segments_sent, "segment")} at ${price(report.price_per_segment)} per segment)`),
  );
  els.reportNote.textContent = `Updated ${new Date().toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit", second: "2-digit" })}`;
  if (chart) chart.update(f);
  else chart = funnelChart(els.canvas, f);
  els.canvas.setAttribute(
    "aria-label",
    `Funnel: ${funnelRows(f)
      .map(([, label, value]) => `${label} ${value}`)
      .join(", ")}`,
  );
  document.querySelector("[data-testid=campaign-report]").dataset.loaded = "yes";
}

async function loadReport() {
  try {
    renderReport(await api.get(`/api/v1/campaigns/${campaignId}/report`));
  } catch (err) {
    els.reportNote.textContent = `Could not load the report: ${errorText(err)}`;
  }
}

const refreshReport = throttle(loadReport, 1000);

// ---- recipients ----------------------------------------------------------------------------------

let rows = [];
let cursor = null;

function recipientState(r) {
  if (r.status === "skipped") return h("span", { class: "chip chip-resolved", "data-testid": "recipient-status", "data-status": "skipped" }, `Skipped: ${SKIP_LABELS[r.skip_reason] || r.skip_reason || "—"}`);
  if (r.status === "pending") {
    const opens = parse(r.not_before);
    const waiting = opens && opens > new Date() ? `Waiting for their window (opens ${when(r.not_before)})` : "Waiting";
    return h("span", { class: "chip chip-pending", "data-testid": "recipient-status", "data-status": "pending", title: opens ? long(r.not_before) : "" }, waiting);
  }
  return h("span", { class: "chip chip-open", "data-testid": "recipient-status", "data-status": "sent" }, "Texted");
}

function textState(message) {
  if (!message) return h("span", { class: "muted", "data-testid": "recipient-text" }, "—");
  const bad = message.status === "failed" || message.status === "undelivered" || message.status === "blocked";
  const error = message.error_message || (message.error_code ? `Error ${message.error_code}` : "");
  return h(
    "span",
    { class: ["text-state", `text-${message.status}`], "data-testid": "recipient-text", "data-status": message.status },
    h("span", { class: ["text-status", bad ? "is-bad" : ""] }, MESSAGE_LABELS[message.status] || message.status),
    error ? h("span", { class: "text-error", "data-testid": "recipient-error" }, `${error}${message.error_code && message.error_message ? ` (${message.error_code})` : ""}`) : null,
  );
}

function recipientRow(r) {
  const c = r.contact;
  const m = r.message;
  return h(
    "tr",
    { "data-testid": "recipient-row", "data-contact-id": c.id, "data-status": r.status, "data-reason": r.skip_reason || "" },
    h(
      "td",
      {},
      h(
        "div",
        { class: "contact-cell" },
        h("span", { class: "recipient-name", "data-testid": "recipient-name" }, c.name || "—"),
        h("span", { class: "recipient-phone muted", "data-testid": "recipient-phone" }, c.phone),
        c.opted_out ? h("span", { class: "chip chip-optout", "data-testid": "recipient-opted-out" }, "Opted out") : null,
      ),
    ),
    h("td", {}, recipientState(r)),
    h("td", {}, textState(m)),
    h("td", { class: "num" }, m ? formatCount(m.segments) : "—"),
    h("td", { class: "link-cell" }, m ? h("a", { href: `/conversations/${m.conversation_id}`, "data-testid": "recipient-conversation" }, "Conversation") : null),
  );
}

function renderRecipients() {
  replace(els.recipientsBody, rows.map(recipientRow));
  els.recipientsTable.hidden = !rows.length;
  els.recipientsState.hidden = rows.length > 0;
  if (!rows.length) {
    const filtered = els.filterStatus.value || els.filterReason.value;
    els.recipientsState.textContent = filtered
      ? "Nobody matches these filters."
      : campaign && (campaign.status === "draft" || campaign.status === "scheduled")
        ? "Recipients are fixed when the campaign starts."
        : "No recipients.";
  }
  els.recipientsCount.textContent = rows.length ? `${formatCount(rows.length)}${cursor ? "+" : ""} shown` : "";
  els.recipientsMore.hidden = !cursor;
}

async function loadRecipients({ append = false, size = 50 } = {}) {
  const params = { status: els.filterStatus.value, skip_reason: els.filterReason.value, limit: size, cursor: append ? cursor : null };
  try {
    const page = await api.get(`/api/v1/campaigns/${campaignId}/recipients`, params);
    rows = append ? rows.concat(page.data) : page.data;
    cursor = page.next_cursor;
    renderRecipients();
    els.recipientsTable.dataset.loaded = "yes";
  } catch (err) {
    els.recipientsState.textContent = `Could not load the recipients: ${errorText(err)}`;
    els.recipientsState.hidden = false;
  }
}

// A live reload keeps as many rows as are shown (up to one full page of the API).
const reloadRecipients = throttle(() => loadRecipients({ size: Math.min(200, Math.max(50, rows.length)) }), 2000);

els.filterStatus.addEventListener("change", () => {
  if (els.filterStatus.value && els.filterStatus.value !== "skipped") els.filterReason.value = "";
  loadRecipients();
});
els.filterReason.addEventListener("change", () => {
  if (els.filterReason.value) els.filterStatus.value = "skipped";
  loadRecipients();
});
els.recipientsMore.addEventListener("click", () => loadRecipients({ append: true }));

// ---- live ----------------------------------------------------------------------------------------

const refreshCampaign = throttle(loadCampaign, 1000);

connectLive({
  onEvent: (name, payload) => {
    if (name === "campaign.updated") {
      if (payload.id !== campaignId) return;
      campaign = payload;
      renderCampaign();
      refreshReport();
      reloadRecipients();
    } else if (touchesCampaigns(name, payload)) {
      // A delivery report or a reply: the campaign's counts moved without a campaign.updated.
      refreshCampaign();
      refreshReport();
      reloadRecipients();
    }
  },
  onReconnect: () => {
    loadCampaign();
    loadReport();
    loadRecipients();
  },
});

const flash = takeFlash();
if (flash) status.show(flash);
await loadCampaign();
loadReport();
loadRecipients();
