// SMS segment counting: an exact port of sms/segments.py (GSM-7 or UCS-2, units and billed segments).

// 3GPP TS 23.038 default alphabet, in table order (0x1B, the escape to the extension table, left out).
const GSM7_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅå" +
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ" +
    " !\"#¤%&'()*+,-./" +
    "0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§" +
    "¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
// 3GPP TS 23.038 extension table: each costs an escape septet plus its own.
const GSM7_EXTENSION = new Set("\f^{}\\[~]|€");

export const GSM7_SINGLE = 160;
export const GSM7_PART = 153; // 7 septets of each part go to the concatenation header
export const UCS2_SINGLE = 70;
export const UCS2_PART = 67;

/** The distinct characters (code points, first-seen order) that force the body into UCS-2. */
export function ucs2Trigger(body) {
  const seen = new Set();
  for (const ch of body) {
    if (!GSM7_BASIC.has(ch) && !GSM7_EXTENSION.has(ch)) seen.add(ch);
  }
  return [...seen];
}

/**
 * Encoding, units and segment count of body as a carrier would split it (same fields as SegmentInfo).
 * An empty body counts as one segment.
 */
export function analyze(body) {
  const nonGsm = ucs2Trigger(body);
  const chars = [...body]; // code points, like iterating a Python str
  if (nonGsm.length === 0) {
    const widths = chars.map((ch) => (GSM7_EXTENSION.has(ch) ? 2 : 1));
    return split("GSM-7", widths, GSM7_SINGLE, GSM7_PART, []);
  }
  // A code point above U+FFFF is a surrogate pair: two UTF-16 units that must stay in one part.
  const widths = chars.map((ch) => (ch.codePointAt(0) > 0xffff ? 2 : 1));
  return split("UCS-2", widths, UCS2_SINGLE, UCS2_PART, nonGsm);
}

/** Count parts by walking, so no multi-unit character straddles two parts. */
function split(encoding, widths, single, part, nonGsm) {
  const units = widths.reduce((sum, w) => sum + w, 0);
  if (units <= single) {
    return { encoding, segments: 1, units, chars_per_segment: single, non_gsm_chars: nonGsm };
  }
  let segments = 1;
  let used = 0;
  for (const width of widths) {
    if (used + width > part) {
      segments += 1;
      used = 0;
    }
    used += width;
  }
  return { encoding, segments, units, chars_per_segment: part, non_gsm_chars: nonGsm };
}

/** How many segments body would take if its UCS-2 triggers were not there (what they cost). */
export function gsmEquivalentSegments(body) {
  const info = analyze(body);
  if (info.encoding === "GSM-7") return info.segments;
  const bad = new Set(info.non_gsm_chars);
  return analyze([...body].filter((ch) => !bad.has(ch)).join("")).segments;
}

/** A visible name for a character in the UCS-2 warning (invisible ones by code point). */
export function describeChar(ch) {
  const cp = ch.codePointAt(0);
  const hex = "U+" + cp.toString(16).toUpperCase().padStart(4, "0");
  if (/\s/u.test(ch) || cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0x200b && cp <= 0x200f) || cp === 0xfeff) {
    return hex;
  }
  return ch;
}

/** "42 / 160 · GSM-7 · 1 segment" */
export function counterText(info) {
  const capacity = info.segments === 1 ? info.chars_per_segment : info.segments * info.chars_per_segment;
  const plural = info.segments === 1 ? "segment" : "segments";
  return `${info.units} / ${capacity} · ${info.encoding} · ${info.segments} ${plural}`;
}
