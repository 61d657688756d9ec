// Numbers and times in words for the admin screens (the browser's locale).
import { h } from "../inbox/dom.js";
import { long, parse } from "../inbox/time.js";

const numbers = new Intl.NumberFormat(undefined);

/** 1234 -> "1,234". */
export function formatCount(n) {
  const value = Number(n);
  return Number.isFinite(value) ? numbers.format(value) : "—";
}

/** "1 contact", "1,234 contacts". */
export function plural(n, one, many = `${one}s`) {
  return `${formatCount(n)} ${Number(n) === 1 ? one : many}`;
}

const shortDate = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", year: "numeric" });
const shortTime = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });

/** "Mar 3, 2026 · 10:42 AM" for a table cell (null -> ""). */
export function when(iso) {
  const date = parse(iso);
  return date ? `${shortDate.format(date)} · ${shortTime.format(date)}` : "";
}

/** A <time> element with the short form as text and the long form as its tooltip; "—" when empty. */
export function timeCell(iso, testid) {
  const date = parse(iso);
  if (!date) return h("span", { class: "muted", "data-testid": testid }, "—");
  return h("time", { datetime: date.toISOString(), title: long(iso), "data-testid": testid }, when(iso));
}
