// Keyboard shortcuts for the inbox and the "?" help overlay listing them.
import { h, isTyping } from "./dom.js";

const SHORTCUTS = [
  ["j / ↓", "Next conversation"],
  ["k / ↑", "Previous conversation"],
  ["Enter / o", "Open the highlighted conversation"],
  ["r", "Reply: focus the composer"],
  ["Ctrl+Enter / ⌘+Enter", "Send (in the composer)"],
  ["Esc", "Leave the composer"],
  ["e", "Resolve the open conversation"],
  ["t", "Take the open conversation"],
  ["/", "Search"],
  ["?", "Show or hide this help"],
];

function helpOverlay(onClose) {
  const close = h("button", { type: "button", class: "button small", onclick: onClose }, "Close");
  const overlay = h(
    "div",
    { class: "overlay", hidden: true, onclick: (event) => event.target === overlay && onClose() },
    h(
      "div",
      { class: "dialog", role: "dialog", "aria-modal": "true", "aria-labelledby": "shortcuts-title", "data-testid": "shortcuts-help" },
      h("div", { class: "dialog-head" }, h("h2", { id: "shortcuts-title" }, "Keyboard shortcuts"), close),
      h(
        "dl",
        { class: "shortcuts" },
        SHORTCUTS.map(([keys, what]) => [h("dt", {}, keys.split(" / ").map((k, i) => [i ? " or " : "", h("kbd", {}, k)])), h("dd", {}, what)]),
      ),
      h("p", { class: "muted small" }, "Shortcuts are off while you type in a field."),
    ),
  );
  return { overlay, close };
}

/** handlers: next, previous, open, reply, resolve, take, search, and optionally escape. */
export function installShortcuts(handlers) {
  let lastFocus = null;
  const help = helpOverlay(() => toggleHelp(false));
  document.body.append(help.overlay);

  function toggleHelp(visible = help.overlay.hidden) {
    help.overlay.hidden = !visible;
    if (visible) {
      lastFocus = document.activeElement;
      help.close.focus();
    } else if (lastFocus && lastFocus.focus) {
      lastFocus.focus();
    }
  }

  document.addEventListener("keydown", (event) => {
    if (!help.overlay.hidden) {
      if (event.key === "Escape" || event.key === "?") {
        event.preventDefault();
        toggleHelp(false);
      }
      return;
    }
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTyping(event.target)) return;
    const onControl = event.target instanceof Element && event.target.closest("button, a:not([role=option]), summary");
    const run = (fn) => {
      event.preventDefault();
      fn();
    };
    switch (event.key) {
      case "j":
      case "ArrowDown":
        return run(handlers.next);
      case "k":
      case "ArrowUp":
        return run(handlers.previous);
      case "Enter":
        if (onControl) return undefined;
        return run(handlers.open);
      case "o":
        return run(handlers.open);
      case "r":
        return run(handlers.reply);
      case "e":
        return run(handlers.resolve);
      case "t":
        return run(handlers.take);
      case "/":
        return run(handlers.search);
      case "?":
        return run(() => toggleHelp(true));
      case "Escape":
        return handlers.escape ? handlers.escape() : undefined;
      default:
        return undefined;
    }
  });

  return { toggleHelp };
}
