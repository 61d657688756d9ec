"""The bot rules page: the editor with live checks, the test bench, replay, history, import — in Chromium.

data-testid attributes these tests (and anyone scripting the page) rely on:

  rules page     rules-list (data-loaded="yes" once loaded), rules-list-state, rules-filter, rules-precedence,
                 rules-status, rules-readonly, rule-new, rules-export, rules-import (file input)
  a rule row     rule-row (data-id, data-enabled), rule-open, rule-row-name, rule-keyword, rule-meta,
                 rule-enabled (switch; admins), rule-enabled-state (agents), rule-up, rule-down
  editor         rule-editor, rule-editor-empty, rule-editor-title, rule-readonly, rule-form, rule-name,
                 rule-keywords (the keyword input), rule-keyword-chip, rule-keyword-text, rule-match,
                 rule-priority, rule-fuzzy, rule-threshold, rule-threshold-slider, rule-action,
                 rule-action-reply / -handoff / -reply_handoff, rule-reply, rule-variables,
                 rule-enabled-field, rule-error-<field>, rule-errors, rule-conflicts,
                 rule-conflict (data-kind), rule-preview, rule-preview-body,
                 rule-preview-reply(-text/-count), rule-preview-ack(-text/-count),
                 rule-form-error, rule-save, rule-revert, rule-save-state, rule-close, rule-delete,
                 rule-delete-panel, rule-delete-confirm, rule-delete-cancel
  history        history, history-scope-rule, history-scope-all, history-list, history-item (data-action),
                 history-diff, history-state, history-more
  test bench     bench, bench-input, bench-status, bench-opted-out, bench-misses, bench-contact-name,
                 bench-draft-toggle, bench-use-draft, bench-run, bench-result, bench-outcome (data-kind),
                 bench-normalized, bench-compliance, bench-match, bench-score, bench-runners-up,
                 bench-runner-up, bench-handoff, bench-reason, bench-reply(-text/-count), bench-no-reply,
                 bench-error
  replay         replay, replay-limit, replay-source, replay-only-changed, replay-run, replay-summary,
                 replay-considered, replay-changed, replay-stale, replay-results, replay-row (data-change),
                 replay-text, replay-actual, replay-proposed (data-kind), replay-change
  import         import-panel, import-mode-replace, import-mode-append, import-confirm, import-cancel,
                 import-nothing-changed, import-problems, import-problem, import-close
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.bot_admin_helpers import (
    add_keywords,
    api_rule,
    bot_reply_to,
    full_page_screenshot,
    open_rules,
    rule_row,
    start_rule,
    text_business,
)
from tests.browser.helpers import ADMIN, AGENT, Server, screenshot, unique_phone


def test_an_admin_creates_a_rule_and_sees_it_listed(
    page: Page, server: Server, hours_rule: dict[str, Any]
) -> None:
    """New rule: the preview renders the reply for the sample contact with its size; saved, it is listed."""
    open_rules(page, server, ADMIN)
    start_rule(
        page,
        "Parking",
        ["parking", "where do I park"],
        reply="Hi {{ contact.first_name }}, park behind the building. Free for customers.",
        match="phrase",
    )
    expect(page.get_by_test_id("rule-keyword-text")).to_have_text(["parking", "where do I park"])
    preview = page.get_by_test_id("rule-preview")
    expect(preview.get_by_test_id("rule-preview-reply-text")).to_have_text(
        "Hi Alex, park behind the building. Free for customers."
    )
    expect(preview.get_by_test_id("rule-preview-reply-count")).to_have_text(
        "54 characters · 1 segment · GSM-7"
    )
    expect(page.get_by_test_id("rule-errors")).to_be_hidden()
    page.get_by_test_id("bench-input").fill("is there parking?")
    expect(page.get_by_test_id("bench-outcome")).to_have_attribute("data-kind", "rule")
    full_page_screenshot(page, "rules-editor")

    page.get_by_test_id("rule-save").click()
    expect(page.get_by_test_id("rules-status")).to_contain_text("Created “Parking”")
    row = rule_row(page, "Parking")
    expect(row).to_be_visible()
    expect(row.get_by_test_id("rule-keyword")).to_have_text(["parking", "where do I park"])
    expect(row.get_by_test_id("rule-meta")).to_contain_text("Phrase")
    expect(row).to_have_class(re.compile(r"\bis-selected\b"))
    expect(page.get_by_test_id("rule-editor-title")).to_have_text("Parking")
    saved = api_rule(server, "Parking")
    assert saved["keywords"] == ["parking", "where do I park"]
    assert saved["match"] == "phrase"
    expect(page.get_by_test_id("history-item").first).to_have_attribute("data-action", "created")


def test_conflicts_show_before_saving_and_do_not_block_it(
    page: Page, server: Server, hours_rule: dict[str, Any]
) -> None:
    """A keyword another rule has, and the reserved word STOP, are explained as the admin types."""
    open_rules(page, server, ADMIN)
    start_rule(page, "Late opening", ["hours"], reply="We open late on Thursdays.", match="phrase")
    conflicts = page.get_by_test_id("rule-conflicts")
    duplicate = conflicts.locator("[data-testid=rule-conflict][data-kind=duplicate_keyword]")
    expect(duplicate).to_contain_text("Opening hours")
    expect(duplicate).to_contain_text("hours")

    add_keywords(page, "stop")
    reserved = conflicts.locator("[data-testid=rule-conflict][data-kind=reserved_word]")
    expect(reserved).to_be_visible()
    expect(reserved).to_contain_text(re.compile("stop", re.IGNORECASE))
    expect(page.get_by_test_id("rule-errors")).to_be_hidden()
    expect(page.get_by_test_id("rule-save")).to_be_enabled()  # a warning, not an error

    page.once("dialog", lambda dialog: dialog.accept())  # "Discard this new rule?"
    page.get_by_test_id("rule-close").click()
    expect(page.get_by_test_id("rule-editor-empty")).to_be_visible()
    assert not [r for r in server.get("rules")["data"] if r["name"] == "Late opening"]


def test_a_bad_regex_blocks_save_with_a_clear_message(page: Page, server: Server) -> None:
    """An invalid regular expression is named next to the keywords, and Save stays off until it is fixed."""
    open_rules(page, server, ADMIN)
    start_rule(page, "Order numbers", ["(order"], reply="Give us a moment to look it up.", match="regex")
    error = page.get_by_test_id("rule-error-keywords")
    expect(error).to_contain_text("(order")
    expect(error).to_contain_text("not a valid regular expression")
    expect(page.get_by_test_id("rule-errors")).to_contain_text("Keywords:")
    expect(page.get_by_test_id("rule-save")).to_be_disabled()
    expect(page.get_by_test_id("rule-save-state")).to_have_text("Fix the errors to save.")
    expect(page.get_by_test_id("rule-keywords")).to_have_attribute("aria-invalid", "true")

    page.get_by_test_id("rule-keyword-chip").get_by_role("button").click()  # remove "(order"
    add_keywords(page, r"order\s*#?\d{4,8}")
    expect(error).to_be_hidden()
    expect(page.get_by_test_id("rule-save")).to_be_enabled()
    page.get_by_test_id("rule-save").click()
    expect(rule_row(page, "Order numbers")).to_be_visible()
    assert api_rule(server, "Order numbers")["keywords"] == [r"order\s*#?\d{4,8}"]


def test_the_test_bench_shows_the_rule_that_fires_and_compliance(page: Page, server: Server) -> None:
    """A typo still fires the rule, with its score and runner-up; STOP is intercepted by compliance first."""
    server.send(
        "POST",
        "rules",
        {
            "name": "Refunds",
            "keywords": ["refund"],
            "match": "phrase",
            "reply": "Refunds take 5 days.",
            "priority": 1,
        },
    )
    server.send(
        "POST",
        "rules",
        {
            "name": "Money back",
            "keywords": ["refund"],
            "match": "phrase",
            "reply": "Ask at the till.",
            "priority": 0,
        },
    )
    open_rules(page, server, ADMIN)
    page.get_by_test_id("bench-input").fill("can i get refunds")
    result = page.get_by_test_id("bench-result")
    expect(result.get_by_test_id("bench-outcome")).to_have_attribute("data-kind", "rule")
    expect(result.get_by_test_id("bench-outcome")).to_contain_text("“Refunds” answers")
    expect(result.get_by_test_id("bench-match")).to_contain_text("Refunds")
    expect(result.get_by_test_id("bench-match").get_by_test_id("bench-score")).to_have_text(
        re.compile(r"score \d")
    )
    expect(result.get_by_test_id("bench-runner-up")).to_contain_text("Money back")
    expect(result.get_by_test_id("bench-normalized")).to_have_text("can i get refunds")
    expect(result.get_by_test_id("bench-compliance")).to_contain_text("Not a compliance word")
    expect(result.get_by_test_id("bench-reply-text")).to_have_text("Refunds take 5 days.")
    expect(result.get_by_test_id("bench-reply-count")).to_have_text("20 characters · 1 segment · GSM-7")
    expect(result.get_by_test_id("bench-reason")).not_to_be_empty()
    screenshot(page.get_by_test_id("bench"), "rules-test-bench")

    page.get_by_test_id("bench-input").fill("STOP")
    expect(result.get_by_test_id("bench-outcome")).to_have_attribute("data-kind", "opt_out")
    expect(result.get_by_test_id("bench-compliance")).to_contain_text("Intercepted")
    expect(result.get_by_test_id("bench-compliance")).to_contain_text("stop")
    expect(result.get_by_test_id("bench-match")).to_contain_text("None fires")

    page.get_by_test_id("bench-opted-out").check()
    page.get_by_test_id("bench-input").fill("refund please")
    expect(result.get_by_test_id("bench-outcome")).to_have_attribute("data-kind", "silent")
    expect(result.get_by_test_id("bench-no-reply")).to_be_visible()


def test_the_bench_tests_an_unsaved_draft(page: Page, server: Server) -> None:
    """With “test with my unsaved draft” on, the bench answers with the edited reply before it is saved."""
    server.send(
        "POST",
        "rules",
        {"name": "Gift wrap", "keywords": ["gift wrap"], "match": "phrase", "reply": "Yes, $2."},
    )
    open_rules(page, server, ADMIN)
    rule_row(page, "Gift wrap").get_by_test_id("rule-open").click()
    page.get_by_test_id("rule-reply").fill("Yes, free this month!")
    toggle = page.get_by_test_id("bench-use-draft")
    expect(toggle).to_be_checked()
    page.get_by_test_id("bench-input").fill("do you do gift wrap?")
    expect(page.get_by_test_id("bench-reply-text")).to_have_text("Yes, free this month!")
    toggle.uncheck()
    expect(page.get_by_test_id("bench-reply-text")).to_have_text("Yes, $2.")
    assert api_rule(server, "Gift wrap")["reply"] == "Yes, $2."
    page.get_by_test_id("rule-revert").click()
    expect(page.get_by_test_id("bench-draft-toggle")).to_be_hidden()


def test_replay_shows_texts_that_would_now_be_answered_differently(page: Page, server: Server) -> None:
    """Texts that got the fallback would get the new rule's reply: replay says so, before and after saving."""
    open_rules(page, server, ADMIN)
    phone = unique_phone()
    text_business(page, server, phone, "do you sell vouchers")
    text_business(page, server, phone, "hello there")

    start_rule(
        page, "Vouchers", ["voucher", "vouchers"], reply="Vouchers are sold at the desk.", match="phrase"
    )
    expect(page.get_by_test_id("replay-source")).to_have_value("draft")
    page.get_by_test_id("replay-run").click()
    expect(page.get_by_test_id("replay-summary")).to_contain_text("with your draft of “Vouchers”")
    changed = page.get_by_test_id("replay-row").filter(has_text="do you sell vouchers")
    expect(changed).to_have_count(1)
    expect(changed.get_by_test_id("replay-actual")).to_have_attribute("data-kind", "fallback")
    expect(changed.get_by_test_id("replay-proposed")).to_contain_text("Rule “Vouchers”")
    expect(changed.get_by_test_id("replay-proposed")).to_contain_text("Vouchers are sold at the desk.")
    expect(changed.get_by_test_id("replay-change")).to_have_text("Different rule")
    expect(changed).to_have_attribute("data-change", "different_rule")
    expect(page.get_by_test_id("replay-row").filter(has_text="hello there")).to_have_count(0)
    expect(page.get_by_test_id("replay-changed")).to_contain_text("would be answered differently")
    screenshot(page.get_by_test_id("replay"), "rules-replay")

    page.get_by_test_id("rule-save").click()
    expect(rule_row(page, "Vouchers")).to_be_visible()
    expect(page.get_by_test_id("replay-stale")).to_be_visible()
    expect(page.get_by_test_id("replay-source")).to_have_value("saved")
    page.get_by_test_id("replay-run").click()
    expect(page.get_by_test_id("replay-summary")).to_contain_text("with the saved rules")
    expect(page.get_by_test_id("replay-row").filter(has_text="do you sell vouchers")).to_have_count(1)


def test_a_rule_change_takes_effect_on_the_next_text(page: Page, server: Server) -> None:
    """Saved in the browser, a rule answers the very next text; edited, the next text gets the new reply."""
    open_rules(page, server, ADMIN)
    phone = unique_phone()
    start_rule(page, "Wifi", ["wifi", "wi-fi"], reply="The wifi password is on your receipt.", match="phrase")
    page.get_by_test_id("rule-save").click()
    expect(rule_row(page, "Wifi")).to_be_visible()
    assert bot_reply_to(server, text_business(page, server, phone, "whats the wifi")) == (
        "The wifi password is on your receipt."
    )

    page.get_by_test_id("rule-reply").fill("Network: Guest, password: coffee123")
    page.get_by_test_id("rule-save").click()
    expect(page.get_by_test_id("rules-status")).to_contain_text("Saved “Wifi”")
    assert (
        bot_reply_to(server, text_business(page, server, phone, "wifi?"))
        == "Network: Guest, password: coffee123"
    )

    history = page.get_by_test_id("history-item").first
    expect(history).to_have_attribute("data-action", "updated")
    diff = history.get_by_test_id("history-diff")
    expect(diff.locator(".diff-row")).to_have_count(1)  # only the reply changed
    expect(diff.locator("del")).to_have_text("The wifi password is on your receipt.")
    expect(diff.locator("ins")).to_have_text("Network: Guest, password: coffee123")
    expect(history).to_contain_text(ADMIN.name)

    rule_row(page, "Wifi").get_by_test_id("rule-enabled").uncheck()
    expect(rule_row(page, "Wifi")).to_have_attribute("data-enabled", "no")
    assert api_rule(server, "Wifi")["enabled"] is False
    assert (
        bot_reply_to(server, text_business(page, server, phone, "wifi"))
        != "Network: Guest, password: coffee123"
    )


def test_rules_move_up_and_down_and_delete_after_confirming(page: Page, server: Server) -> None:
    """The arrows reorder the list (and the API's order); Delete asks first, then the rule is gone."""
    for name in ("Tie A", "Tie B"):
        server.send("POST", "rules", {"name": name, "keywords": [name.lower()], "reply": f"{name} here."})
    open_rules(page, server, ADMIN)
    names = page.get_by_test_id("rule-row-name")
    before = names.all_inner_texts()
    assert before.index("Tie A") + 1 == before.index("Tie B")
    rule_row(page, "Tie B").get_by_test_id("rule-up").click()
    expect(page.get_by_test_id("rules-status")).to_contain_text("Moved “Tie B”")
    after = names.all_inner_texts()
    assert after.index("Tie B") + 1 == after.index("Tie A")
    order = [r["name"] for r in server.get("rules", limit=200)["data"]]
    assert order.index("Tie B") + 1 == order.index("Tie A")
    expect(rule_row(page, "Tie B").get_by_test_id("rule-up")).to_be_focused()
    moved = page.get_by_test_id("history-item").first
    expect(moved).to_have_attribute("data-action", "reordered")
    expect(moved).to_contain_text("the order of the rules")
    expect(moved.locator(".diff-row")).to_have_count(2)
    expect(moved.locator(".diff-row").filter(has_text="Tie B")).to_contain_text(
        f"#{after.index('Tie B') + 2}→#{after.index('Tie B') + 1}"
    )

    rule_row(page, "Tie A").get_by_test_id("rule-open").click()
    page.get_by_test_id("rule-delete").click()
    expect(page.get_by_test_id("rule-delete-panel")).to_contain_text("Delete “Tie A”?")
    page.get_by_test_id("rule-delete-cancel").click()
    expect(rule_row(page, "Tie A")).to_be_visible()
    page.get_by_test_id("rule-delete").click()
    page.get_by_test_id("rule-delete-confirm").click()
    expect(page.get_by_test_id("rules-status")).to_contain_text("Deleted “Tie A”")
    expect(rule_row(page, "Tie A")).to_have_count(0)
    assert "Tie A" not in [r["name"] for r in server.get("rules", limit=200)["data"]]
    expect(page.get_by_test_id("history-item").first).to_have_attribute("data-action", "deleted")


def test_an_agent_sees_the_rules_read_only_and_can_use_the_bench(
    page: Page, server: Server, hours_rule: dict[str, Any]
) -> None:
    """No button that writes: no New rule, switches, arrows, Save or Delete; the bench still answers."""
    open_rules(page, server, AGENT)
    expect(page.get_by_test_id("rules-readonly")).to_be_visible()
    row = rule_row(page, hours_rule["name"])
    expect(row).to_be_visible()
    for testid in ("rule-new", "rules-import", "rule-enabled", "rule-up", "rule-down"):
        expect(page.get_by_test_id(testid)).to_have_count(0)
    expect(row.get_by_test_id("rule-enabled-state")).to_have_text("On")

    row.get_by_test_id("rule-open").click()
    expect(page.get_by_test_id("rule-readonly")).to_be_visible()
    expect(page.get_by_test_id("rule-name")).to_be_disabled()
    expect(page.get_by_test_id("rule-name")).to_have_value(hours_rule["name"])
    expect(page.get_by_test_id("rule-reply")).to_be_disabled()
    expect(page.get_by_test_id("rule-keywords")).to_be_disabled()
    expect(page.get_by_test_id("rule-keyword-chip").get_by_role("button")).to_have_count(0)
    for testid in ("rule-save", "rule-delete", "rule-revert"):
        expect(page.get_by_test_id(testid)).to_have_count(0)
    expect(page.get_by_test_id("rule-preview-reply-text")).to_have_text(hours_rule["reply"])

    page.get_by_test_id("bench-input").fill("what are your hours")
    expect(page.get_by_test_id("bench-outcome")).to_have_attribute("data-kind", "rule")
    expect(page.get_by_test_id("bench-reply-text")).to_have_text(hours_rule["reply"])

    response = page.request.get(f"{server.url}/admin/settings")
    assert response.status == 403


def test_a_hostile_rule_name_and_reply_render_as_text(page: Page, server: Server) -> None:
    """Markup in a rule's name, keyword and reply is shown as typed everywhere, never run or parsed."""
    hostile = '<img src=x onerror="window.__pwned=1">'
    server.send(
        "POST",
        "rules",
        {"name": f"Evil {hostile}", "keywords": ["evil"], "match": "phrase", "reply": f"Reply {hostile}"},
    )
    open_rules(page, server, ADMIN)
    row = rule_row(page, f"Evil {hostile}")
    expect(row).to_be_visible()
    row.get_by_test_id("rule-open").click()
    expect(page.get_by_test_id("rule-editor-title")).to_have_text(f"Evil {hostile}")
    expect(page.get_by_test_id("rule-preview-reply-text")).to_have_text(f"Reply {hostile}")
    page.get_by_test_id("bench-input").fill("evil")
    expect(page.get_by_test_id("bench-reply-text")).to_have_text(f"Reply {hostile}")
    expect(page.get_by_test_id("bench-match")).to_contain_text(hostile)
    expect(page.get_by_test_id("history-item").first).to_contain_text(hostile)
    assert page.locator("main img").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_import_reports_every_problem_and_changes_nothing_then_a_good_file_imports(
    page: Page, server: Server, tmp_path: Path
) -> None:
    """A file with bad rules is refused whole, each problem named; the exported file imports back."""
    open_rules(page, server, ADMIN)
    exported = server.api("GET", "rules/export")
    assert exported.ok, exported.text
    assert "attachment" in exported.headers["Content-Disposition"]
    document = exported.json()
    before = [r["name"] for r in server.get("rules", limit=200)["data"]]
    assert before == [r["name"] for r in document["rules"]]

    broken = {
        **document,
        "rules": [
            *document["rules"],
            {"name": "No keywords", "keywords": [], "reply": "x"},
            {"name": "Bad regex", "keywords": ["(oops"], "match": "regex", "reply": "x"},
        ],
    }
    bad_file = tmp_path / "broken-rules.json"
    bad_file.write_text(json.dumps(broken))
    page.get_by_test_id("rules-import").set_input_files(str(bad_file))
    panel = page.get_by_test_id("import-panel")
    expect(panel).to_contain_text(f"The file has {len(broken['rules'])} rules")
    panel.get_by_test_id("import-confirm").click()
    expect(panel.get_by_test_id("import-nothing-changed")).to_contain_text("Nothing was changed.")
    problems = panel.get_by_test_id("import-problem")
    expect(problems.filter(has_text="No keywords")).to_have_count(1)
    expect(problems.filter(has_text="Bad regex")).to_contain_text("not a valid regular expression")
    assert [r["name"] for r in server.get("rules", limit=200)["data"]] == before
    panel.get_by_test_id("import-close").click()

    good_file = tmp_path / "rules.json"
    good_file.write_text(json.dumps(document))
    page.get_by_test_id("rules-import").set_input_files(str(good_file))
    expect(panel).to_contain_text(f"Replace all {len(before)} current rules")
    panel.get_by_test_id("import-confirm").click()
    expect(page.get_by_test_id("rules-status")).to_contain_text(f"Imported {len(before)} rules.")
    expect(page.get_by_test_id("rule-row")).to_have_count(len(before))
    assert [r["name"] for r in server.get("rules", limit=200)["data"]] == before
