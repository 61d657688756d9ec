// The contact import page: check a CSV file (dry run), read the report, then import it; export link.
// Every value from the file reaches the page through textContent (h() and text nodes), never as markup.
import { h, replace } from "../inbox/dom.js";
import { boot } from "../inbox/api.js";

const config = boot();
const form = document.getElementById("import-form");
const fileInput = document.getElementById("import-file");
const listSelect = document.getElementById("import-list");
const regionInput = document.getElementById("import-region");
const checkButton = document.getElementById("import-check");
const errorBox = document.getElementById("import-error");
const reportBox = document.getElementById("import-report");
const exportList = document.getElementById("export-list");
const exportLink = document.getElementById("export-link");

const number = (n) => Number(n || 0).toLocaleString("en-US");
const plural = (n, one, many) => `${number(n)} ${n === 1 ? one : many}`;

// What the last check was made with; the import sends exactly this again.
let checked = null;

function showError(message) {
  replace(errorBox, message);
  errorBox.hidden = !message;
}

function clearReport() {
  checked = null;
  reportBox.hidden = true;
  reportBox.replaceChildren();
}

function currentChoice() {
  return {
    file: fileInput.files && fileInput.files[0],
    listId: listSelect.value,
    listName: listSelect.value ? listSelect.selectedOptions[0].textContent : "",
    region: regionInput.value.trim().toUpperCase(),
  };
}

/** POST the file to the import endpoint; resolves with the report, rejects with a readable Error. */
async function upload(choice, dryRun) {
  const search = new URLSearchParams({ dry_run: dryRun ? "true" : "false" });
  if (choice.listId) search.set("list_id", choice.listId);
  if (choice.region) search.set("region", choice.region);
  const body = new FormData();
  body.append("file", choice.file, choice.file.name);
  let response;
  try {
    response = await fetch(`${config.import_url}?${search}`, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": config.csrf_token },
    });
  } catch {
    throw new Error("Could not reach the server. Check your connection and try again.");
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = (data && data.error) || {};
    if (response.status === 401) throw new Error("Your session has ended. Reload the page to log in again.");
    throw new Error(error.message || `The server answered ${response.status}. Try again in a moment.`);
  }
  return data;
}

function checkChoice(choice) {
  if (!choice.file) return "Choose a CSV file first.";
  if (choice.file.size > config.max_bytes) {
    return [
      `This file is larger than ${config.max_size}, the most one import takes. `,
      "Split it into several files (keep the header row in each).",
    ].join("");
  }
  if (!/^[A-Z]{2}$/.test(choice.region)) return "The region is a two-letter code such as US, GB or DE.";
  return "";
}

async function runCheck(event) {
  event.preventDefault();
  showError("");
  const choice = currentChoice();
  const problem = checkChoice(choice);
  if (problem) {
    showError(problem);
    return;
  }
  clearReport();
  checkButton.disabled = true;
  checkButton.textContent = "Checking…";
  try {
    const report = await upload(choice, true);
    checked = choice;
    render(report);
  } catch (error) {
    showError(error.message);
  } finally {
    checkButton.disabled = false;
    checkButton.textContent = "Check file";
  }
}

async function runImport(button) {
  if (!checked) return;
  showError("");
  button.disabled = true;
  button.textContent = "Importing…";
  reportBox.setAttribute("aria-busy", "true");
  try {
    const report = await upload(checked, false);
    render(report);
  } catch (error) {
    showError(error.message);
    button.disabled = false;
    button.textContent = importLabel(checked.valid);
  } finally {
    reportBox.removeAttribute("aria-busy");
  }
}

function importLabel(valid) {
  return `Import ${plural(valid, "contact", "contacts")}`;
}

function summary(report) {
  const target = report.list ? `into “${report.list.name}”` : "without adding anyone to a list";
  if (report.dry_run) {
    return [
      `Nothing has changed yet. ${number(report.valid_rows)} of ${plural(report.rows_read, "row", "rows")} `,
      `have a usable number; importing them ${target} would do the following.`,
    ].join("");
  }
  return [
    `Imported ${target}: ${plural(report.new_contacts, "new contact", "new contacts")}, `,
    `${number(report.updated_contacts)} updated, ${number(report.unchanged_contacts)} already up to date. `,
    "No text was sent.",
  ].join("");
}

function countsList(report) {
  const key = report.dry_run ? "check" : "done";
  return h(
    "dl",
    { class: "import-counts", "data-testid": "report-counts" },
    config.counts.map((count) =>
      h(
        "div",
        { class: ["import-count", report[count.name] ? "" : "is-zero"], "data-testid": `report-count-${count.name}` },
        h("dt", {}, count[key]),
        h("dd", { "data-testid": `report-count-${count.name}-value` }, number(report[count.name])),
      ),
    ),
  );
}

function problemSection(kind, problem) {
  const info = config.problems.find((p) => p.kind === kind) || { title: kind, help: "" };
  const more = problem.count - problem.examples.length;
  return h(
    "section",
    { class: "import-problem", "data-kind": kind, "data-testid": `problem-${kind}` },
    h(
      "h3",
      {},
      info.title,
      " ",
      h("span", { class: "import-badge", "data-testid": `problem-${kind}-count` }, number(problem.count)),
    ),
    h("p", { class: "muted small" }, info.help),
    h(
      "table",
      { class: "table import-examples" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Row"),
          h("th", { scope: "col" }, "Column"),
          h("th", { scope: "col" }, "Value"),
          h("th", { scope: "col" }, "Why"),
        ),
      ),
      h(
        "tbody",
        {},
        problem.examples.map((example) =>
          h(
            "tr",
            { "data-testid": "problem-example", "data-row": String(example.row) },
            h("td", { class: "import-row-number" }, String(example.row)),
            h("td", {}, h("code", {}, example.column)),
            h(
              "td",
              { class: "import-value" },
              example.value === "" ? h("span", { class: "muted" }, "(empty)") : h("code", {}, example.value),
            ),
            h("td", {}, example.reason),
          ),
        ),
      ),
    ),
    more > 0 ? h("p", { class: "muted small" }, `… and ${plural(more, "more row", "more rows")} like these.`) : null,
  );
}

function render(report) {
  const kinds = config.problems.map((p) => p.kind).filter((kind) => report.problems[kind]?.count);
  const done = !report.dry_run;
  const children = [
    h(
      "div",
      { class: ["import-report-head", done ? "is-done" : ""] },
      h("h2", { "data-testid": "report-title" }, done ? `Imported ${report.file_name}` : `Check of ${report.file_name}`),
      h("p", { "data-testid": "report-summary" }, summary(report)),
    ),
    countsList(report),
    kinds.length
      ? h(
          "div",
          { class: "import-problem-list", "data-testid": "report-problems" },
          kinds.map((kind) => problemSection(kind, report.problems[kind])),
        )
      : h("p", { class: "muted", "data-testid": "report-no-problems" }, "No problems found in the file."),
  ];
  if (!done) {
    checked.valid = report.valid_rows;
    const button = h(
      "button",
      {
        type: "button",
        class: "button primary",
        "data-testid": "import-run",
        disabled: report.valid_rows === 0,
        onClick: () => runImport(button),
      },
      importLabel(report.valid_rows),
    );
    children.push(
      h(
        "div",
        { class: "import-run" },
        button,
        h(
          "span",
          { class: "muted small" },
          report.valid_rows === 0
            ? "No row has a usable number: fix the file and check it again."
            : "Rows with problems are skipped or imported as the report says. Importing the same file again changes nothing.",
        ),
      ),
    );
  } else {
    children.push(
      h(
        "div",
        { class: "import-run" },
        h(
          "button",
          { type: "button", class: "button", "data-testid": "import-again", onClick: startOver },
          "Check another file",
        ),
      ),
    );
    checked = null;
  }
  replace(reportBox, children);
  reportBox.dataset.state = done ? "imported" : "checked";
  reportBox.hidden = false;
  reportBox.scrollIntoView({ block: "start", behavior: "smooth" });
}

function startOver() {
  clearReport();
  form.reset();
  fileInput.focus();
}

function updateExportLink() {
  const id = exportList.value;
  exportLink.href = id ? `${config.export_url}?${new URLSearchParams({ list_id: id })}` : config.export_url;
}

form.addEventListener("submit", runCheck);
// A report is about one file, list and region: change any of them and it no longer applies.
for (const input of [fileInput, listSelect, regionInput]) {
  input.addEventListener("change", () => {
    if (checked) clearReport();
    showError("");
  });
}
regionInput.addEventListener("input", () => {
  regionInput.value = regionInput.value.toUpperCase();
});
exportList.addEventListener("change", updateExportLink);
updateExportLink();
