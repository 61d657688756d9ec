// Keyword chips editor: Enter (or a comma, except for regular expressions) turns the typed text into a chip.
import { h } from "../inbox/dom.js";

/**
 * createKeywordInput({onChange, isRegex}) -> {el, input, values(), set(list), setDisabled(bool), setInvalid(bool)}
 * values() includes the text still being typed, so live checks see it.
 */
export function createKeywordInput({ onChange, isRegex, describedBy }) {
  let keywords = [];
  let disabled = false;
  const list = h("ul", { class: "kw-chips", "aria-label": "Keywords" });
  const input = h("input", {
    type: "text",
    class: "kw-input",
    id: "rule-keywords",
    "data-testid": "rule-keywords",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "Type a keyword, press Enter",
    "aria-describedby": describedBy,
  });
  const el = h("div", { class: "kw-editor", onClick: (e) => e.target === el && input.focus() }, list, input);

  function render() {
    list.replaceChildren(
      ...keywords.map((keyword, index) =>
        h(
          "li",
          { class: "kw-chip", "data-testid": "rule-keyword-chip" },
          h("span", { class: "kw-text", "data-testid": "rule-keyword-text" }, keyword),
          disabled
            ? null
            : h(
                "button",
                {
                  type: "button",
                  class: "kw-remove",
                  "aria-label": `Remove keyword ${keyword}`,
                  title: "Remove",
                  onClick: () => {
                    keywords.splice(index, 1);
                    render();
                    onChange();
                    input.focus();
                  },
                },
                "×",
              ),
        ),
      ),
    );
    input.placeholder = disabled ? "" : keywords.length ? "Add another…" : "Type a keyword, press Enter";
  }

  function split(text) {
    const separators = isRegex() ? /\n/ : /[\n,]/;
    return text
      .split(separators)
      .map((part) => part.trim())
      .filter(Boolean);
  }

  function add(parts) {
    let added = false;
    for (const part of parts) {
      if (!keywords.some((k) => k.toLowerCase() === part.toLowerCase())) {
        keywords.push(part);
        added = true;
      }
    }
    if (added) render();
    return added;
  }

  function commit() {
    const parts = split(input.value);
    input.value = "";
    add(parts);
    onChange();
  }

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      if (input.value.trim()) commit();
    } else if (event.key === "," && !isRegex()) {
      event.preventDefault();
      if (input.value.trim()) commit();
    } else if (event.key === "Backspace" && !input.value && keywords.length) {
      event.preventDefault();
      input.value = keywords.pop();
      render();
      onChange();
    }
  });
  input.addEventListener("paste", (event) => {
    const text = event.clipboardData ? event.clipboardData.getData("text") : "";
    if (!/[\n,]/.test(text) || (isRegex() && !text.includes("\n"))) return;
    event.preventDefault();
    add(split(input.value + text));
    input.value = "";
    onChange();
  });
  input.addEventListener("input", () => onChange());
  input.addEventListener("blur", () => {
    if (input.value.trim()) commit();
  });

  return {
    el,
    input,
    values() {
      const all = [...keywords];
      for (const part of split(input.value)) {
        if (!all.some((k) => k.toLowerCase() === part.toLowerCase())) all.push(part);
      }
      return all;
    },
    set(list) {
      keywords = [...(list || [])];
      input.value = "";
      render();
    },
    setDisabled(value) {
      disabled = Boolean(value);
      input.disabled = disabled;
      input.hidden = disabled;
      el.classList.toggle("is-disabled", disabled);
      render();
    },
    setInvalid(value) {
      el.classList.toggle("is-invalid", Boolean(value));
      input.setAttribute("aria-invalid", String(Boolean(value)));
    },
  };
}
