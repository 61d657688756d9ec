// The campaign screens' Socket.IO connection (the inbox's pattern: static/js/inbox/socket.js), listening
// for campaign.updated and, because a text's delivery report does not re-send its campaign, the texts'
// own message.created / message.updated events too.
import { io } from "/vendor/socket.io.esm.min.js";

const EVENTS = ["campaign.updated", "message.created", "message.updated"];

/**
 * onEvent(name, payload) for each of EVENTS; onReconnect() after a lost connection is back (reload
 * what may have changed meanwhile). The #connection-state indicator says when the page is not live.
 */
export function connectLive({ onEvent, onReconnect = () => {} }) {
  const indicator = document.getElementById("connection-state");
  let everConnected = false;
  let lost = false;
  let backTimer = null;

  const setState = (state, text) => {
    if (!indicator) return;
    clearTimeout(backTimer);
    indicator.dataset.state = state;
    indicator.textContent = text;
    indicator.hidden = !text;
    indicator.setAttribute("role", "status");
  };

  const socket = io({ withCredentials: true, transports: ["websocket", "polling"] });

  socket.on("connect", () => {
    if (everConnected && lost) {
      setState("connected", "Back online");
      backTimer = setTimeout(() => setState("connected", ""), 2000);
      onReconnect();
    } else {
      setState("connected", "");
    }
    everConnected = true;
    lost = false;
  });

  socket.on("disconnect", (reason) => {
    lost = true;
    setState("disconnected", "Reconnecting…");
    if (reason === "io server disconnect") setTimeout(() => socket.connect(), 3000);
  });

  socket.on("connect_error", () => {
    lost = true;
    if (!socket.active) {
      setState("disconnected", "Disconnected — reload the page to log in again");
      setTimeout(() => socket.connect(), 10000);
    } else {
      setState("disconnected", "Reconnecting…");
    }
  });

  for (const name of EVENTS) {
    socket.on(name, (payload) => {
      try {
        onEvent(name, payload || {});
      } catch (error) {
        setTimeout(() => {
          throw error; // surface a handler bug without stopping the other handlers
        });
      }
    });
  }

  return { connected: () => socket.connected };
}

/** Whether an event's message is a campaign's text, or a text back that may answer one. */
export function touchesCampaigns(name, message) {
  if (!message) return false;
  if (message.sender === "campaign" || message.purpose === "campaign") return true;
  return name === "message.created" && message.direction === "inbound";
}

/**
 * fn at most once per `wait` ms while called repeatedly (leading call, then one trailing call):
 * live refreshes keep up without hammering the API when hundreds of delivery reports arrive.
 */
export function throttle(fn, wait) {
  let last = 0;
  let timer = null;
  return () => {
    const now = Date.now();
    const due = last + wait - now;
    if (due <= 0 && !timer) {
      last = now;
      fn();
      return;
    }
    if (!timer) {
      timer = setTimeout(() => {
        timer = null;
        last = Date.now();
        fn();
      }, Math.max(due, 0));
    }
  };
}
