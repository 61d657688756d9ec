// The campaign screens' Socket.IO connection (the inbox's: static/js/inbox/socket.js), listening
// for campaign.updated and, because a text's delivery report does not re-send its campaign, the texts'
// own message.created / message.updated events too.
import { connectSocket } from "../../inbox/socket.js";

const EVENTS = ["campaign.updated", "message.created", "message.updated"];

/**
 * onEvent(name, payload) for each of EVENTS; onReconnect() after a lost connection is back (reload
 * what may have changed meanwhile). The #connection-state indicator says when the page is not live.
 */
export function connectLive({ onEvent, onReconnect = () => {} }) {
  return connectSocket({ onEvent, onReconnect, events: EVENTS });
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
