// Phone simulator page: text the business as a customer and watch the bot's and agents' replies arrive.
import { boot, errorText, get, post } from "../inbox/api.js";
import { h, replace } from "../inbox/dom.js";
import { deliveryLabel, isProblem, safeUrl } from "../inbox/labels.js";
import { analyze, counterText } from "../inbox/segments.js";
import { connectSocket } from "../inbox/socket.js";
import { stamp } from "../inbox/time.js";

const root = document.getElementById("simulator");
const businessNumber = root.dataset.businessNumber || "";
const AREA_CODES = ["206", "212", "303", "312", "415", "512", "617", "702", "808", "919"];

/** A fictional US number: +1 NPA 555-01xx (reserved for fiction, never a real phone). */
function randomNumber() {
  const area = AREA_CODES[Math.floor(Math.random() * AREA_CODES.length)];
  const line = String(Math.floor(Math.random() * 100)).padStart(2, "0");
  return `+1${area}55501${line}`;
}

function unavailable() {
  replace(
    root,
    h(
      "section",
      { class: "page narrow card sim-unavailable" },
      h("h1", {}, "Phone simulator"),
      h("p", {}, "The simulator is off because this desk sends real text messages through Twilio (SMS_PROVIDER=twilio)."),
      h("p", { class: "muted" }, "Replies to a simulated customer would go out as real SMS, so the simulator only runs with SMS_PROVIDER=simulator. Text your Twilio number from a real phone instead."),
    ),
  );
}

function start() {
  let contactId = null;
  let optedOut = false;
  const messages = new Map(); // id -> message
  let token = 0;

  const number = h("input", {
    type: "tel",
    class: "sim-number",
    "data-testid": "sim-number",
    value: randomNumber(),
    autocomplete: "off",
    spellcheck: "false",
    "aria-describedby": "sim-number-help",
  });
  const newNumber = h("button", { type: "button", class: "button", "data-testid": "sim-new-number" }, "New customer");
  const screen = h("div", { class: "phone-screen", role: "log", "aria-live": "polite", "aria-label": "Messages" });
  const emptyHint = h("p", { class: "phone-empty" }, "Say hello. Try “hours”, “where are you”, “refund”, AGENT, STOP or START.");
  const optBanner = h("p", { class: "phone-optout", "data-testid": "sim-opted-out", role: "status", hidden: true }, "You opted out: the business cannot text you. Text START to subscribe again.");
  const body = h("textarea", {
    class: "phone-input",
    "data-testid": "sim-body",
    rows: "2",
    placeholder: "Text message",
    "aria-label": "Text message",
  });
  const counter = h("span", { class: "phone-counter" });
  const send = h("button", { type: "submit", class: "button primary phone-send", "data-testid": "sim-send" }, "Send");
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const form = h("form", { class: "phone-composer" }, body, send);

  replace(
    root,
    h(
      "div",
      { class: "sim-layout" },
      h(
        "section",
        { class: "sim-controls" },
        h("h1", {}, "Phone simulator"),
        h("p", { class: "muted" }, "Text the business as a customer would. Messages go through the same path as Twilio's webhook: the bot answers, and agents see the conversation in the inbox."),
        h(
          "label",
          { class: "sim-field" },
          "Customer number",
          h("span", { class: "sim-number-row" }, number, newNumber),
        ),
        h("p", { class: "muted small", id: "sim-number-help" }, "Each number is one customer. +1 … 555-01xx numbers are reserved for fiction."),
        h("p", { class: "muted small" }, "Texting ", h("strong", {}, businessNumber)),
      ),
      h(
        "div",
        { class: "phone", "aria-label": "Simulated phone" },
        h("div", { class: "phone-head" }, h("span", { class: "phone-to" }, boot().brand || "Business"), h("span", { class: "phone-number" }, businessNumber)),
        screen,
        optBanner,
        error,
        form,
        h("div", { class: "phone-foot" }, counter),
      ),
    ),
  );

  function showError(text) {
    error.textContent = text || "";
    error.hidden = !text;
  }

  function bubble(msg) {
    // From the phone's side: the customer's own texts (inbound to the business) sit on the right.
    const mine = msg.direction === "inbound";
    const status = mine ? "Delivered" : deliveryLabel(msg);
    return h(
      "div",
      {
        class: ["sim-msg", mine ? "sim-mine" : "sim-theirs", isProblem(msg) ? "is-problem" : ""],
        "data-testid": "sim-message",
        "data-id": msg.id,
        "data-direction": msg.direction,
        "data-status": msg.status,
      },
      h(
        "div",
        { class: "sim-bubble" },
        h("p", { class: "sim-body", "data-testid": "sim-message-body" }, msg.body || ""),
        (msg.media || []).map((m, i) => {
          const url = safeUrl(m.url);
          return url ? h("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, `Attachment ${i + 1}`) : null;
        }),
      ),
      h(
        "div",
        { class: "sim-meta" },
        h("time", { datetime: msg.created_at || "" }, stamp(msg.created_at)),
        " · ",
        h("span", { "data-testid": "sim-message-status" }, status),
      ),
    );
  }

  function render() {
    const sorted = [...messages.values()].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id);
    replace(screen, sorted.length ? sorted.map(bubble) : emptyHint);
    screen.scrollTop = screen.scrollHeight;
    optBanner.hidden = !optedOut;
  }

  function upsert(msg) {
    messages.set(msg.id, { ...(messages.get(msg.id) || {}), ...msg });
    render();
  }

  async function loadHistory(id) {
    const mine = token;
    try {
      const page = await get(`/api/v1/contacts/${id}/timeline`, { limit: 100 });
      if (mine !== token) return;
      for (const item of page.data) if (item.type !== "note") messages.set(item.id, { ...(messages.get(item.id) || {}), ...item });
    } catch {
      // Older backends: the latest conversation carries the messages.
      try {
        const contact = await get(`/api/v1/contacts/${id}`);
        const ids = contact.conversation_ids || [];
        for (const cid of ids) {
          const conv = await get(`/api/v1/conversations/${cid}`);
          if (mine !== token) return;
          for (const msg of conv.messages || []) messages.set(msg.id, msg);
        }
      } catch {
        return;
      }
    }
    render();
  }

  async function loadContactState(id) {
    try {
      const contact = await get(`/api/v1/contacts/${id}`);
      if (contact.id === contactId) {
        optedOut = Boolean(contact.opted_out);
        render();
      }
    } catch {
      // keep what we know
    }
  }

  async function useNumber(value) {
    const mine = ++token;
    contactId = null;
    optedOut = false;
    messages.clear();
    showError(null);
    render();
    if (!value.trim()) return;
    try {
      const page = await get("/api/v1/contacts", { phone: value.trim() });
      if (mine !== token || !page.data || !page.data.length) return;
      contactId = page.data[0].id;
      optedOut = Boolean(page.data[0].opted_out);
      await loadHistory(contactId);
    } catch {
      // A number the desk has never seen: it starts empty.
    }
  }

  async function submit() {
    const text = body.value;
    if (!text.trim()) {
      showError("Write a message first.");
      return;
    }
    send.disabled = true;
    showError(null);
    const from = number.value.trim();
    try {
      const result = await post("/simulator/messages", { from, body: text });
      body.value = "";
      updateCounter();
      const first = contactId !== result.contact_id;
      contactId = result.contact_id;
      upsert(result.message);
      if (first) await loadHistory(contactId);
      loadContactState(contactId);
    } catch (err) {
      showError(errorText(err));
    } finally {
      send.disabled = false;
      body.focus();
    }
  }

  function updateCounter() {
    counter.textContent = body.value ? counterText(analyze(body.value)) : "";
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  body.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      submit();
    }
  });
  body.addEventListener("input", updateCounter);
  newNumber.addEventListener("click", () => {
    number.value = randomNumber();
    useNumber(number.value);
    body.focus();
  });
  number.addEventListener("change", () => useNumber(number.value));

  connectSocket({
    onEvent: (name, payload) => {
      if ((name === "message.created" || name === "message.updated") && contactId !== null && payload.contact_id === contactId) {
        upsert(payload);
      } else if (name === "contact.updated" && payload.id === contactId) {
        optedOut = Boolean(payload.opted_out);
        render();
      }
    },
    onReconnect: () => contactId !== null && loadHistory(contactId),
  });

  useNumber(number.value);
}

if (root) {
  if (root.dataset.available === "no") unavailable();
  else start();
}
