// The list editor: name, description, expected frequency, double opt-in, the public sign-up form and its
// address, the welcome text; create, save and delete (with an inline confirmation).
import { h, replace } from "../../inbox/dom.js";
import { api, confirmPanel, fieldErrors, plural, saveErrors, switchControl } from "./shared.js";

const FIELDS = ["name", "description", "frequency", "double_opt_in", "signup_enabled", "slug", "welcome_text"];

/** "Spring Sale — VIP!" -> "spring-sale-vip" (a suggestion for the sign-up address). */
export function slugify(text) {
  return String(text || "")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
}

/** The path of a list's public sign-up form, shown as text and linked when the list is saved. */
export function joinPath(slug) {
  return `/join/${slug}`;
}

/**
 * createListForm({ fixed, onSaved(list, {created}), onDeleted(list), onClosed() })
 * fixed: the form always shows one list (the list's own page): no Close, no "new".
 */
export function createListForm({ fixed = false, onSaved, onDeleted, onClosed } = {}) {
  let current = null; // the saved list being edited, or null for a new one
  let baseline = null;
  let saving = false;
  let slugTouched = false;

  const errors = fieldErrors("list-form");
  const name = h("input", { type: "text", id: "list-form-name", "data-testid": "list-form-name", maxlength: "80", required: true, autocomplete: "off" });
  const description = h("textarea", { id: "list-form-description", "data-testid": "list-form-description", rows: "2", maxlength: "500" });
  const frequency = h("input", {
    type: "text",
    id: "list-form-frequency",
    "data-testid": "list-form-frequency",
    maxlength: "80",
    placeholder: "up to 4 msgs/month",
    "aria-describedby": "list-form-frequency-hint",
  });
  const doubleOptIn = switchControl({ id: "list-form-double", testid: "list-form-double", label: "Double opt-in" });
  const signup = switchControl({ id: "list-form-signup", testid: "list-form-signup", label: "Public sign-up form" });
  const slug = h("input", {
    type: "text",
    id: "list-form-slug",
    "data-testid": "list-form-slug",
    maxlength: "60",
    spellcheck: "false",
    autocomplete: "off",
    "aria-label": "Sign-up form address",
    "aria-describedby": "list-form-slug-hint",
  });
  const link = h("p", { class: "join-link", "data-testid": "list-form-link" });
  const welcome = h("textarea", { id: "list-form-welcome", "data-testid": "list-form-welcome", rows: "3", maxlength: "1600", "aria-describedby": "list-form-welcome-hint" });

  const title = h("h2", { class: "editor-title", "data-testid": "list-editor-title" });
  const subtitle = h("p", { class: "editor-subtitle muted small", "data-testid": "list-editor-subtitle" });
  const closeButton = fixed ? null : h("button", { type: "button", class: "link-button small", "data-testid": "list-form-close", onClick: () => close() }, "Close");
  const save = h("button", { type: "submit", class: "button primary", "data-testid": "list-form-save" }, "Create list");
  const revert = h("button", { type: "button", class: "button", "data-testid": "list-form-revert", hidden: true, onClick: () => fill(baseline) }, "Discard changes");
  const remove = h("button", { type: "button", class: "button danger", "data-testid": "list-form-delete", onClick: () => askDelete() }, "Delete…");
  const saveState = h("span", { class: "save-state", "data-testid": "list-form-state", "aria-live": "polite" });
  const deletion = confirmPanel({ testid: "list-delete", confirmText: "Delete list", onConfirm: () => doDelete() });

  const slugRow = h(
    "div",
    { class: "slug-block", "data-testid": "list-form-slug-block" },
    h("div", { class: "slug-row" }, h("span", { class: "slug-prefix", "aria-hidden": "true" }, "/join/"), slug),
    h("p", { class: "field-hint", id: "list-form-slug-hint" }, "Lower-case letters, digits and hyphens. People open this page, enter their number and tick the consent box."),
    errors.slot("slug", slug),
    link,
  );

  const field = (key, labelText, control, hint = null) =>
    h(
      "div",
      { class: "field", "data-field": key },
      h("label", { class: "field-label", for: control.id }, labelText),
      control,
      hint ? h("p", { class: "field-hint", id: `${control.id}-hint` }, hint) : null,
      errors.slot(key, control),
    );

  const form = h(
    "form",
    { class: "list-form", "data-testid": "list-form", novalidate: true, autocomplete: "off" },
    field("name", "Name", name),
    field("description", "Description", description, "For your team: what the list is for. Customers see it on the sign-up form."),
    field(
      "frequency",
      "Expected frequency",
      frequency,
      "Said in the confirmation text when someone joins, e.g. “up to 4 msgs/month”. Carriers expect it.",
    ),
    h(
      "div",
      { class: "field", "data-field": "double_opt_in" },
      doubleOptIn,
      h("p", { class: "field-hint" }, "New members first get a text asking them to reply YES; until they do they are pending and get no campaigns."),
      errors.slot("double_opt_in", doubleOptIn.input),
    ),
    h(
      "div",
      { class: "field", "data-field": "signup_enabled" },
      signup,
      errors.slot("signup_enabled", signup.input),
      slugRow,
    ),
    field("welcome_text", "Welcome text", welcome, [
      "Sent once a membership is confirmed. It may use ",
      h("code", {}, "{{ contact.first_name }}"),
      " and ",
      h("code", {}, "{{ brand }}"),
      ". Leave it empty to send none.",
    ]),
    errors.slot("_"),
    h("div", { class: "form-actions" }, save, revert, saveState, h("span", { class: "spacer" }), remove),
    deletion.el,
  );

  const emptyState = h(
    "div",
    { class: "editor-empty", "data-testid": "list-editor-empty", hidden: fixed },
    h("p", { class: "empty-title" }, "Pick a list to edit it"),
    h("p", { class: "muted" }, "Or start one with “New list”. Open a list’s name to see its members."),
  );
  const editor = h("div", { class: "editor", hidden: true }, h("div", { class: "editor-head" }, h("div", { class: "editor-heading" }, title, subtitle), closeButton), form);
  const el = h("div", { class: "list-form-wrap" }, emptyState, editor);

  // ---- state -------------------------------------------------------------------------------------

  function read() {
    return {
      name: name.value.trim(),
      description: description.value.trim(),
      frequency: frequency.value.trim(),
      double_opt_in: doubleOptIn.input.checked,
      signup_enabled: signup.input.checked,
      // The address is only edited while the form is on; off, the saved one stays as it is.
      slug: signup.input.checked ? slug.value.trim().toLowerCase() : (baseline && baseline.slug) || "",
      welcome_text: welcome.value.trim(),
    };
  }

  function blank() {
    return { name: "", description: "", frequency: "", double_opt_in: false, signup_enabled: false, slug: "", welcome_text: "" };
  }

  function asValues(list) {
    const out = blank();
    for (const key of FIELDS) {
      if (list && list[key] !== undefined && list[key] !== null) out[key] = list[key];
    }
    return out;
  }

  function fill(values) {
    name.value = values.name;
    description.value = values.description;
    frequency.value = values.frequency;
    doubleOptIn.input.checked = Boolean(values.double_opt_in);
    signup.input.checked = Boolean(values.signup_enabled);
    slug.value = values.slug || "";
    welcome.value = values.welcome_text;
    slugTouched = Boolean(values.slug);
    errors.clear();
    render();
  }

  function changes() {
    const now = read();
    const out = {};
    for (const key of FIELDS) {
      if (now[key] !== (baseline ? baseline[key] : blank()[key])) out[key] = now[key];
    }
    return out;
  }

  function localErrors(values) {
    const found = [];
    if (!values.name) found.push({ field: "name", message: "Give the list a name." });
    if (!values.signup_enabled) return found;
    if (!values.slug) found.push({ field: "slug", message: "The sign-up form needs an address." });
    else if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(values.slug)) {
      found.push({ field: "slug", message: "Use lower-case letters, digits and single hyphens only." });
    }
    return found;
  }

  function render() {
    const values = read();
    slugRow.hidden = !values.signup_enabled;
    if (values.signup_enabled && values.slug) {
      const savedHere = current && current.signup_url && current.slug === values.slug && current.signup_enabled;
      replace(
        link,
        h("span", { class: "muted" }, savedHere ? "Public link: " : "Public link once saved: "),
        savedHere
          ? h("a", { href: current.signup_url, target: "_blank", rel: "noopener", "data-testid": "list-form-link-url" }, current.signup_url)
          : h("code", { "data-testid": "list-form-link-url" }, joinPath(values.slug)),
      );
      link.hidden = false;
    } else {
      link.hidden = true;
    }
    const pending = Object.keys(changes()).length > 0;
    save.disabled = saving || !pending || !values.name;
    revert.hidden = !current || !pending || saving;
    form.dataset.dirty = pending ? "yes" : "no";
    if (saving) saveState.textContent = "Saving…";
    else if (pending && !values.name) saveState.textContent = "A list needs a name.";
    else if (pending) saveState.textContent = current ? "Unsaved changes" : "";
    else if (saveState.dataset.kind !== "saved") saveState.textContent = "";
  }

  function changed() {
    saveState.dataset.kind = "";
    errors.clear();
    render();
  }

  function heading() {
    if (current) {
      title.textContent = fixed ? "Settings" : current.name;
      const total = (current.counts?.subscribed || 0) + (current.counts?.pending || 0);
      subtitle.textContent = fixed ? "How people join this list and what they are told." : `${plural(total, "member")} (subscribed or pending)`;
    } else {
      title.textContent = "New list";
      subtitle.textContent = "People can join once it exists: by keyword rule, sign-up form, import or by you.";
    }
  }

  // ---- actions -----------------------------------------------------------------------------------

  function show(list) {
    current = list;
    baseline = list ? asValues(list) : blank();
    emptyState.hidden = true;
    editor.hidden = false;
    remove.hidden = !list;
    save.textContent = list ? "Save changes" : "Create list";
    deletion.el.hidden = true;
    saveState.textContent = "";
    saveState.dataset.kind = "";
    heading();
    fill(baseline);
  }

  function create() {
    if (!confirmDiscard()) return false;
    show(null);
    name.focus();
    return true;
  }

  function edit(list) {
    if (current && list && current.id === list.id && Object.keys(changes()).length) return true;
    if (!confirmDiscard()) return false;
    show(list);
    return true;
  }

  /** Take fresh data of the shown list (counts changed elsewhere) without touching unsaved edits. */
  function refresh(list) {
    if (!current || !list || list.id !== current.id) return;
    const pending = Object.keys(changes()).length > 0;
    current = list;
    baseline = asValues(list);
    if (!pending) fill(baseline);
    heading();
    render();
  }

  function close() {
    if (fixed || !confirmDiscard()) return;
    current = null;
    baseline = null;
    editor.hidden = true;
    emptyState.hidden = false;
    if (onClosed) onClosed();
  }

  function confirmDiscard() {
    if (editor.hidden || !Object.keys(changes()).length) return true;
    return window.confirm(current ? `Discard your changes to “${current.name}”?` : "Discard this new list?");
  }

  async function submit() {
    const values = read();
    const problems = localErrors(values);
    if (problems.length) {
      errors.show(problems);
      return;
    }
    const body = current ? changes() : { ...values };
    if (!Object.keys(body).length || saving) return;
    // An empty address means "none": omit it on create, clear it (null) on edit.
    if ("slug" in body && !body.slug) {
      if (current) body.slug = null;
      else delete body.slug;
    }
    saving = true;
    errors.clear();
    render();
    try {
      const saved = current ? await api.patch(`/api/v1/lists/${current.id}`, body) : await api.post("/api/v1/lists", body);
      const created = !current;
      saving = false;
      show(saved);
      saveState.dataset.kind = "saved";
      saveState.textContent = created ? "Created." : "Saved.";
      if (onSaved) onSaved(saved, { created });
    } catch (err) {
      saving = false;
      const found = saveErrors(err, ["slug", "address", "name"], "name").map((e) => {
        const key = String(e.field).split(/[.[]/)[0];
        if (key === "address") return { ...e, field: "slug" }; // "that address is taken"
        return errors.has(key) ? e : { field: "_", message: `${e.field}: ${e.message}` };
      });
      errors.show(found);
      render();
    }
  }

  function askDelete() {
    if (!current) return;
    const counts = current.counts || {};
    const total = (counts.subscribed || 0) + (counts.pending || 0) + (counts.unsubscribed || 0);
    deletion.open(
      h("strong", {}, `Delete “${current.name}”?`),
      " ",
      total
        ? `Its ${plural(total, "membership record")} (who joined, when and how) go with it. `
        : "It has no members. ",
      "Keyword rules that subscribe people to it are switched off. The contacts themselves stay, and anyone who texted STOP stays opted out.",
    );
  }

  async function doDelete() {
    const gone = current;
    await api.del(`/api/v1/lists/${gone.id}`);
    current = null;
    baseline = null;
    editor.hidden = true; // also keeps beforeunload quiet while the list's own page leaves
    emptyState.hidden = fixed;
    if (onDeleted) onDeleted(gone);
  }

  // ---- wiring ------------------------------------------------------------------------------------

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
  name.addEventListener("input", () => {
    // Suggest the sign-up address from the name until the admin types one of their own.
    if (signup.input.checked && !slugTouched && !current?.slug) slug.value = slugify(name.value);
    changed();
  });
  slug.addEventListener("input", () => {
    slugTouched = slug.value.trim() !== "";
    changed();
  });
  signup.input.addEventListener("change", () => {
    if (signup.input.checked && !slug.value.trim()) slug.value = slugify(name.value);
    changed();
    if (signup.input.checked) slug.focus();
  });
  for (const control of [description, frequency, welcome, doubleOptIn.input]) {
    control.addEventListener(control.type === "checkbox" ? "change" : "input", changed);
  }
  window.addEventListener("beforeunload", (event) => {
    if (!editor.hidden && Object.keys(changes()).length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  return { el, create, edit, refresh, close, confirmDiscard, currentId: () => (current ? current.id : null), isOpen: () => !editor.hidden };
}
