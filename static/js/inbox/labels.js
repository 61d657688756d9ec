// Words for API values: statuses, delivery states, authors, folders, names.

export const FOLDERS = [
  { key: "needs_agent", label: "Needs agent", empty: "No conversations need an agent 🎉", hint: "The bot hands conversations over here." },
  { key: "mine", label: "Mine", empty: "Nothing assigned to you right now.", hint: "Take a conversation to make it yours." },
  { key: "unassigned", label: "Unassigned", empty: "Every open conversation has an owner.", hint: "" },
  { key: "open", label: "All open", empty: "No open conversations. All quiet.", hint: "" },
  { key: "bot", label: "Bot", empty: "The bot is not talking to anyone right now.", hint: "" },
  { key: "resolved", label: "Resolved", empty: "No resolved conversations yet.", hint: "" },
];

export const FOLDER_KEYS = FOLDERS.map((f) => f.key);

export function folderInfo(key) {
  return FOLDERS.find((f) => f.key === key) || FOLDERS[0];
}

/** Whether a conversation belongs in a folder (mirrors the API's folder filter). */
export function inFolder(conv, folder, meId) {
  const active = conv.status === "pending" || conv.status === "open";
  switch (folder) {
    case "needs_agent":
      return conv.status === "pending";
    case "mine":
      return active && Boolean(conv.assignee) && conv.assignee.id === meId;
    case "unassigned":
      return active && !conv.assignee;
    case "open":
      return active;
    case "bot":
      return conv.status === "bot";
    case "resolved":
      return conv.status === "resolved";
    default:
      return false;
  }
}

const STATUS = {
  bot: ["Bot", "The bot is answering"],
  pending: ["Pending", "Handed off: waiting for an agent"],
  open: ["Open", "An agent has it; the bot is silent"],
  resolved: ["Resolved", "Closed; the next text starts a new conversation"],
};

export function statusLabel(status) {
  return (STATUS[status] || [status])[0];
}

export function statusHint(status) {
  return (STATUS[status] || [null, ""])[1];
}

/** Contact name or phone. */
export function contactName(contact) {
  if (!contact) return "Unknown";
  return (contact.name && contact.name.trim()) || contact.phone || "Unknown";
}

export function userName(user) {
  if (!user) return "";
  return user.name || user.email || `User ${user.id}`;
}

export function initials(text) {
  const words = String(text || "?").replace(/[^\p{L}\p{N}\s]/gu, " ").trim().split(/\s+/);
  const letters = words.length > 1 ? [...words[0]][0] + [...words[words.length - 1]][0] : [...(words[0] || "?")].slice(0, 2).join("");
  return (letters || "?").toUpperCase();
}

/** Who wrote a message, in words. */
export function authorLabel(msg, contact, meId) {
  switch (msg.sender) {
    case "contact":
      return contactName(contact);
    case "bot":
      return "Bot";
    case "system":
      return "System";
    case "campaign":
      return "Campaign";
    case "agent":
      if (msg.sender_user && msg.sender_user.id === meId) return `${userName(msg.sender_user)} (you)`;
      return userName(msg.sender_user) || "Agent";
    default:
      return msg.sender || "";
  }
}

const DELIVERY = {
  received: "Received",
  queued: "Queued",
  sending: "Sending",
  sent: "Sent",
  delivered: "Delivered",
  undelivered: "Undelivered",
  failed: "Failed",
  blocked: "Blocked",
};

/** Twilio's error in words (or the code when that is all we have). */
export function errorWords(msg) {
  if (msg.error_message) return msg.error_message;
  if (msg.error_code) return `error ${msg.error_code}`;
  if (msg.status === "blocked") return "the contact opted out";
  return "no reason given";
}

/** "Queued", "Sent", "Delivered", "Failed: <error in words>". */
export function deliveryLabel(msg) {
  const word = DELIVERY[msg.status] || msg.status || "";
  if (msg.status === "failed" || msg.status === "undelivered" || msg.status === "blocked") {
    return `${word}: ${errorWords(msg)}`;
  }
  return word;
}

export function isProblem(msg) {
  return msg.status === "failed" || msg.status === "undelivered" || msg.status === "blocked";
}

/** Only http(s) URLs become links; anything else is shown as text. */
export function safeUrl(url) {
  try {
    const parsed = new URL(url, window.location.origin);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}
