// Bot settings page: brand, compliance and bot texts with live previews and warnings, hand-off, business hours.
import { ApiError, errorText, get, patch, post } from "../inbox/api.js";
import { debounce, h, replace } from "../inbox/dom.js";
import { createStatus, errorsByField, sentence, smsBubble } from "./common.js";

const root = document.getElementById("settings-root");

const DAYS = [
  ["mon", "Monday"],
  ["tue", "Tuesday"],
  ["wed", "Wednesday"],
  ["thu", "Thursday"],
  ["fri", "Friday"],
  ["sat", "Saturday"],
  ["sun", "Sunday"],
];
const TEXTS = {
  help_text: {
    label: "HELP reply",
    hint: "Sent when someone texts HELP or INFO. Carriers expect your brand, where to get help, “Msg&data rates may apply” and “Reply STOP to opt out”.",
  },
  stop_text: {
    label: "STOP confirmation",
    hint: "The one text sent after someone opts out. Nothing else reaches them until they text START.",
  },
  start_text: { label: "START confirmation", hint: "Sent when someone opts back in with START." },
  fallback_text: { label: "Fallback reply", hint: "Sent when no rule matches a text." },
  handoff_ack: { label: "Hand-off acknowledgement", hint: "Sent when a conversation is handed to your team (by a rule, a request for a person, or repeated misses)." },
  after_hours_text: {
    label: "After-hours reply",
    hint: "Sent instead of the hand-off acknowledgement outside business hours. {{ next_open }} says when you open next, e.g. “Monday 9:00 AM”.",
  },
};
const MAX_RANGES = 4;
const TIMES = [];
for (let minutes = 0; minutes <= 24 * 60; minutes += 15) {
  TIMES.push(`${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`);
}
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit", timeZone: "UTC" });

/** "09:00" -> "9:00 AM" in the user's locale; "24:00" -> "midnight". */
function clockLabel(value) {
  if (value === "24:00") return "midnight";
  const [hours, minutes] = value.split(":").map(Number);
  if (!Number.isFinite(hours) || !Number.isFinite(minutes)) return value;
  return clockFormat.format(new Date(Date.UTC(2000, 0, 1, hours, minutes)));
}

function addHours(value, hours) {
  const [hh, mm] = value.split(":").map(Number);
  const total = Math.min(24 * 60, hh * 60 + mm + hours * 60);
  return `${String(Math.floor(total / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;
}

const VARIABLES = [
  ["brand", "{{ brand }}"],
  ["support contact", "{{ support }}"],
  ["first name", '{{ contact.first_name | default("there") }}'],
];

function copyHours(hours) {
  const out = {};
  for (const [day] of DAYS) out[day] = ((hours && hours[day]) || []).map((r) => [r[0], r[1]]);
  return out;
}

function sameValue(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

function timeZones(current) {
  let zones = [];
  try {
    zones = Intl.supportedValuesOf("timeZone");
  } catch {
    zones = [];
  }
  const all = new Set(["UTC", ...zones]);
  if (current) all.add(current);
  return [...all].sort();
}

/** Weekday key and "HH:MM" now in a time zone (null when the zone is unknown to the browser). */
function nowIn(zone) {
  try {
    const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(new Date());
    const get = (type) => (parts.find((p) => p.type === type) || {}).value || "";
    const label = new Intl.DateTimeFormat(undefined, { timeZone: zone, weekday: "long", hour: "numeric", minute: "2-digit" }).format(new Date());
    return { day: get("weekday").slice(0, 3).toLowerCase(), time: `${get("hour")}:${get("minute")}`, label };
  } catch {
    return null;
  }
}

function start(initial) {
  let baseline = initial;
  let values = { ...initial, business_hours: copyHours(initial.business_hours) };
  const defaults = initial.defaults || {};
  let serverErrors = [];
  let warnings = initial.warnings || [];
  let previewSeq = 0;
  let saving = false;
  const closedMemory = {}; // ranges of a day switched to closed, restored when reopened

  const controls = {};
  const errorEls = {};
  const warningEls = {};
  const previewEls = {};
  const defaultBadges = {};

  const errorEl = (key) => {
    errorEls[key] = h("p", { class: "field-error", id: `settings-error-${key}`, "data-testid": `settings-error-${key}`, hidden: true });
    return errorEls[key];
  };
  const warningEl = (key) => {
    warningEls[key] = h("ul", { class: "field-warnings", "data-testid": `settings-warning-${key}`, hidden: true });
    return warningEls[key];
  };

  // ---- simple fields -------------------------------------------------------------------------------
  controls.brand_name = h("input", { type: "text", id: "settings-brand_name", "data-testid": "settings-brand_name", maxlength: "60", "aria-describedby": "settings-brand_name-hint" });
  controls.support_contact = h("input", { type: "text", id: "settings-support_contact", "data-testid": "settings-support_contact", maxlength: "200", placeholder: "e.g. support@example.com or +1 415 555 0100", "aria-describedby": "settings-support_contact-hint" });
  controls.misses_before_handoff = h("input", { type: "number", min: "1", max: "100", step: "1", id: "settings-misses_before_handoff", class: "misses-input", "data-testid": "settings-misses_before_handoff" });
  const zone = h("select", { id: "settings-timezone", "data-testid": "settings-timezone" }, timeZones(initial.timezone).map((z) => h("option", { value: z }, z.replaceAll("_", " "))));
  controls.timezone = zone;
  const nowLine = h("p", { class: "field-hint", "data-testid": "settings-now" });
  const hoursNote = h(
    "p",
    { class: "hours-note small", "data-testid": "settings-hours-note", hidden: true },
    "No opening hours are set, so the desk counts as always open and the after-hours reply is never sent. Switch on the days you are open.",
  );

  const simpleField = (key, label, control, hint) =>
    h(
      "div",
      { class: "field", "data-field": key },
      h("label", { class: "field-label", for: control.id }, label),
      control,
      hint ? h("p", { class: "field-hint", id: `${control.id}-hint` }, hint) : null,
      errorEl(key),
      warningEl(key),
    );

  // ---- text fields ---------------------------------------------------------------------------------
  function textField(key) {
    const meta = TEXTS[key];
    const area = h("textarea", {
      id: `settings-${key}`,
      "data-testid": `settings-${key}`,
      rows: "3",
      maxlength: "1600",
      placeholder: defaults[key] || "",
      "aria-describedby": `settings-${key}-hint settings-error-${key}`,
    });
    controls[key] = area;
    defaultBadges[key] = h("span", { class: "default-badge", "data-testid": `settings-default-${key}`, hidden: true }, "Using the default");
    const reset = h("button", { type: "button", class: "link-button small", "data-testid": `settings-reset-${key}`, onClick: () => { area.value = ""; changed(); area.focus(); } }, "Use the default");
    defaultBadges[key].reset = reset;
    const vars = [...VARIABLES, ...(key === "after_hours_text" ? [["next opening", "{{ next_open }}"]] : [])];
    previewEls[key] = h("div", { class: "setting-preview", "data-testid": `settings-preview-${key}`, "aria-live": "polite" });
    return h(
      "div",
      { class: "setting-text", "data-field": key },
      h(
        "div",
        { class: "setting-edit" },
        h("div", { class: "label-row" }, h("label", { class: "field-label", for: area.id }, meta.label), defaultBadges[key], h("span", { class: "spacer" }), reset),
        area,
        h("p", { class: "field-hint", id: `settings-${key}-hint` }, meta.hint),
        h(
          "div",
          { class: "var-row" },
          h("span", { class: "muted small" }, "Insert:"),
          vars.map(([label, snippet]) =>
            h("button", { type: "button", class: "var-button", title: `Insert ${snippet}`, onClick: () => insert(area, snippet) }, label),
          ),
        ),
        errorEl(key),
        warningEl(key),
      ),
      previewEls[key],
    );
  }

  function insert(area, snippet) {
    const startAt = area.selectionStart ?? area.value.length;
    const endAt = area.selectionEnd ?? area.value.length;
    area.setRangeText(snippet, startAt, endAt, "end");
    area.focus();
    changed();
  }

  // ---- business hours ------------------------------------------------------------------------------
  const hoursGrid = h("div", { class: "hours-grid", "data-testid": "settings-hours", role: "group", "aria-label": "Business hours" });

  function timeSelect(value, { closing, testid, label }) {
    const options = TIMES.filter((t) => (closing ? t !== "00:00" : t !== "24:00"));
    if (value && !options.includes(value)) options.push(value);
    options.sort();
    return h(
      "select",
      { class: "time-select", "data-testid": testid, "aria-label": label },
      !value ? h("option", { value: "" }, "—") : null,
      options.map((t) => h("option", { value: t, selected: t === value }, clockLabel(t))),
    );
  }

  function dayRow([day, label]) {
    const ranges = values.business_hours[day];
    const open = ranges.length > 0;
    const toggle = h("input", { type: "checkbox", role: "switch", checked: open, "data-testid": `settings-open-${day}`, "aria-label": `Open on ${label}` });
    toggle.addEventListener("change", () => {
      if (toggle.checked) values.business_hours[day] = closedMemory[day] || [["09:00", "17:00"]];
      else {
        closedMemory[day] = values.business_hours[day];
        values.business_hours[day] = [];
      }
      renderHours();
      changed();
      hoursGrid.querySelector(`[data-testid="settings-open-${day}"]`)?.focus();
    });
    const rangeEls = ranges.map((range, index) => {
      const from = timeSelect(range[0], { closing: false, testid: `settings-hours-${day}-${index}-start`, label: `${label} opens at` });
      const to = timeSelect(range[1], { closing: true, testid: `settings-hours-${day}-${index}-end`, label: `${label} closes at` });
      from.addEventListener("change", () => {
        values.business_hours[day][index][0] = from.value;
        renderHours();
        changed();
      });
      to.addEventListener("change", () => {
        values.business_hours[day][index][1] = to.value;
        renderHours();
        changed();
      });
      const bad = range[0] && range[1] && range[0] >= range[1];
      return h(
        "span",
        { class: ["range", bad ? "is-invalid" : ""] },
        from,
        h("span", { class: "range-dash", "aria-hidden": "true" }, "–"),
        to,
        h(
          "button",
          {
            type: "button",
            class: "icon-button",
            "data-testid": `settings-remove-${day}-${index}`,
            "aria-label": `Remove ${range[0]}–${range[1]} on ${label}`,
            title: "Remove these hours",
            onClick: () => {
              values.business_hours[day].splice(index, 1);
              renderHours();
              changed();
            },
          },
          "×",
        ),
      );
    });
    const configured = DAYS.some(([d]) => values.business_hours[d].length);
    return h(
      "div",
      { class: ["day-row", open ? "is-open" : "is-closed"], "data-testid": `settings-day-${day}`, "data-day": day },
      h("label", { class: "day-toggle" }, h("span", { class: "switch" }, toggle, h("span", { class: "switch-track", "aria-hidden": "true" })), h("span", { class: "day-name" }, label)),
      h(
        "div",
        { class: "ranges" },
        open ? rangeEls : h("span", { class: "muted closed-label" }, configured ? "Closed" : "No hours set"),
        open && ranges.length < MAX_RANGES
          ? h(
              "button",
              {
                type: "button",
                class: "link-button small",
                "data-testid": `settings-add-${day}`,
                onClick: () => {
                  const last = ranges[ranges.length - 1];
                  const from = last && last[1] < "23:00" ? last[1] : "13:00";
                  const to = TIMES.find((t) => t > from && t >= addHours(from, 4)) || "24:00";
                  values.business_hours[day].push([from, to]);
                  renderHours();
                  changed();
                },
              },
              "+ Add hours",
            )
          : null,
      ),
    );
  }

  function renderHours() {
    replace(hoursGrid, DAYS.map(dayRow));
    const configured = DAYS.some(([d]) => values.business_hours[d].length);
    hoursNote.hidden = configured;
    renderNow();
  }

  function renderNow() {
    const now = nowIn(zone.value);
    if (!now) {
      nowLine.textContent = "";
      return;
    }
    const configured = DAYS.some(([d]) => values.business_hours[d].length);
    if (!configured) {
      nowLine.textContent = `It is ${now.label} there.`;
      return;
    }
    const ranges = values.business_hours[now.day] || [];
    const current = ranges.find((r) => r[0] <= now.time && now.time < r[1]);
    nowLine.textContent = `It is ${now.label} there: ${current ? `open until ${clockLabel(current[1])}` : "closed"}.`;
  }

  const copyWeekdays = h(
    "button",
    {
      type: "button",
      class: "button small",
      "data-testid": "settings-copy-weekdays",
      onClick: () => {
        for (const day of ["tue", "wed", "thu", "fri"]) values.business_hours[day] = values.business_hours.mon.map((r) => [r[0], r[1]]);
        renderHours();
        changed();
      },
    },
    "Copy Monday to Tuesday–Friday",
  );

  // ---- layout --------------------------------------------------------------------------------------
  const generalWarnings = h("ul", { class: "field-warnings general", "data-testid": "settings-warnings", hidden: true });
  const save = h("button", { type: "submit", class: "button primary", "data-testid": "settings-save" }, "Save settings");
  const discard = h("button", { type: "button", class: "button", "data-testid": "settings-discard", hidden: true, onClick: () => discardChanges() }, "Discard changes");
  const statusEl = h("span", { class: "save-state", "data-testid": "settings-status", role: "status", "aria-live": "polite" });
  const saveError = h("p", { class: "form-error", role: "alert", "data-testid": "settings-save-error", hidden: true });
  const saveStatus = createStatus(statusEl);

  const form = h(
    "form",
    { class: "settings-form", "data-testid": "settings-form", novalidate: true, autocomplete: "off" },
    generalWarnings,
    h(
      "section",
      { class: "card settings-section" },
      h("h2", {}, "Your business"),
      h(
        "div",
        { class: "field-row" },
        simpleField("brand_name", "Brand name", controls.brand_name, "Named in the HELP and STOP texts ({{ brand }})."),
        simpleField("support_contact", "Support contact", controls.support_contact, "Where customers get help ({{ support }}): a phone number, email or web address."),
      ),
    ),
    h(
      "section",
      { class: "card settings-section" },
      h("h2", {}, "Compliance texts"),
      h("p", { class: "muted small section-intro" }, "Sent automatically, before any rule, whenever a customer texts HELP, STOP or START. Carriers check them."),
      textField("help_text"),
      textField("stop_text"),
      textField("start_text"),
    ),
    h(
      "section",
      { class: "card settings-section" },
      h("h2", {}, "When the bot cannot help"),
      textField("fallback_text"),
      simpleField("misses_before_handoff", "Misses before hand-off", controls.misses_before_handoff, "After this many texts in a row that no rule answers, the conversation goes to your team."),
      textField("handoff_ack"),
    ),
    h(
      "section",
      { class: "card settings-section" },
      h("h2", {}, "Business hours"),
      h(
        "div",
        { class: "field", "data-field": "timezone" },
        h("label", { class: "field-label", for: zone.id }, "Time zone"),
        zone,
        nowLine,
        errorEl("timezone"),
        warningEl("timezone"),
      ),
      h("div", { class: "hours-head" }, h("span", { class: "field-label" }, "Opening hours"), copyWeekdays),
      hoursNote,
      hoursGrid,
      errorEl("business_hours"),
      warningEl("business_hours"),
      textField("after_hours_text"),
    ),
    saveError,
    h("div", { class: "save-bar" }, save, discard, statusEl),
  );
  replace(root, form);

  // ---- state -----------------------------------------------------------------------------------------
  function fill(data) {
    for (const key of ["brand_name", "support_contact", ...Object.keys(TEXTS)]) controls[key].value = data[key] || "";
    controls.misses_before_handoff.value = String(data.misses_before_handoff ?? "");
    if (data.timezone && ![...zone.options].some((o) => o.value === data.timezone)) zone.append(h("option", { value: data.timezone }, data.timezone));
    zone.value = data.timezone || "UTC";
    values.business_hours = copyHours(data.business_hours);
    renderHours();
  }

  function read() {
    const out = {};
    for (const key of ["brand_name", "support_contact", ...Object.keys(TEXTS)]) out[key] = controls[key].value;
    const misses = controls.misses_before_handoff.value.trim();
    out.misses_before_handoff = misses === "" ? null : Number(misses);
    out.timezone = zone.value;
    out.business_hours = copyHours(values.business_hours);
    return out;
  }

  function localErrors(current) {
    const errors = [];
    if (current.misses_before_handoff === null || !Number.isInteger(current.misses_before_handoff)) {
      errors.push({ field: "misses_before_handoff", message: "Enter a whole number, 1 or more." });
    }
    for (const [day, label] of DAYS) {
      for (const [from, to] of current.business_hours[day]) {
        if (!from || !to) errors.push({ field: "business_hours", message: `${label}: enter both an opening and a closing time.` });
        else if (from >= to) errors.push({ field: "business_hours", message: `${label}: ${from}–${to} closes before it opens.` });
      }
    }
    return errors;
  }

  function changes() {
    const current = read();
    const out = {};
    for (const [key, value] of Object.entries(current)) {
      const before = key === "business_hours" ? copyHours(baseline.business_hours) : baseline[key] ?? (key === "misses_before_handoff" ? null : "");
      if (!sameValue(value, before)) out[key] = value;
    }
    return out;
  }

  function render() {
    const current = read();
    const errors = [...localErrors(current), ...serverErrors];
    const grouped = errorsByField(errors);
    for (const [key, node] of Object.entries(errorEls)) {
      const messages = grouped.get(key) || [];
      replace(node, messages.map((m, i) => [i ? h("br") : null, sentence(m)]));
      node.hidden = !messages.length;
      const control = controls[key];
      if (control) control.setAttribute("aria-invalid", String(messages.length > 0));
    }
    const warned = errorsByField(warnings);
    const unplaced = [];
    for (const [key, messages] of warned) {
      if (warningEls[key]) continue;
      unplaced.push(...messages);
    }
    for (const [key, node] of Object.entries(warningEls)) {
      const messages = warned.get(key) || [];
      replace(node, messages.map((m) => h("li", { class: "warning" }, sentence(m))));
      node.hidden = !messages.length;
    }
    replace(generalWarnings, unplaced.map((m) => h("li", { class: "warning" }, sentence(m))));
    generalWarnings.hidden = !unplaced.length;
    for (const key of Object.keys(TEXTS)) {
      const value = controls[key].value.trim();
      const isDefault = Boolean(defaults[key]) && value === defaults[key].trim();
      defaultBadges[key].textContent = value ? "Same as the default" : "Using the default";
      defaultBadges[key].hidden = Boolean(value) && !isDefault;
      defaultBadges[key].reset.hidden = !value || isDefault || !defaults[key];
    }
    const pending = Object.keys(changes()).length > 0;
    save.disabled = saving || errors.length > 0 || !pending;
    discard.hidden = !pending || saving;
    form.dataset.dirty = pending ? "yes" : "no";
    if (errors.length) saveStatus.show("Fix the errors above to save.", { kind: "error", sticky: true });
    else if (pending) saveStatus.show("Unsaved changes", { kind: "pending", sticky: true });
    else if (statusEl.dataset.kind !== "success") saveStatus.show("No unsaved changes.", { kind: "idle", sticky: true });
    renderNow();
  }

  function renderPreviews(texts) {
    for (const key of Object.keys(TEXTS)) {
      const info = texts && texts[key];
      replace(previewEls[key], info ? smsBubble(info, { label: controls[key].value.trim() ? "Preview" : "Preview (default)", testid: `settings-preview-${key}-sms` }) : h("p", { class: "muted small" }, "No preview."));
    }
  }

  async function preview() {
    const mine = ++previewSeq;
    const current = read();
    const body = { ...current };
    if (!Number.isInteger(body.misses_before_handoff)) delete body.misses_before_handoff;
    try {
      const result = await post("/api/v1/settings/preview", body);
      if (mine !== previewSeq) return;
      serverErrors = result.errors || [];
      saveError.hidden = true;
      warnings = result.warnings || [];
      renderPreviews(result.texts || {});
    } catch (err) {
      if (mine !== previewSeq) return;
      if (err instanceof ApiError && err.status === 422 && err.fields.length) {
        serverErrors = err.fields;
      } else {
        saveError.textContent = `Could not preview: ${errorText(err)}`;
        saveError.hidden = false;
      }
    }
    render();
  }
  const previewSoon = debounce(preview, 300);

  function changed() {
    if (statusEl.dataset.kind === "success") statusEl.dataset.kind = "idle";
    render();
    previewSoon();
  }

  function discardChanges() {
    fill(baseline);
    changed();
  }

  async function submit() {
    const pending = changes();
    if (saving || !Object.keys(pending).length) return;
    if (localErrors(read()).length) {
      render();
      return;
    }
    saving = true;
    save.textContent = "Saving…";
    saveError.hidden = true;
    render();
    try {
      const saved = await patch("/api/v1/settings", pending);
      baseline = saved;
      warnings = saved.warnings || [];
      serverErrors = [];
      fill(saved);
      saving = false;
      save.textContent = "Save settings";
      render();
      saveStatus.show("Saved", { kind: "success", sticky: true });
      preview();
    } catch (err) {
      saving = false;
      save.textContent = "Save settings";
      if (err instanceof ApiError && err.status === 422 && err.fields.length) {
        serverErrors = err.fields;
      } else {
        saveError.textContent = `Could not save: ${errorText(err)}`;
        saveError.hidden = false;
      }
      render();
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    }
  });
  for (const control of Object.values(controls)) {
    control.addEventListener("input", changed);
    if (control.tagName === "SELECT") control.addEventListener("change", changed);
  }
  window.addEventListener("beforeunload", (event) => {
    if (Object.keys(changes()).length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  fill(initial);
  render();
  preview();
  root.dataset.loaded = "yes";
}

(async () => {
  try {
    start(await get("/api/v1/settings"));
  } catch (err) {
    replace(root, h("p", { class: "form-error", role: "alert", "data-testid": "settings-load-error" }, `Could not load the settings: ${errorText(err)}`));
  }
})();
