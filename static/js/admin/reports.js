// The reports page: texts in, texts out and opt-outs per UTC day over the last 30 days (a chart and the
// same numbers as a table), and a summary of every launched campaign linking to its report.
import { h, replace } from "../inbox/dom.js";
import { dailyChart } from "./campaign/charts.js";
import { api, errorText, fetchAll, formatCount, money, plural, statusBadge, timeCell } from "./campaign/shared.js";

const $ = (id) => document.getElementById(id);
const DAYS = 30;
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: "short", month: "short", day: "numeric", timeZone: "UTC" });

function dayLabel(date) {
  const today = new Date().toISOString().slice(0, 10);
  const label = dayFormat.format(new Date(`${date}T00:00:00Z`));
  return date === today ? `Today · ${label}` : label;
}

async function daily() {
  const state = $("daily-state");
  let days;
  try {
    days = (await api.get("/api/v1/reports/daily", { days: DAYS })).data;
  } catch (err) {
    state.textContent = `Could not load the daily report: ${errorText(err)}`;
    return;
  }
  const total = (key) => days.reduce((sum, d) => sum + (d[key] || 0), 0);
  $("daily-totals").textContent = `${formatCount(total("inbound"))} in · ${formatCount(total("outbound"))} out · ${plural(total("opt_outs"), "opt-out")}`;
  replace(
    $("daily-body"),
    [...days].reverse().map((d) =>
      h(
        "tr",
        { "data-testid": "daily-row", "data-date": d.date, class: d.inbound || d.outbound || d.opt_outs ? "" : "is-quiet" },
        h("th", { scope: "row" }, h("time", { datetime: d.date }, dayLabel(d.date))),
        h("td", { class: "num", "data-testid": "daily-inbound" }, formatCount(d.inbound)),
        h("td", { class: "num", "data-testid": "daily-outbound" }, formatCount(d.outbound)),
        h("td", { class: ["num", d.opt_outs ? "is-warn" : ""], "data-testid": "daily-opt-outs" }, formatCount(d.opt_outs)),
      ),
    ),
  );
  dailyChart($("daily-chart"), days);
  state.hidden = true;
  document.querySelector("[data-testid=daily-report]").dataset.loaded = "yes";
}

function sentOf(progress) {
  const m = (progress && progress.messages) || {};
  return (m.sent || 0) + (m.delivered || 0) + (m.failed || 0);
}

async function summary() {
  const state = $("summary-state");
  const table = document.querySelector("[data-testid=summary-table]");
  let campaigns;
  let senders;
  try {
    [campaigns, senders] = await Promise.all([fetchAll("/api/v1/campaigns", {}, { pages: 5 }), api.get("/api/v1/senders").then((p) => p.data)]);
  } catch (err) {
    state.textContent = `Could not load the campaigns: ${errorText(err)}`;
    return;
  }
  const fallback = senders.find((s) => s.from_address === "") || senders[0];
  const priceOf = (c) => (c.sender ? c.sender.price_per_segment : fallback ? fallback.price_per_segment : 0);
  const launched = campaigns.filter((c) => c.status !== "draft");
  const drafts = campaigns.length - launched.length;
  replace(
    $("summary-body"),
    launched.map((c) => {
      const p = c.progress || {};
      const m = p.messages || {};
      return h(
        "tr",
        { "data-testid": "summary-row", "data-id": c.id },
        h("td", { class: "campaign-cell" }, h("a", { href: `/admin/campaigns/${c.id}`, class: "campaign-name", "data-testid": "summary-name" }, c.name), statusBadge(c.status, "summary-status")),
        h("td", { class: "when-cell" }, timeCell(c.launched_at || c.scheduled_at, "summary-started")),
        h("td", { class: "num", "data-testid": "summary-targeted" }, formatCount((p.recipients || {}).total || 0)),
        h("td", { class: "num", "data-testid": "summary-sent" }, formatCount(sentOf(p))),
        h("td", { class: "num", "data-testid": "summary-delivered" }, formatCount(m.delivered || 0)),
        h("td", { class: ["num", m.failed ? "is-bad" : ""], "data-testid": "summary-failed" }, formatCount(m.failed || 0)),
        h("td", { class: "num", "data-testid": "summary-replies" }, formatCount(p.replies || 0)),
        h("td", { class: ["num", p.opt_outs ? "is-warn" : ""], "data-testid": "summary-opt-outs" }, formatCount(p.opt_outs || 0)),
        h("td", { class: "num", "data-testid": "summary-cost" }, money((p.segments_sent || 0) * priceOf(c))),
      );
    }),
  );
  table.hidden = !launched.length;
  state.hidden = launched.length > 0 && !drafts;
  if (!launched.length) state.textContent = drafts ? `No campaign has been launched yet (${formatCount(drafts)} draft${drafts === 1 ? "" : "s"}).` : "No campaigns yet.";
  else if (drafts) state.textContent = `Drafts are not listed here (${formatCount(drafts)}): find them under Campaigns.`;
  table.dataset.loaded = "yes";
}

daily();
summary();
