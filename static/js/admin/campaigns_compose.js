// The campaign composer: name, audience (list and/or segment), message with variables and a live
// counter, sender, sending window and schedule, beside a live preview (who gets it, sample texts,
// segments, cost, duration, warnings). Save draft, launch (after a confirmation that restates count
// and cost), delete. Every name, list name, filter and text goes in as text.
import { boot } from "../inbox/api.js";
import { debounce, h, replace } from "../inbox/dom.js";
import { analyze } from "../inbox/segments.js";
import { long } from "../inbox/time.js";
import { smsBubble, ucs2Note } from "./common.js";
import {
  api,
  confirmDialog,
  duration,
  errorText,
  fieldError,
  flashNext,
  formatCount,
  money,
  pace,
  plural,
  price,
  SKIP_LABELS,
  STATUS_LABELS,
} from "./campaign/shared.js";

const $ = (id) => document.getElementById(id);
const els = {
  title: $("composer-title"),
  loading: $("composer-loading"),
  fields: $("composer-fields"),
  name: $("cmp-name"),
  list: $("cmp-list"),
  listHint: $("cmp-list-hint"),
  segment: $("cmp-segment"),
  segmentSaved: $("cmp-segment-saved"),
  filterField: $("cmp-filter-field"),
  filter: $("cmp-segment-filter"),
  template: $("cmp-template"),
  counter: $("cmp-counter"),
  ucs2: $("cmp-ucs2"),
  variables: $("cmp-variables"),
  sender: $("cmp-sender"),
  senderPace: $("cmp-sender-pace"),
  windowStart: $("cmp-window-start"),
  windowEnd: $("cmp-window-end"),
  windowDefault: $("cmp-window-default"),
  schedule: $("cmp-schedule"),
  scheduleAt: $("cmp-schedule-at"),
  scheduleHint: $("cmp-schedule-hint"),
  formError: $("cmp-form-error"),
  launch: $("cmp-launch"),
  save: $("cmp-save"),
  saveState: $("cmp-save-state"),
  remove: $("cmp-delete"),
  preview: $("cmp-preview"),
  previewState: $("cmp-preview-state"),
  previewBody: $("cmp-preview-body"),
  status: $("cmp-status"),
};

const DEFAULT_WINDOW = ["09:00", "20:00"];
const SAMPLE_TEMPLATE = 'Hi {{ contact.first_name | default("there") }}, … Reply STOP to opt out.';
const CLOCK = /^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/;

let campaign = null; // the saved campaign (null until the first save)
let senders = [];
let lists = [];
let segments = [];
let listsAvailable = true;
let segmentsAvailable = true;
let busy = false;
let previewError = null; // the field the last failed preview marked
let previewSeq = 0;

// ---- errors next to their fields -----------------------------------------------------------------

const ERROR_CONTROLS = {
  name: () => els.name,
  list_id: () => els.list,
  segment_id: () => els.segment,
  segment_filter: () => els.filter,
  template: () => els.template,
  sender_id: () => els.sender,
  window_start: () => els.windowStart,
  scheduled_at: () => els.scheduleAt,
};
const ALIASES = { window_end: "window_start" };

function slotFor(field) {
  return document.querySelector(`[data-error-for="${ALIASES[field] || field}"]`);
}

function setError(field, message) {
  const key = ALIASES[field] || field;
  const slot = slotFor(key);
  if (!slot) return false;
  const control = ERROR_CONTROLS[key] ? ERROR_CONTROLS[key]() : null;
  fieldError(slot, control, message);
  if (key === "window_start") {
    if (message) els.windowEnd.setAttribute("aria-invalid", "true");
    else els.windowEnd.removeAttribute("aria-invalid");
  }
  return true;
}

function clearErrors(fields = Object.keys(ERROR_CONTROLS)) {
  for (const field of fields) setError(field, null);
  els.formError.hidden = true;
}

/** Put an API failure next to its field (a segment's line and column included); true when placed. */
function showApiError(err) {
  const first = (err.fields || [])[0];
  if (!first) return false;
  let message = first.message;
  const details = err.details || {};
  if (first.field === "segment_filter" && details.line) {
    message = `Line ${details.line}, column ${details.column}: ${message}`;
  }
  if (first.field === "segment_filter" && !els.filterField.hidden) return setError("segment_filter", message);
  if (first.field === "segment_filter") return setError("segment_id", `The saved segment's filter: ${message}`);
  return setError(first.field, message);
}

/** The field slot showApiError used for this error. */
function placedField(err) {
  const field = (err.fields || [])[0].field;
  if (field === "segment_filter" && els.filterField.hidden) return "segment_id";
  return ALIASES[field] || field;
}

function formError(text) {
  replace(els.formError, text || "");
  els.formError.hidden = !text;
}

// ---- reading the form --------------------------------------------------------------------------

function segmentMode() {
  const value = els.segment.value;
  if (value === "typed") return { mode: "typed" };
  if (value.startsWith("saved:")) return { mode: "saved", id: Number(value.slice(6)) };
  return { mode: "none" };
}

function audienceChosen() {
  const seg = segmentMode();
  return Boolean(els.list.value) || seg.mode === "saved" || (seg.mode === "typed" && els.filter.value.trim() !== "");
}

/** The campaign's fields as the API takes them (the name left out when empty, for the preview). */
function fields({ forPreview = false } = {}) {
  const seg = segmentMode();
  const data = {
    list_id: els.list.value ? Number(els.list.value) : null,
    segment_id: seg.mode === "saved" ? seg.id : null,
    segment_filter: seg.mode === "typed" ? els.filter.value : "",
    template: els.template.value,
    sender_id: els.sender.value ? Number(els.sender.value) : null,
    window_start: els.windowStart.value.trim(),
    window_end: els.windowEnd.value.trim(),
  };
  const name = els.name.value.trim();
  if (name || !forPreview) data.name = name;
  return data;
}

function scheduleChoice() {
  const checked = els.schedule.querySelector("input[name=schedule]:checked");
  return checked ? checked.value : "now";
}

/** "2026-03-14T15:00" typed in the browser's zone -> "2026-03-14T15:00:00+01:00" (that day's offset). */
function isoWithOffset(localValue) {
  const date = new Date(localValue);
  if (Number.isNaN(date.getTime())) return null;
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  const base = localValue.length === 16 ? `${localValue}:00` : localValue.slice(0, 19);
  return `${base}${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

function browserZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "your time zone";
  } catch {
    return "your time zone";
  }
}

// ---- the live counter and variables --------------------------------------------------------------

function renderCounter() {
  const text = els.template.value;
  const info = analyze(text);
  const chars = [...text].length;
  els.counter.textContent = `${plural(chars, "character")} · ${info.encoding} · ${plural(info.segments, "segment")}`;
  els.counter.dataset.encoding = info.encoding;
  els.counter.classList.toggle("is-multi", info.segments > 1);
  const note = info.encoding === "UCS-2" ? ucs2Note(text) : null;
  els.ucs2.textContent = note || "";
  els.ucs2.hidden = !note;
}

function insertAtCursor(textarea, snippet) {
  const start = textarea.selectionStart ?? textarea.value.length;
  const end = textarea.selectionEnd ?? start;
  textarea.setRangeText(snippet, start, end, "end");
  textarea.focus();
  textarea.dispatchEvent(new Event("input", { bubbles: true }));
}

function renderVariables(attributes) {
  const builtIn = [
    ["contact.first_name", '{{ contact.first_name | default("there") }}', "First name (or “there”)"],
    ["contact.name", "{{ contact.name }}", "Full name"],
    ["contact.phone", "{{ contact.phone }}", "Phone number"],
    ["brand", "{{ brand }}", "Your business name"],
    ["support", "{{ support }}", "Your support contact"],
  ];
  const custom = attributes.map((a) => [`contact.${a.key}`, `{{ contact.${a.key} }}`, a.label || a.key]);
  const button = ([variable, snippet, label]) =>
    h(
      "button",
      { type: "button", class: "var-chip", "data-testid": "campaign-variable", "data-variable": variable, title: `Insert ${snippet}`, onClick: () => insertAtCursor(els.template, snippet) },
      h("code", {}, variable),
      h("span", { class: "var-label" }, label),
    );
  replace(
    els.variables,
    h("span", { class: "field-hint" }, "Insert: "),
    builtIn.map(button),
    custom.length ? custom.map(button) : null,
  );
}

// ---- selects -------------------------------------------------------------------------------------

function defaultSenderId() {
  const fallback = senders.find((s) => s.from_address === "") || senders[0];
  return fallback ? fallback.id : null;
}

function renderSenders(selected) {
  replace(
    els.sender,
    senders.map((s) =>
      h("option", { value: String(s.id), selected: s.id === selected }, `${s.name}${s.from_address ? ` (${s.from_address})` : " (the desk's number)"}`),
    ),
  );
  renderSenderPace();
}

function chosenSender() {
  return senders.find((s) => String(s.id) === els.sender.value) || null;
}

function renderSenderPace() {
  const sender = chosenSender();
  els.senderPace.textContent = sender ? `${pace(sender.segments_per_second)} · ${price(sender.price_per_segment)} per segment` : "";
}

function renderLists(selected) {
  if (!listsAvailable) {
    replace(els.list, h("option", { value: "" }, "Lists are not available"));
    els.list.disabled = true;
    els.listHint.textContent = "The subscriber lists could not be loaded: use a segment for now.";
    return;
  }
  replace(
    els.list,
    h("option", { value: "" }, lists.length ? "No list (segment only)" : "No lists yet"),
    lists.map((l) => {
      const subscribed = l.counts ? l.counts.subscribed || 0 : null;
      const suffix = subscribed === null ? "" : ` — ${plural(subscribed, "subscriber")}`;
      return h("option", { value: String(l.id), selected: l.id === selected }, `${l.name}${suffix}`);
    }),
  );
  // A list deleted since the draft was saved is still named by id so nothing changes silently.
  if (selected && !lists.some((l) => l.id === selected)) {
    els.list.append(h("option", { value: String(selected), selected: true }, `List #${selected}`));
  }
  els.listHint.textContent = lists.length ? "" : "Create a list first, or send to a segment.";
}

function renderSegments(selectedId, typedFilter) {
  const options = [h("option", { value: "none" }, "Everyone on the list")];
  if (segmentsAvailable) {
    for (const s of segments) {
      options.push(h("option", { value: `saved:${s.id}`, selected: s.id === selectedId }, `Saved: ${s.name}`));
    }
  }
  options.push(h("option", { value: "typed", selected: !selectedId && Boolean(typedFilter) }, "Type a filter…"));
  replace(els.segment, options);
  if (selectedId && !segments.some((s) => s.id === selectedId)) {
    els.segment.append(h("option", { value: `saved:${selectedId}`, selected: true }, `Saved segment #${selectedId}`));
  }
  renderSegmentMode();
}

function renderSegmentMode() {
  const seg = segmentMode();
  els.filterField.hidden = seg.mode !== "typed";
  const saved = seg.mode === "saved" ? segments.find((s) => s.id === seg.id) : null;
  els.segmentSaved.hidden = !saved;
  if (saved) {
    replace(
      els.segmentSaved,
      h("span", { class: "muted" }, "Filter: "),
      h("code", {}, saved.filter),
      saved.count === null || saved.count === undefined ? null : h("span", { class: "muted" }, ` · ${plural(saved.count, "contact")} match now`),
    );
  }
}

function renderSchedule() {
  const later = scheduleChoice() === "later";
  els.scheduleAt.hidden = !later;
  if (campaign && campaign.status === "scheduled") {
    els.scheduleHint.textContent = `Scheduled for ${long(campaign.scheduled_at)}. To send at another time, cancel it from its page and launch a copy.`;
    return;
  }
  els.scheduleHint.textContent = later
    ? `In your time zone (${browserZone()}). Texts still wait for each recipient's sending window.`
    : "It starts a few seconds after you launch it, inside each recipient's sending window.";
}

// ---- the preview ---------------------------------------------------------------------------------

function previewState(state, words = "") {
  els.preview.dataset.state = state;
  els.previewState.textContent = words;
}

function fact(testid, label, value, hint) {
  return h(
    "div",
    { class: "pv-fact", "data-testid": testid },
    h("dt", {}, label),
    h("dd", {}, h("span", { class: "pv-value", "data-testid": `${testid}-value` }, value), hint ? h("span", { class: "pv-hint muted" }, hint) : null),
  );
}

function renderPreview(p) {
  const a = p.audience;
  const excluded = a.excluded || {};
  const excludedRows = Object.entries(excluded)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => h("li", { "data-testid": `preview-excluded-${reason}`, "data-count": String(n) }, `${SKIP_LABELS[reason] || reason}: ${formatCount(n)}`));
  const seg = p.segments;
  // Nobody to text: the sample text is shown, but nothing is sent, billed or waited for.
  const nobody = a.eligible === 0;
  const samples = p.samples.map((sample) => {
    const who = sample.contact.id === null ? `${sample.contact.name} (a sample: nobody eligible yet)` : sample.contact.name || sample.contact.phone;
    return smsBubble(sample, { label: who, testid: "campaign-sample" });
  });
  const warnings = p.warnings.map((w) => h("li", { class: "warning", "data-testid": "campaign-warning", "data-code": w.code }, w.message));
  replace(
    els.previewBody,
    h(
      "section",
      { class: "pv-audience", "aria-label": "Recipients" },
      h(
        "p",
        { class: "pv-headline", "data-testid": "preview-eligible", "data-count": String(a.eligible) },
        h("strong", {}, formatCount(a.eligible)),
        ` ${a.eligible === 1 ? "person gets" : "people get"} this text`,
      ),
      h(
        "p",
        { class: "muted small", "data-testid": "preview-selected", "data-count": String(a.selected) },
        a.selected === a.eligible ? `Everyone selected (${formatCount(a.selected)}) can be texted.` : `${formatCount(a.selected)} selected, ${formatCount(a.selected - a.eligible)} left out:`,
      ),
      excludedRows.length ? h("ul", { class: "pv-excluded", "data-testid": "preview-excluded" }, excludedRows) : null,
    ),
    h("dl", { class: "pv-facts" },
      fact("preview-segments", "Segments", nobody ? "0" : `${seg.estimated ? "≈ " : ""}${formatCount(seg.total)}`, seg.estimated ? `estimated from sampled texts (${seg.per_text_average} per text)` : `${seg.per_text_average} per text`),
      fact("preview-cost", "Cost", money(nobody ? 0 : p.cost.total), `at ${price(p.cost.price_per_segment)} per segment`),
      fact("preview-duration", "Takes", nobody ? "—" : duration(p.duration_seconds), `at ${pace(p.sender.segments_per_second)}, longer while windows are closed`),
    ),
    warnings.length
      ? h("section", { class: "pv-warnings", "aria-label": "Warnings" }, h("h3", {}, `Check before launching (${warnings.length})`), h("ul", { class: "field-warnings", "data-testid": "campaign-warnings" }, warnings))
      : h("p", { class: "pv-ok", "data-testid": "campaign-warnings-none" }, "No warnings."),
    h("section", { class: "pv-samples", "aria-label": "Sample texts" }, h("h3", {}, p.samples.length > 1 ? `${p.samples.length} of the texts` : "What they receive"), h("div", { class: "phone-frame", "data-testid": "campaign-samples" }, samples)),
  );
}

async function refreshPreview() {
  const seq = ++previewSeq;
  if (!audienceChosen()) {
    previewState("empty", "");
    replace(els.previewBody, h("p", { class: "muted" }, "Choose a list or a segment to see who gets this text."));
    return;
  }
  previewState(els.preview.dataset.state === "ok" ? "updating" : "loading", "Updating…");
  try {
    const result = await api.post("/api/v1/campaigns/preview", fields({ forPreview: true }));
    if (seq !== previewSeq) return; // a newer preview is on its way
    // Clear only what an earlier preview marked: a launch's or a save's own errors stay until edited.
    if (previewError) setError(previewError, null);
    previewError = null;
    renderPreview(result);
    previewState("ok", "");
  } catch (err) {
    if (seq !== previewSeq) return;
    const placed = err.status === 422 && showApiError(err);
    if (placed) previewError = placedField(err);
    previewState("invalid", "");
    replace(
      els.previewBody,
      h("p", { class: "form-error", "data-testid": "campaign-preview-error" }, placed ? "Fix the field marked in red to see the preview." : errorText(err)),
    );
  }
}

const schedulePreview = debounce(refreshPreview, 350);

// ---- saving, launching, deleting -----------------------------------------------------------------

function markDirty() {
  els.saveState.textContent = campaign ? "Unsaved changes" : "Not saved yet";
}

function setBusy(on) {
  busy = on;
  for (const button of [els.save, els.launch, els.remove]) button.disabled = on;
}

function renderMode() {
  const editable = !campaign || campaign.status === "draft" || campaign.status === "scheduled";
  els.remove.hidden = !campaign || campaign.status !== "draft";
  els.launch.hidden = Boolean(campaign && campaign.status !== "draft");
  els.save.textContent = campaign && campaign.status === "scheduled" ? "Save changes" : "Save draft";
  for (const input of els.schedule.querySelectorAll("input")) input.disabled = Boolean(campaign && campaign.status !== "draft");
  if (campaign) {
    els.title.textContent = `${campaign.status === "scheduled" ? "Edit scheduled campaign" : "Edit draft"}: ${campaign.name}`;
    document.title = `${campaign.name} · Campaigns · Textdesk`;
  }
  if (!editable) formError(`This campaign is ${STATUS_LABELS[campaign.status].toLowerCase()}: it cannot be edited.`);
  renderSchedule();
}

/** Create or update the campaign from the form; resolves true when saved. */
async function save() {
  clearErrors();
  if (!els.name.value.trim()) {
    setError("name", "Give the campaign a name.");
    els.name.focus();
    return false;
  }
  try {
    if (campaign) {
      campaign = await api.patch(`/api/v1/campaigns/${campaign.id}`, fields());
    } else {
      campaign = await api.post("/api/v1/campaigns", fields());
      window.history.replaceState(null, "", `/admin/campaigns/${campaign.id}/edit`);
    }
  } catch (err) {
    if (!(err.status === 422 && showApiError(err))) formError(errorText(err));
    else formError("The campaign was not saved: fix the field marked in red.");
    return false;
  }
  els.saveState.textContent = "Saved";
  renderMode();
  return true;
}

function confirmBody(p, scheduledIso) {
  const a = p.audience;
  const left = a.selected - a.eligible;
  const starts = scheduledIso ? `Starts ${long(scheduledIso)} (your time).` : "Starts now.";
  return [
    h("p", { class: "confirm-headline", "data-testid": "launch-confirm-count" }, `${plural(a.eligible, "person", "people")} will get this text${left ? ` (${formatCount(left)} left out)` : ""}.`),
    h(
      "ul",
      { class: "confirm-facts" },
      h("li", { "data-testid": "launch-confirm-segments" }, `${p.segments.estimated ? "About " : ""}${plural(p.segments.total, "segment")}`),
      h("li", { "data-testid": "launch-confirm-cost" }, `Cost ${p.segments.estimated ? "about " : ""}${money(p.cost.total)} (at ${price(p.cost.price_per_segment)} per segment)`),
      h("li", { "data-testid": "launch-confirm-duration" }, `Takes ${duration(p.duration_seconds)} at the sender's pace`),
    ),
    h("p", {}, starts, " ", `Texts wait for each recipient's window (${els.windowStart.value}–${els.windowEnd.value} their time).`),
    p.warnings.length ? h("p", { class: "confirm-warn" }, `${plural(p.warnings.length, "warning")} in the preview: ${p.warnings.map((w) => w.message).join(" ")}`) : null,
  ];
}

async function launch() {
  if (busy) return;
  clearErrors();
  let scheduledIso = null;
  if (scheduleChoice() === "later") {
    if (!els.scheduleAt.value) {
      setError("scheduled_at", "Pick the date and time to start, or choose “As soon as I launch it”.");
      return;
    }
    scheduledIso = isoWithOffset(els.scheduleAt.value);
    if (!scheduledIso) {
      setError("scheduled_at", "That is not a date and time.");
      return;
    }
  }
  setBusy(true);
  try {
    if (!(await save())) return;
    let p;
    try {
      p = await api.get(`/api/v1/campaigns/${campaign.id}/preview`);
    } catch (err) {
      if (!(err.status === 422 && showApiError(err))) formError(errorText(err));
      return;
    }
    if (!campaign.template.trim()) {
      setError("template", "Write the text to send.");
      return;
    }
    if (p.audience.eligible === 0) {
      const why = p.audience.selected ? "every contact it selects is left out (see the preview)" : "it selects nobody";
      setError("list_id", `Nobody to send to: ${why}.`);
      return;
    }
    const ok = await confirmDialog({
      title: `Launch “${campaign.name}”?`,
      body: confirmBody(p, scheduledIso),
      confirm: scheduledIso ? "Schedule it" : `Send to ${plural(p.audience.eligible, "person", "people")}`,
      testid: "launch-confirm",
    });
    if (!ok) return;
    try {
      await api.post(`/api/v1/campaigns/${campaign.id}/launch`, { scheduled_at: scheduledIso });
    } catch (err) {
      if (!(err.status === 422 && showApiError(err))) formError(errorText(err));
      else formError("The campaign was not launched: fix the field marked in red.");
      return;
    }
    flashNext(scheduledIso ? `Scheduled “${campaign.name}” for ${long(scheduledIso)}.` : `Launched “${campaign.name}”.`);
    window.location.assign(`/admin/campaigns/${campaign.id}`);
  } finally {
    setBusy(false);
  }
}

async function remove() {
  if (!campaign || busy) return;
  const ok = await confirmDialog({
    title: `Delete the draft “${campaign.name}”?`,
    body: [h("p", {}, "The draft and its text are deleted. Nobody has been texted.")],
    confirm: "Delete draft",
    danger: true,
    testid: "delete-confirm",
  });
  if (!ok) return;
  setBusy(true);
  try {
    await api.del(`/api/v1/campaigns/${campaign.id}`);
    flashNext(`Deleted the draft “${campaign.name}”.`);
    window.location.assign("/admin/campaigns");
  } catch (err) {
    formError(errorText(err));
  } finally {
    setBusy(false);
  }
}

// ---- start ---------------------------------------------------------------------------------------

function fillForm(c) {
  els.name.value = c ? c.name : "";
  els.template.value = c ? c.template : "";
  const [start, end] = c ? [c.window_start, c.window_end] : DEFAULT_WINDOW;
  els.windowStart.value = start;
  els.windowEnd.value = end;
  renderLists(c ? c.list_id : null);
  renderSegments(c ? c.segment_id : null, c ? c.segment_filter : "");
  if (c && !c.segment_id && c.segment_filter) els.filter.value = c.segment_filter;
  renderSenders(c && c.sender_id ? c.sender_id : defaultSenderId());
  renderCounter();
}

function wire() {
  const onEdit = (field) => () => {
    setError(field, null);
    markDirty();
    schedulePreview();
  };
  els.name.addEventListener("input", () => {
    setError("name", null);
    markDirty();
  });
  els.list.addEventListener("change", onEdit("list_id"));
  els.segment.addEventListener("change", () => {
    renderSegmentMode();
    setError("segment_filter", null);
    onEdit("segment_id")();
    if (segmentMode().mode === "typed") els.filter.focus();
  });
  els.filter.addEventListener("input", onEdit("segment_filter"));
  els.template.addEventListener("input", () => {
    renderCounter();
    onEdit("template")();
  });
  els.sender.addEventListener("change", () => {
    renderSenderPace();
    onEdit("sender_id")();
  });
  for (const input of [els.windowStart, els.windowEnd]) {
    input.addEventListener("input", () => {
      markDirty();
      const start = els.windowStart.value.trim();
      const end = els.windowEnd.value.trim();
      if (!CLOCK.test(start) || !CLOCK.test(end)) {
        setError("window_start", "Write both times as HH:MM, e.g. 09:00 and 20:00 (24:00 for midnight at the end).");
        return;
      }
      setError("window_start", null);
      schedulePreview();
    });
  }
  els.windowDefault.addEventListener("click", () => {
    [els.windowStart.value, els.windowEnd.value] = DEFAULT_WINDOW;
    els.windowStart.dispatchEvent(new Event("input"));
  });
  for (const radio of els.schedule.querySelectorAll("input[name=schedule]")) {
    radio.addEventListener("change", () => {
      setError("scheduled_at", null);
      renderSchedule();
      if (scheduleChoice() === "later") els.scheduleAt.focus();
    });
  }
  els.scheduleAt.addEventListener("input", () => setError("scheduled_at", null));
  els.save.addEventListener("click", async () => {
    if (busy) return;
    setBusy(true);
    try {
      if (await save()) refreshPreview();
    } finally {
      setBusy(false);
    }
  });
  els.launch.addEventListener("click", launch);
  els.remove.addEventListener("click", remove);
  document.getElementById("composer-form").addEventListener("submit", (event) => event.preventDefault());
}

async function start() {
  const id = boot().campaign_id;
  const optional = (promise, onFail) => promise.catch((err) => onFail(err));
  try {
    const [senderPage, listRows, segmentPage, attributePage, loaded] = await Promise.all([
      api.get("/api/v1/senders"),
      optional(api.get("/api/v1/lists", { limit: 200 }).then((p) => p.data), () => {
        listsAvailable = false;
        return [];
      }),
      optional(api.get("/api/v1/segments", { limit: 200 }), () => {
        segmentsAvailable = false;
        return { data: [] };
      }),
      optional(api.get("/api/v1/attributes"), () => ({ data: [] })),
      id ? api.get(`/api/v1/campaigns/${id}`) : Promise.resolve(null),
    ]);
    senders = senderPage.data;
    lists = listRows;
    segments = segmentPage.data || [];
    campaign = loaded;
    renderVariables(attributePage.data || []);
  } catch (err) {
    els.loading.textContent = `Could not load the composer: ${errorText(err)}`;
    return;
  }
  if (campaign && campaign.status !== "draft" && campaign.status !== "scheduled") {
    window.location.replace(`/admin/campaigns/${campaign.id}`);
    return;
  }
  els.template.placeholder = SAMPLE_TEMPLATE;
  fillForm(campaign);
  renderMode();
  wire();
  els.loading.hidden = true;
  els.fields.hidden = false;
  els.saveState.textContent = campaign ? "Saved" : "";
  els.preview.dataset.loaded = "yes";
  refreshPreview();
  if (!campaign) els.name.focus();
}

start();
