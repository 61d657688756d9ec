// Right pane: the contact: phone, editable name, opted-out state with consent history, lists, tags and
// attributes, other conversations.
import { errorText, get, patch } from "./api.js";
import { h, replace } from "./dom.js";
import { initials, statusLabel } from "./labels.js";
import { long, relative } from "./time.js";

const ADDRESS_KINDS = { short_code: "Short code", alphanumeric: "Sender name (cannot receive replies)" };
const CONSENT_WORDS = { opt_out: "Opted out", opt_in: "Opted in" };
const MEMBER_WORDS = { subscribed: "Subscribed", pending: "Waiting for YES", unsubscribed: "Left" };

function attributeText(value) {
  if (value === true) return "yes";
  if (value === false) return "no";
  return String(value);
}

/** onOpen(conversationId) for the other-conversation links; onContact(contact) after a rename. */
export function createContactPanel({ onOpen, onContact, onClose = () => {} }) {
  let contact = null;
  let currentConversationId = null;
  let editing = false;
  let token = 0;

  const content = h("div", { class: "contact-content" });
  const el = h(
    "aside",
    { class: "contact-pane", "data-testid": "contact-panel", "aria-label": "Contact", hidden: true },
    h(
      "div",
      { class: "contact-head" },
      h("h2", { class: "pane-title" }, "Contact"),
      h("button", { type: "button", class: "link-button contact-close", onclick: () => onClose() }, "Close"),
    ),
    content,
  );

  function nameBlock() {
    if (editing) {
      const input = h("input", {
        type: "text",
        class: "name-input",
        "data-testid": "contact-name-input",
        value: contact.name || "",
        maxlength: "120",
        placeholder: "Name",
        "aria-label": "Contact name",
      });
      const error = h("p", { class: "form-error", role: "alert", hidden: true });
      const save = async () => {
        const name = input.value.trim() || null;
        input.disabled = true;
        try {
          const updated = await patch(`/api/v1/contacts/${contact.id}`, { name });
          editing = false;
          apply(updated);
          onContact(updated);
        } catch (err) {
          input.disabled = false;
          error.textContent = errorText(err);
          error.hidden = false;
          input.focus();
        }
      };
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          save();
        } else if (event.key === "Escape") {
          event.preventDefault();
          event.stopPropagation();
          editing = false;
          render();
        }
      });
      setTimeout(() => {
        input.focus();
        input.select();
      });
      return h(
        "div",
        { class: "name-edit" },
        input,
        h("div", { class: "name-edit-actions" },
          h("button", { type: "button", class: "button small primary", onclick: save }, "Save"),
          h("button", { type: "button", class: "button small", onclick: () => { editing = false; render(); } }, "Cancel"),
          h("span", { class: "muted" }, "Enter saves · Esc cancels"),
        ),
        error,
      );
    }
    return h(
      "div",
      { class: "name-row" },
      h("span", { class: ["contact-name", contact.name ? "" : "is-empty"], "data-testid": "contact-name" }, contact.name || "No name"),
      h(
        "button",
        {
          type: "button",
          class: "link-button",
          "data-testid": "contact-name-edit",
          onclick: () => {
            editing = true;
            render();
          },
        },
        contact.name ? "Edit" : "Add name",
      ),
    );
  }

  function consentBlock() {
    const events = contact.consent || [];
    return h(
      "section",
      { class: "contact-section" },
      h("h3", {}, "Consent"),
      h(
        "p",
        { class: ["consent-state", contact.opted_out ? "is-out" : "is-in"], "data-testid": "contact-opted-out" },
        // Not "subscribed": that word belongs to lists now; this says whether anything may be texted at all.
        contact.opted_out ? "Opted out" : "Can receive texts",
      ),
      contact.opted_out && contact.opted_out_at ? h("p", { class: "muted small" }, `since ${long(contact.opted_out_at)}`) : null,
      events.length
        ? h(
            "ol",
            { class: "consent-list" },
            [...events].reverse().map((e) =>
              h(
                "li",
                { class: `consent-item consent-${e.action}`, "data-testid": "consent-item" },
                h("span", { class: "consent-action" }, CONSENT_WORDS[e.action] || e.action),
                e.source ? h("span", { class: "muted" }, ` via ${e.source.replace(/_/g, " ")}`) : null,
                h("time", { class: "muted small", datetime: e.at || "", title: long(e.at) }, ` · ${relative(e.at)}`),
                e.note ? h("p", { class: "consent-note small" }, e.note) : null,
              ),
            ),
          )
        : h("p", { class: "muted small" }, "No consent changes recorded."),
    );
  }

  /** The lists they belong to (with the membership's state), their tags and custom attributes. */
  function marketingBlock() {
    const lists = contact.lists || [];
    const tags = contact.tags || [];
    const attributes = Object.entries(contact.attributes || {});
    if (!lists.length && !tags.length && !attributes.length) return null;
    return h(
      "section",
      { class: "contact-section", "data-testid": "contact-marketing" },
      h("h3", {}, "Lists and tags"),
      lists.length
        ? h(
            "ul",
            { class: "contact-lists" },
            lists.map((l) =>
              h(
                "li",
                { "data-testid": "contact-list", "data-status": l.status },
                h("span", { class: "contact-list-name" }, l.name),
                h("span", { class: ["chip", `member-${l.status}`] }, MEMBER_WORDS[l.status] || l.status),
              ),
            ),
          )
        : null,
      tags.length ? h("p", { class: "contact-tags" }, tags.map((t) => h("span", { class: "chip", "data-testid": "contact-tag" }, t))) : null,
      attributes.length
        ? h("dl", { class: "facts contact-attributes" }, attributes.map(([key, value]) => [h("dt", {}, key), h("dd", {}, attributeText(value))]))
        : null,
    );
  }

  function conversationsBlock() {
    const list = contact.conversations || (contact.conversation_ids || []).map((id) => ({ id }));
    const sorted = [...list].sort((a, b) => b.id - a.id);
    return h(
      "section",
      { class: "contact-section" },
      h("h3", {}, "Conversations"),
      h(
        "ul",
        { class: "contact-conversations" },
        sorted.map((c) =>
          h(
            "li",
            {},
            h(
              "a",
              {
                href: `/conversations/${c.id}`,
                class: ["contact-conversation", c.id === currentConversationId ? "is-current" : ""],
                "data-testid": "contact-conversation",
                "data-id": c.id,
                "aria-current": c.id === currentConversationId ? "true" : null,
                onclick: (event) => {
                  if (event.metaKey || event.ctrlKey || event.shiftKey) return;
                  event.preventDefault();
                  onOpen(c.id);
                },
              },
              h("span", {}, `#${c.id}`),
              c.status ? h("span", { class: `chip chip-${c.status}` }, statusLabel(c.status)) : null,
              h("span", { class: "muted small" }, c.last_message_at ? relative(c.last_message_at) : c.created_at ? relative(c.created_at) : ""),
              c.id === currentConversationId ? h("span", { class: "muted small" }, "· viewing") : null,
            ),
          ),
        ),
      ),
    );
  }

  function render() {
    if (!contact) return;
    replace(
      content,
      h("div", { class: "contact-avatar", "aria-hidden": "true" }, contact.name ? initials(contact.name) : "#"),
      nameBlock(),
      h("p", { class: "contact-phone", "data-testid": "contact-phone" }, contact.phone),
      h(
        "dl",
        { class: "facts" },
        contact.created_at ? [h("dt", {}, "First contact"), h("dd", {}, long(contact.created_at))] : null,
        contact.last_inbound_at ? [h("dt", {}, "Last text from them"), h("dd", {}, long(contact.last_inbound_at))] : null,
        ADDRESS_KINDS[contact.address_kind] ? [h("dt", {}, "Address"), h("dd", {}, ADDRESS_KINDS[contact.address_kind])] : null,
      ),
      consentBlock(),
      marketingBlock(),
      conversationsBlock(),
    );
  }

  function apply(updated) {
    if (!contact || updated.id !== contact.id) return;
    contact = { ...contact, ...updated };
    if (!editing) render();
  }

  /** Load and show a contact; resolves with the full contact resource (or null). */
  async function show(contactId, conversationId) {
    const mine = ++token;
    currentConversationId = conversationId;
    el.hidden = false;
    if (!contact || contact.id !== contactId) {
      editing = false;
      contact = null;
      replace(content, h("p", { class: "muted" }, "Loading…"));
    }
    try {
      const loaded = await get(`/api/v1/contacts/${contactId}`);
      if (mine !== token) return null;
      contact = loaded;
      render();
      return loaded;
    } catch (error) {
      if (mine === token) replace(content, h("p", { class: "form-error" }, `Could not load the contact: ${errorText(error)}`));
      return null;
    }
  }

  function clear() {
    token++;
    contact = null;
    editing = false;
    el.hidden = true;
    replace(content);
  }

  return {
    el,
    show,
    clear,
    apply,
    reload: () => contact && show(contact.id, currentConversationId),
    contactId: () => (contact ? contact.id : null),
  };
}
