// Time formatting: short relative times for lists, clock times for bubbles, full dates for tooltips.

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const clock = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const weekday = new Intl.DateTimeFormat(undefined, { weekday: "short" });
const monthDay = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const fullDate = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", year: "numeric" });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const longDay = new Intl.DateTimeFormat(undefined, { weekday: "long", month: "long", day: "numeric" });

export function parse(iso) {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

function startOfDay(date) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

/** "now", "5m", "3h", "Yesterday", "Mon", "Mar 3", "Mar 3, 2024" — for the conversation list. */
export function relative(iso, now = new Date()) {
  const date = parse(iso);
  if (!date) return "";
  const diff = now - date;
  if (diff < MINUTE) return "now";
  if (diff < HOUR) return `${Math.floor(diff / MINUTE)}m`;
  const days = Math.round((startOfDay(now) - startOfDay(date)) / DAY);
  if (days === 0) return diff < 12 * HOUR ? `${Math.floor(diff / HOUR)}h` : clock.format(date);
  if (days === 1) return "Yesterday";
  if (days < 7) return weekday.format(date);
  if (date.getFullYear() === now.getFullYear()) return monthDay.format(date);
  return fullDate.format(date);
}

/** "10:42 AM" today, "Mar 3, 10:42 AM" otherwise — for bubbles. */
export function stamp(iso, now = new Date()) {
  const date = parse(iso);
  if (!date) return "";
  if (startOfDay(date).getTime() === startOfDay(now).getTime()) return clock.format(date);
  return `${monthDay.format(date)}, ${clock.format(date)}`;
}

/** "Mar 3, 2025, 10:42 AM" — tooltips and the contact panel. */
export function long(iso) {
  const date = parse(iso);
  return date ? full.format(date) : "";
}

/** "Today", "Yesterday", "Monday, March 3" — day dividers in the thread. */
export function dayLabel(iso, now = new Date()) {
  const date = parse(iso);
  if (!date) return "";
  const days = Math.round((startOfDay(now) - startOfDay(date)) / DAY);
  if (days === 0) return "Today";
  if (days === 1) return "Yesterday";
  const label = longDay.format(date);
  return date.getFullYear() === now.getFullYear() ? label : `${label}, ${date.getFullYear()}`;
}

/** Day key for grouping. */
export function dayKey(iso) {
  const date = parse(iso);
  return date ? startOfDay(date).getTime() : 0;
}
