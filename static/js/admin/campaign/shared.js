// Shared pieces of the campaign screens: the API client (from ../api_client.js), numbers, money,
// durations and times in words, campaign states, progress bars and per-field errors.
import { ApiError } from "../../inbox/api.js";
import { api, fetchAll } from "../api_client.js";
import { h, replace } from "../../inbox/dom.js";
import { createStatus as createCommonStatus, sentence } from "../common.js";
import { formatCount, plural, timeCell, when } from "../format.js";

export { api, fetchAll, formatCount, plural, sentence, timeCell, when };

/** The common status line, shown a little longer on these pages (launches and pauses say more). */
export function createStatus(el) {
  return createCommonStatus(el, { hideAfterMs: 8000 });
}

/** A failure in words: the message, with a field's own message when it adds something. */
export function errorText(error) {
  if (error instanceof ApiError) {
    if (error.code === "csrf_failed") return "This page is out of date. Reload it and try again.";
    const field = error.fields && error.fields[0];
    if (!field || !field.message) return sentence(error.message);
    // A state conflict ("a scheduled campaign cannot be deleted") reads best on its own.
    if (field.field === "status" || field.field === "id") return sentence(field.message);
    return sentence(`${FIELD_NAMES[field.field] || field.field}: ${field.message}`);
  }
  return "Something went wrong. Try again.";
}

/** A 409 (the campaign moved on meanwhile) in plain words. */
export function stateErrorText(error, verb) {
  if (error instanceof ApiError && error.status === 409) {
    const field = error.fields && error.fields[0];
    const reason = field && field.message ? sentence(field.message) : sentence(error.message);
    return `Could not ${verb} it: ${reason.charAt(0).toLowerCase()}${reason.slice(1)} Its page now shows where it stands.`;
  }
  return `Could not ${verb} it. ${errorText(error)}`;
}

export const FIELD_NAMES = {
  name: "Name",
  list_id: "List",
  segment_id: "Saved segment",
  segment_filter: "Segment filter",
  template: "Message",
  sender_id: "Sender",
  window_start: "Sending window",
  window_end: "Sending window",
  scheduled_at: "Schedule",
  from_address: "From",
  segments_per_second: "Pace",
  price_per_segment: "Price per segment",
};

// ---- numbers and words -------------------------------------------------------------------------

const moneyFormat = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const priceFormat = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 5 });

/** A total in the account's currency, two decimals ("0.47"); under a cent shows as "< 0.01". */
export function money(value) {
  const n = Number(value) || 0;
  if (n > 0 && n < 0.005) return "< 0.01";
  return moneyFormat.format(n);
}

/** A per-segment price, as precise as it was typed ("0.0079"). */
export function price(value) {
  return priceFormat.format(Number(value) || 0);
}

/** A pace in words: "10 segments a second (600 a minute)". */
export function pace(segmentsPerSecond) {
  const rate = Number(segmentsPerSecond) || 0;
  const perSecond = rate === 1 ? "1 segment a second" : `${formatCount(Math.round(rate * 100) / 100)} segments a second`;
  return `${perSecond} (${formatCount(Math.round(rate * 60))} a minute)`;
}

/** Seconds in words: "under a second", "45 seconds", "about 12 minutes", "about 2 hours 5 minutes". */
export function duration(seconds) {
  const s = Math.max(0, Math.round(Number(seconds) || 0));
  if (s < 1) return "under a second";
  if (s < 90) return plural(s, "second");
  const minutes = Math.round(s / 60);
  if (minutes < 90) return `about ${plural(minutes, "minute")}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `about ${plural(hours, "hour")}${rest ? ` ${plural(rest, "minute")}` : ""}`;
}

/** A percentage of a whole ("87%"), or "—" when the whole is zero. */
export function percent(part, whole) {
  if (!whole) return "—";
  return `${Math.round((100 * part) / whole)}%`;
}

// ---- campaign states -----------------------------------------------------------------------------

export const STATUS_LABELS = {
  draft: "Draft",
  scheduled: "Scheduled",
  sending: "Sending",
  paused: "Paused",
  completed: "Completed",
  cancelled: "Cancelled",
};

export const STATUS_HINTS = {
  draft: "Not launched yet: edit it, then launch it now or at a set time.",
  scheduled: "Launched: it starts at its scheduled time (texts still wait for each recipient's window).",
  sending: "Texts are going out at the sender's pace, each inside its recipient's sending window.",
  paused: "No new texts are handed over until you resume it. Texts already with the carrier go on.",
  completed: "Every recipient has been texted or skipped.",
  cancelled: "Stopped for good: recipients not yet texted were skipped.",
};

export const SKIP_LABELS = {
  opted_out: "Opted out (texted STOP)",
  not_subscribed: "Not subscribed",
  invalid_number: "No textable number",
  invalid_text: "Text could not be sent",
  cancelled: "Campaign cancelled",
};

export const MESSAGE_LABELS = {
  queued: "Queued",
  sending: "Handing over",
  sent: "Sent",
  delivered: "Delivered",
  undelivered: "Failed",
  failed: "Failed",
  blocked: "Not sent",
};

/** The status badge of a campaign. */
export function statusBadge(status, testid = "campaign-status") {
  return h(
    "span",
    { class: ["status-badge", `status-${status}`], "data-testid": testid, "data-status": status, title: STATUS_HINTS[status] || "" },
    STATUS_LABELS[status] || status,
  );
}

/** Recipients handled so far (texted or skipped) and their total. */
export function doneOf(progress) {
  const r = (progress && progress.recipients) || {};
  return { done: (r.sent || 0) + (r.skipped || 0), total: r.total || 0 };
}

/** A progress bar (<progress>) with its words: "12 of 40 handled (30%)". */
export function progressBar(progress, status, testid = "campaign-progress") {
  const { done, total } = doneOf(progress);
  const bar = h("progress", { class: "progress", max: String(Math.max(total, 1)), value: String(total ? done : 0), "data-testid": `${testid}-bar` });
  let words;
  if (!total && (status === "draft" || status === "scheduled")) words = "Not started";
  else if (!total) words = "Nobody to text";
  else words = `${formatCount(done)} of ${formatCount(total)} handled (${percent(done, total)})`;
  bar.setAttribute("aria-label", words);
  return h(
    "div",
    { class: ["progress-wrap", `is-${status}`], "data-testid": testid, "data-done": String(done), "data-total": String(total) },
    bar,
    h("span", { class: "progress-words", "data-testid": `${testid}-words` }, words),
  );
}

/** Where a campaign sends: its list and/or segment, as text. */
export function audienceText(campaign) {
  const parts = [];
  if (campaign.list_name) parts.push(`List “${campaign.list_name}”`);
  else if (campaign.list_id) parts.push("A deleted list");
  if (campaign.segment_filter) parts.push(`segment ${campaign.segment_filter}`);
  return parts.length ? parts.join(" · ") : "No audience yet";
}

/** The local time a window starts or ends ("09:00"), and the window in words. */
export function windowText(campaign) {
  if (campaign.window_start === "00:00" && campaign.window_end === "24:00") return "Any time of day";
  return `${campaign.window_start}–${campaign.window_end}, each recipient's local time`;
}

// ---- fields and errors -------------------------------------------------------------------------

/** Show (or clear with null) an error under a field; marks its control aria-invalid. */
export function fieldError(slot, control, message) {
  replace(slot, message ? sentence(message) : "");
  slot.hidden = !message;
  if (control) {
    if (message) control.setAttribute("aria-invalid", "true");
    else control.removeAttribute("aria-invalid");
  }
}

const FLASH_KEY = "textdesk.campaigns.flash";

export function flashNext(text) {
  window.sessionStorage.setItem(FLASH_KEY, text);
}

export function takeFlash() {
  const text = window.sessionStorage.getItem(FLASH_KEY);
  if (text) window.sessionStorage.removeItem(FLASH_KEY);
  return text;
}

/**
 * A confirmation dialog (<dialog>, modal) with a title, body nodes and two buttons.
 * Resolves true when confirmed, false when dismissed.
 */
export function confirmDialog({ title, body, confirm, cancel = "Go back", danger = false, testid = "confirm" }) {
  return new Promise((resolve) => {
    const yes = h("button", { type: "button", class: ["button", danger ? "danger" : "primary"], "data-testid": `${testid}-yes` }, confirm);
    const no = h("button", { type: "button", class: "button", "data-testid": `${testid}-no` }, cancel);
    const dialog = h(
      "dialog",
      { class: "confirm-dialog", "data-testid": testid, "aria-labelledby": `${testid}-title` },
      h("h2", { id: `${testid}-title` }, title),
      h("div", { class: "confirm-body" }, body),
      h("div", { class: "confirm-actions" }, no, yes),
    );
    const finish = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    yes.addEventListener("click", () => finish(true));
    no.addEventListener("click", () => finish(false));
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      finish(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}
