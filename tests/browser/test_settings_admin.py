"""The bot settings page: texts with live previews and carrier warnings, hand-off, hours — in Chromium.

data-testid attributes these tests (and anyone scripting the page) rely on:

  page           settings-root (data-loaded="yes" once filled), settings-form (data-dirty),
                 settings-load-error, settings-warnings (warnings for no field on the page)
  every field    settings-<field> (brand_name, support_contact, help_text, stop_text, start_text,
                 fallback_text, handoff_ack, after_hours_text, misses_before_handoff, timezone),
                 settings-error-<field>, settings-warning-<field>
  texts          settings-preview-<field> (holds settings-preview-<field>-sms(-text/-count)),
                 settings-default-<field> ("Using the default"), settings-reset-<field>
  hours          settings-now, settings-hours-note, settings-hours, settings-day-<day> (mon … sun),
                 settings-open-<day> (switch), settings-hours-<day>-<n>-start / -end (time selects),
                 settings-remove-<day>-<n>, settings-add-<day>, settings-copy-weekdays,
                 settings-error-business_hours
  saving         settings-save, settings-discard, settings-status ("Saved", "Unsaved changes" …),
                 settings-save-error
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.bot_admin_helpers import bot_reply_to, full_page_screenshot, open_settings, text_business
from tests.browser.conftest import BRAND
from tests.browser.helpers import ADMIN, AGENT, Server, sign_in, unique_phone


def test_texts_save_and_the_help_text_warns_without_rates(page: Page, server: Server) -> None:
    """A HELP text without "Msg&data rates may apply" is warned about as it is typed and after saving."""
    open_settings(page, server, ADMIN)
    help_text = page.get_by_test_id("settings-help_text")
    warning = page.get_by_test_id("settings-warning-help_text")
    expect(warning).to_be_hidden()  # the default HELP text says everything carriers ask for
    expect(help_text).to_have_attribute("placeholder", server.get("settings")["defaults"]["help_text"])

    help_text.fill("{{ brand }}: help at help@example.com. Reply STOP to opt out.")
    expect(warning).to_contain_text("Msg&data rates may apply")
    preview = page.get_by_test_id("settings-preview-help_text")
    expect(preview.get_by_test_id("settings-preview-help_text-sms-text")).to_have_text(
        f"{BRAND}: help at help@example.com. Reply STOP to opt out."
    )
    expect(preview.get_by_test_id("settings-preview-help_text-sms-count")).to_contain_text(
        "1 segment · GSM-7"
    )
    expect(page.get_by_test_id("settings-default-help_text")).to_be_hidden()
    expect(page.get_by_test_id("settings-status")).to_have_text("Unsaved changes")

    page.get_by_test_id("settings-handoff_ack").fill(
        'Thanks {{ contact.first_name | default("there") }}, a person will reply.'
    )
    page.get_by_test_id("settings-save").click()
    expect(page.get_by_test_id("settings-status")).to_have_text("Saved")
    expect(page.get_by_test_id("settings-save")).to_be_disabled()
    expect(warning).to_contain_text("Msg&data rates may apply")  # warnings do not block saving
    saved = server.get("settings")
    assert saved["help_text"] == "{{ brand }}: help at help@example.com. Reply STOP to opt out."
    assert saved["handoff_ack"] == 'Thanks {{ contact.first_name | default("there") }}, a person will reply.'

    page.reload()
    expect(page.get_by_test_id("settings-root")).to_have_attribute("data-loaded", "yes")
    expect(help_text).to_have_value(saved["help_text"])
    expect(warning).to_contain_text("Msg&data rates may apply")
    full_page_screenshot(page, "settings")


def test_an_empty_text_shows_and_uses_the_default(page: Page, server: Server) -> None:
    """Clearing a text shows the default as placeholder and previews the default text."""
    open_settings(page, server, ADMIN)
    stop_text = page.get_by_test_id("settings-stop_text")
    default = server.get("settings")["defaults"]["stop_text"]
    stop_text.fill("{{ brand }}: you are out. Reply START to come back.")
    expect(page.get_by_test_id("settings-default-stop_text")).to_be_hidden()
    expect(page.get_by_test_id("settings-reset-stop_text")).to_be_visible()
    stop_text.fill("")
    expect(stop_text).to_have_attribute("placeholder", default)
    expect(page.get_by_test_id("settings-default-stop_text")).to_have_text("Using the default")
    expect(page.get_by_test_id("settings-reset-stop_text")).to_be_hidden()
    preview = page.get_by_test_id("settings-preview-stop_text-sms-text")
    expect(preview).to_contain_text(BRAND)
    expect(page.get_by_test_id("settings-warning-stop_text")).to_be_hidden()


def test_errors_block_saving_until_fixed(page: Page, server: Server) -> None:
    """An unknown template variable and a zero miss count are errors next to their fields; Save stays off."""
    open_settings(page, server, ADMIN)
    fallback = page.get_by_test_id("settings-fallback_text")
    fallback.fill("Sorry {{ contact.nmae }}, try HOURS.")
    expect(page.get_by_test_id("settings-error-fallback_text")).to_contain_text("contact.nmae")
    expect(page.get_by_test_id("settings-save")).to_be_disabled()
    fallback.fill('Sorry {{ contact.first_name | default("there") }}, try HOURS.')
    expect(page.get_by_test_id("settings-error-fallback_text")).to_be_hidden()
    expect(page.get_by_test_id("settings-save")).to_be_enabled()

    misses = page.get_by_test_id("settings-misses_before_handoff")
    misses.fill("0")
    expect(page.get_by_test_id("settings-error-misses_before_handoff")).to_be_visible()
    expect(page.get_by_test_id("settings-save")).to_be_disabled()
    misses.fill("3")
    expect(page.get_by_test_id("settings-save")).to_be_enabled()
    page.get_by_test_id("settings-save").click()
    expect(page.get_by_test_id("settings-status")).to_have_text("Saved")
    assert server.get("settings")["misses_before_handoff"] == 3


def test_business_hours_and_time_zone_save(page: Page, server: Server) -> None:
    """A weekly grid: Monday 9–5 copied to the weekdays, a split Saturday, closed Sunday, in Europe/Paris."""
    open_settings(page, server, ADMIN)
    expect(page.get_by_test_id("settings-hours-note")).to_be_visible()  # no hours yet: always open
    page.get_by_test_id("settings-timezone").select_option("Europe/Paris")
    page.get_by_test_id("settings-open-mon").check()
    expect(page.get_by_test_id("settings-hours-mon-0-start")).to_have_value("09:00")
    page.get_by_test_id("settings-hours-mon-0-end").select_option("17:30")
    page.get_by_test_id("settings-copy-weekdays").click()
    page.get_by_test_id("settings-open-sat").check()
    page.get_by_test_id("settings-hours-sat-0-end").select_option("12:00")
    page.get_by_test_id("settings-add-sat").click()
    page.get_by_test_id("settings-hours-sat-1-start").select_option("14:00")
    page.get_by_test_id("settings-hours-sat-1-end").select_option("18:00")
    expect(page.get_by_test_id("settings-hours-note")).to_be_hidden()
    expect(page.get_by_test_id("settings-day-sun")).to_contain_text("Closed")

    page.get_by_test_id("settings-hours-sat-1-end").select_option("13:00")
    expect(page.get_by_test_id("settings-error-business_hours")).to_contain_text("Saturday")
    expect(page.get_by_test_id("settings-save")).to_be_disabled()
    page.get_by_test_id("settings-hours-sat-1-end").select_option("18:00")

    page.get_by_test_id("settings-save").click()
    expect(page.get_by_test_id("settings-status")).to_have_text("Saved")
    saved = server.get("settings")
    assert saved["timezone"] == "Europe/Paris"
    hours = saved["business_hours"]
    assert hours["mon"] == hours["fri"] == [["09:00", "17:30"]]
    assert hours["sat"] == [["09:00", "12:00"], ["14:00", "18:00"]]
    assert hours["sun"] == []
    expect(page.get_by_test_id("settings-now")).to_contain_text("there:")


def test_a_saved_text_is_what_the_next_customer_gets(page: Page, server: Server) -> None:
    """The fallback text saved on the page answers the next text nothing matches (no restart)."""
    open_settings(page, server, ADMIN)
    page.get_by_test_id("settings-fallback_text").fill("We did not get that. Reply HOURS or AGENT.")
    page.get_by_test_id("settings-save").click()
    expect(page.get_by_test_id("settings-status")).to_have_text("Saved")
    sent = text_business(page, server, unique_phone(), "zzz qqq")
    assert bot_reply_to(server, sent) == "We did not get that. Reply HOURS or AGENT."


def test_agents_cannot_open_the_settings(page: Page, server: Server) -> None:
    """The settings page is for admins: an agent gets the Not allowed page."""
    sign_in(page, server, AGENT)
    response = page.goto("/admin/settings")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
