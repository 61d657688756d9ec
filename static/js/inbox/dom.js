// Tiny DOM builder: h(tag, attrs, ...children); text always goes in through textContent / text nodes.

/**
 * attrs: class (string or array), data-* / aria-* / other attributes (set with setAttribute),
 * boolean properties (hidden, disabled, checked, selected), value, on<Event> listeners (functions).
 * children: nodes, strings/numbers (become text nodes), arrays, and null/false/undefined (skipped).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") {
      el.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : value;
    } else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "value") {
      el.value = value;
    } else if (["hidden", "disabled", "checked", "selected", "multiple", "required"].includes(key)) {
      el[key] = Boolean(value);
    } else if (value === true) {
      el.setAttribute(key, "");
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

/** Append children (nodes, text, nested arrays) to parent; text becomes text nodes, never markup. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replace all children of parent. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** Toggle the hidden property; returns el. */
export function show(el, visible) {
  el.hidden = !visible;
  return el;
}

/** Call fn at most once every wait ms after the last call (trailing). */
export function debounce(fn, wait) {
  let timer = null;
  const wrapped = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), wait);
  };
  wrapped.cancel = () => clearTimeout(timer);
  return wrapped;
}

/** Whether a keyboard event comes from somewhere the user types text. */
export function isTyping(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") {
    const type = (target.getAttribute("type") || "text").toLowerCase();
    return !["button", "submit", "checkbox", "radio", "reset"].includes(type);
  }
  return false;
}
