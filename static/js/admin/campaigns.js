// The campaigns list: each campaign's status, audience, schedule and progress, kept live by
// campaign.updated. Every name, list name and filter goes in as text.
import { h, replace } from "../inbox/dom.js";
import { connectLive, throttle, touchesCampaigns } from "./campaign/live.js";
import {
  api,
  audienceText,
  createStatus,
  errorText,
  formatCount,
  progressBar,
  statusBadge,
  takeFlash,
  timeCell,
} from "./campaign/shared.js";

const body = document.getElementById("campaigns-body");
const table = body.closest("table");
const state = document.getElementById("campaigns-state");
const count = document.getElementById("campaigns-count");
const more = document.getElementById("campaigns-more");
const status = createStatus(document.getElementById("cmp-status"));

let campaigns = []; // newest first, as the API gives them
let cursor = null;

function counts(campaign) {
  const p = campaign.progress || {};
  const m = p.messages || {};
  return { delivered: m.delivered || 0, failed: m.failed || 0, replies: p.replies || 0, opt_outs: p.opt_outs || 0 };
}

function scheduleCell(campaign) {
  if (campaign.status === "draft") return h("span", { class: "muted", "data-testid": "campaign-scheduled" }, "Not launched");
  return timeCell(campaign.scheduled_at, "campaign-scheduled");
}

function row(campaign) {
  const c = counts(campaign);
  const href = campaign.status === "draft" ? `/admin/campaigns/${campaign.id}/edit` : `/admin/campaigns/${campaign.id}`;
  return h(
    "tr",
    { "data-testid": "campaign-row", "data-id": campaign.id, "data-status": campaign.status },
    h(
      "td",
      { class: "campaign-cell" },
      h("a", { href, class: "campaign-name", "data-testid": "campaign-name" }, campaign.name),
      statusBadge(campaign.status),
    ),
    h("td", { class: "audience-cell", "data-testid": "campaign-audience" }, audienceText(campaign)),
    h("td", { class: "when-cell" }, scheduleCell(campaign)),
    h("td", { class: "progress-col" }, progressBar(campaign.progress, campaign.status)),
    h("td", { class: "num", "data-testid": "campaign-delivered" }, formatCount(c.delivered)),
    h("td", { class: ["num", c.failed ? "is-bad" : ""], "data-testid": "campaign-failed" }, formatCount(c.failed)),
    h("td", { class: "num", "data-testid": "campaign-replies" }, formatCount(c.replies)),
    h("td", { class: ["num", c.opt_outs ? "is-warn" : ""], "data-testid": "campaign-opt-outs" }, formatCount(c.opt_outs)),
  );
}

function render() {
  replace(body, campaigns.map(row));
  count.textContent = campaigns.length ? String(campaigns.length) + (cursor ? "+" : "") : "";
  table.hidden = !campaigns.length;
  state.hidden = campaigns.length > 0;
  if (!campaigns.length) state.textContent = "No campaigns yet. Start one with “New campaign”.";
  more.hidden = !cursor;
}

async function load({ append = false } = {}) {
  try {
    // A reload keeps as many rows as are shown (up to one full page of the API).
    const size = append ? 50 : Math.min(200, Math.max(50, campaigns.length));
    const page = await api.get("/api/v1/campaigns", { limit: size, cursor: append ? cursor : null });
    campaigns = append ? campaigns.concat(page.data) : page.data;
    cursor = page.next_cursor;
    render();
    table.dataset.loaded = "yes";
  } catch (err) {
    state.textContent = `Could not load the campaigns: ${errorText(err)}`;
    state.hidden = false;
  }
}

/** A campaign changed (or was created): update its row in place, or put a new one on top. */
function upsert(campaign) {
  if (!campaign || !campaign.id) return;
  const index = campaigns.findIndex((c) => c.id === campaign.id);
  if (index >= 0) {
    campaigns[index] = campaign;
    const old = body.querySelector(`tr[data-id="${campaign.id}"]`);
    if (old) old.replaceWith(row(campaign));
    else render();
  } else if (!campaigns.length || campaign.id > campaigns[0].id) {
    campaigns.unshift(campaign);
    render();
  }
}

// Delivery reports and replies do not re-send campaign.updated: reload the (first) page now and then.
const refresh = throttle(() => load(), 2000);

connectLive({
  onEvent: (name, payload) => {
    if (name === "campaign.updated") upsert(payload);
    else if (touchesCampaigns(name, payload)) refresh();
  },
  onReconnect: () => load(),
});

more.addEventListener("click", () => load({ append: true }));
const flash = takeFlash();
if (flash) status.show(flash);
load();
