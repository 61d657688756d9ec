// Thread items as DOM: message bubbles, private notes, conversation and day dividers.
import { h } from "./dom.js";
import { authorLabel, deliveryLabel, isProblem, safeUrl, statusLabel } from "./labels.js";
import { dayLabel, long, stamp } from "./time.js";

function media(list) {
  if (!list || !list.length) return null;
  return h(
    "ul",
    { class: "msg-media" },
    list.map((item, index) => {
      const label = `Attachment ${index + 1}${item.content_type ? ` (${item.content_type})` : ""}`;
      const url = safeUrl(item.url);
      return h(
        "li",
        {},
        url ? h("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, label) : h("span", {}, `${label}: ${item.url}`),
      );
    }),
  );
}

/** Which campaign sent a text, or which one a customer's text answers (for admins, a link to its page). */
function campaignMark(msg, isAdmin) {
  // An outbound text's author already reads "Campaign": its mark only names which one.
  const words = msg.direction === "outbound" ? `“${msg.campaign.name}”` : `Reply to campaign “${msg.campaign.name}”`;
  const attrs = { class: "msg-campaign", "data-testid": "message-campaign" };
  if (isAdmin) return h("a", { ...attrs, href: `/admin/campaigns/${Number(msg.campaign.id)}` }, words);
  return h("span", attrs, words);
}

/** One message: inbound on the left, outbound on the right; bot/system/agents styled apart. */
export function messageNode(msg, { contact, meId, isAdmin }) {
  const outbound = msg.direction === "outbound";
  const author = authorLabel(msg, contact, meId);
  const meta = [
    h("span", { class: "msg-author", "data-testid": "message-author" }, author),
    h("time", { class: "msg-time", datetime: msg.created_at || "", title: long(msg.created_at) }, stamp(msg.created_at)),
  ];
  if (outbound) {
    meta.push(
      h(
        "span",
        {
          class: ["msg-status", `delivery-${msg.status}`, isProblem(msg) ? "is-problem" : ""],
          "data-testid": "message-status",
          title: msg.error_code ? `Error ${msg.error_code}` : "",
        },
        deliveryLabel(msg),
      ),
    );
    if (msg.segments > 1) meta.push(h("span", { class: "msg-segments" }, `${msg.segments} segments · ${msg.encoding}`));
  }
  if (msg.purpose && msg.purpose !== "reply" && msg.sender === "system") {
    meta.push(h("span", { class: "msg-purpose" }, msg.purpose.replace(/_/g, " ")));
  }
  if (msg.campaign) meta.push(campaignMark(msg, isAdmin));
  return h(
    "article",
    {
      class: ["msg", outbound ? "msg-out" : "msg-in", `sender-${msg.sender}`, isProblem(msg) ? "msg-problem" : ""],
      "data-testid": "message",
      "data-id": msg.id,
      "data-direction": msg.direction,
      "data-sender": msg.sender,
      "data-status": msg.status,
      "data-key": `message:${msg.id}`,
    },
    h(
      "div",
      { class: "bubble" },
      msg.body ? h("p", { class: "msg-body", "data-testid": "message-body" }, msg.body) : h("p", { class: "msg-body is-empty", "data-testid": "message-body" }, ""),
      media(msg.media),
    ),
    h("div", { class: "msg-meta" }, meta),
  );
}

/** A private note: yellow, full width, never sent. */
export function noteNode(note, { meId }) {
  const author = note.author ? (note.author.id === meId ? "You" : note.author.name || note.author.email) : "Someone";
  return h(
    "article",
    { class: "note", "data-testid": "note", "data-id": note.id, "data-key": `note:${note.id}` },
    h(
      "div",
      { class: "note-head" },
      h("span", { class: "note-label" }, "Private note"),
      h("span", { class: "note-author" }, author),
      h("time", { datetime: note.created_at || "", title: long(note.created_at) }, stamp(note.created_at)),
    ),
    h("p", { class: "note-body", "data-testid": "note-body" }, note.body),
  );
}

/** Where one conversation of the contact begins. */
export function conversationDivider(conversationId, { current, info, onOpen }) {
  const parts = [h("span", { class: "divider-label" }, current ? "This conversation" : `Conversation #${conversationId}`)];
  if (info && info.created_at) parts.push(h("span", {}, `started ${long(info.created_at)}`));
  if (info && info.status) parts.push(h("span", { class: `chip chip-${info.status}` }, statusLabel(info.status)));
  if (!current) {
    parts.push(h("button", { type: "button", class: "link-button", onclick: () => onOpen(conversationId) }, "View"));
  }
  return h(
    "div",
    { class: ["divider", "divider-conversation", current ? "is-current" : ""], role: "separator", "data-conversation": conversationId },
    parts,
  );
}

export function dayDivider(iso) {
  return h("div", { class: "divider divider-day", role: "separator" }, h("span", {}, dayLabel(iso)));
}
