// Socket.IO connection: live events in, presence out, and the #connection-state indicator.
import { io } from "/vendor/socket.io.esm.min.js";

const EVENTS = [
  "message.created",
  "message.updated",
  "conversation.created",
  "conversation.updated",
  "note.created",
  "contact.updated",
  "presence.typing",
  "presence.viewing",
];

/**
 * onEvent(name, payload) for each of `events` (by default the inbox's); onReconnect() after a connection
 * was lost and is back. Returns {emit(name, payload), connected()}.
 */
export function connectSocket({ onEvent, onReconnect = () => {}, onConnect = () => {}, events = EVENTS }) {
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

  // WebSocket first: one long-lived connection stays on one server process, so several processes
  // behind a plain load balancer need no sticky sessions. Long-polling remains the fallback.
  const socket = io({ withCredentials: true, transports: ["websocket", "polling"] });

  socket.on("connect", () => {
    if (everConnected && lost) {
      setState("connected", "Back online");
      backTimer = setTimeout(() => setState("connected", ""), 2000);
      onConnect();
      onReconnect();
    } else {
      setState("connected", "");
      onConnect();
    }
    everConnected = true;
    lost = false;
  });

  socket.on("disconnect", (reason) => {
    lost = true;
    setState("disconnected", "Reconnecting…");
    // The server ended the session (e.g. logged out elsewhere): the client will not retry by itself.
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

  for (const name of events) {
    socket.on(name, (payload) => {
      try {
        onEvent(name, payload || {});
      } catch (error) {
        reportError(error);
      }
    });
  }

  return {
    emit: (name, payload) => {
      if (socket.connected) socket.emit(name, payload);
    },
    connected: () => socket.connected,
  };
}

/** Surface a handler bug as an uncaught error, without stopping the other handlers. */
function reportError(error) {
  setTimeout(() => {
    throw error;
  });
}
