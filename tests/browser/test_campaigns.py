"""The campaign screens in Chromium: compose with a live preview, launch, watch it live, pause / resume /
cancel, recipients, the report's funnel, senders, hostile names, and who may open them.

The live server runs the campaign worker in-process (OUTBOX_MODE defaults to thread: it starts on the
first request) with the simulator, which reports each text sent and then delivered (+15005550009: failed,
30003). testids are listed in tests/browser/campaign_helpers.py.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.campaign_helpers import (
    HOSTILE,
    Member,
    campaign_row,
    choose,
    full_screenshot,
    funnel_value,
    launch,
    make_campaign,
    make_sender,
    open_campaign,
    open_campaigns,
    open_composer,
    recipient_row,
    seed_list,
    wait_for_status,
    warning,
)
from tests.browser.helpers import (
    ADMIN,
    AGENT,
    Server,
    message_with,
    open_inbox,
    post_inbound,
    screenshot,
    sign_in,
    thread,
    unique_phone,
    wait_until,
)

UNREACHABLE = "+15005550009"  # the simulator accepts it, then reports it failed with 30003
TEMPLATE = "Hi {{ contact.first_name }}! Spring sale at {{ brand }} this week. Reply STOP to opt out."


def opt_out(server: Server, phone: str) -> None:
    """The contact texts STOP (a signed webhook); waits until the desk has them opted out."""
    post_inbound(server, "STOP", phone)

    def opted_out() -> bool:
        rows = server.get("contacts", phone=phone)["data"]
        return bool(rows and rows[0]["opted_out"])

    wait_until(opted_out, f"{phone} to be opted out")


def test_compose_preview_launch_and_watch_it_complete_live(
    page: Page, second_page: Page, server: Server
) -> None:
    """The composer's preview follows the typing; the launch confirms count and cost; progress, the funnel
    and the recipients table update live until every text is delivered or failed."""
    ana, ben, cy, gone, left = (unique_phone() for _ in range(5))
    opt_out(server, gone)
    seed_list(
        server,
        "Spring VIPs",
        [
            Member(ana, "Ana Lopez"),
            Member(ben, "Ben Ortiz"),
            Member(cy, "Cy Park"),
            Member(UNREACHABLE, "Dee Unreachable"),
            Member(gone, "Gil Gone"),  # subscribed, but texted STOP: skipped as opted out
            Member(left, "Lee Left", status="unsubscribed"),  # left the list: skipped as not subscribed
        ],
    )
    make_sender(server, "Fast lane", rate=20, price=0.01)

    # The campaigns list is open elsewhere: the new campaign must appear and finish there without a reload.
    open_campaigns(second_page, server, ADMIN)
    second_page.evaluate("window.__stayed = true")

    open_campaigns(page, server, ADMIN)
    page.get_by_test_id("campaign-new").click()
    expect(page.get_by_test_id("campaign-preview")).to_have_attribute("data-loaded", "yes")
    expect(page.get_by_test_id("campaign-preview")).to_have_attribute("data-state", "empty")
    page.get_by_test_id("campaign-name-input").fill("Spring sale")
    choose(page.get_by_test_id("campaign-list"), "Spring VIPs")
    choose(page.get_by_test_id("campaign-sender"), "Fast lane")
    expect(page.get_by_test_id("campaign-sender-pace")).to_contain_text("20 segments a second")
    page.get_by_test_id("campaign-template").fill(TEMPLATE)
    page.get_by_test_id("campaign-window-start").fill("00:00")
    page.get_by_test_id("campaign-window-end").fill("24:00")

    preview = page.get_by_test_id("campaign-preview")
    expect(preview).to_have_attribute("data-state", "ok")
    expect(page.get_by_test_id("preview-eligible")).to_have_attribute("data-count", "4")
    expect(page.get_by_test_id("preview-selected")).to_have_attribute("data-count", "6")
    expect(page.get_by_test_id("preview-excluded-opted_out")).to_have_attribute("data-count", "1")
    expect(page.get_by_test_id("preview-excluded-not_subscribed")).to_have_attribute("data-count", "1")
    expect(page.get_by_test_id("preview-segments-value")).to_have_text("4")
    expect(page.get_by_test_id("preview-cost-value")).to_have_text("0.04")
    expect(page.get_by_test_id("campaign-sample")).to_have_count(3)
    expect(page.get_by_test_id("campaign-sample-text").first).to_have_text(
        "Hi Ana! Spring sale at Browser Test Co this week. Reply STOP to opt out."
    )
    expect(page.get_by_test_id("campaign-counter")).to_have_attribute("data-encoding", "GSM-7")
    expect(warning(page, "window_outside_lawful_hours")).to_be_visible()  # 00:00–24:00 is not TCPA hours
    expect(warning(page, "ucs2_template")).to_have_count(0)
    expect(warning(page, "no_opt_out")).to_have_count(0)

    # A curly apostrophe turns every text into UCS-2: the counter and the preview say so as it is typed.
    template = page.get_by_test_id("campaign-template")
    template.press("End")
    template.press_sequentially(" We’re open late!")
    expect(page.get_by_test_id("campaign-counter")).to_have_attribute("data-encoding", "UCS-2")
    expect(page.get_by_test_id("campaign-counter-ucs2")).to_contain_text("’")
    expect(warning(page, "ucs2_template")).to_contain_text("UCS-2")
    expect(page.get_by_test_id("campaign-sample-count").first).to_contain_text("UCS-2")
    expect(page.get_by_test_id("preview-segments-value")).to_have_text("8")  # 2 segments each now
    expect(page.get_by_test_id("preview-cost-value")).to_have_text("0.08")
    expect(warning(page, "multi_segment")).to_be_visible()
    full_screenshot(page, "campaign-composer")
    for _ in range(len(" We’re open late!")):
        template.press("Backspace")
    expect(page.get_by_test_id("campaign-counter")).to_have_attribute("data-encoding", "GSM-7")
    expect(warning(page, "ucs2_template")).to_have_count(0)
    expect(page.get_by_test_id("preview-cost-value")).to_have_text("0.04")

    # Launch: the confirmation restates how many people and what it costs.
    page.get_by_test_id("campaign-launch").click()
    dialog = page.get_by_test_id("launch-confirm")
    expect(dialog).to_be_visible()
    expect(page.get_by_test_id("launch-confirm-count")).to_contain_text(
        "4 people will get this text (2 left out)"
    )
    expect(page.get_by_test_id("launch-confirm-cost")).to_contain_text("0.04")
    page.get_by_test_id("launch-confirm-yes").click()
    expect(page).to_have_url(re.compile(r"/admin/campaigns/\d+$"))
    campaign_id = int(page.url.rsplit("/", 1)[1])
    expect(page.get_by_test_id("cmp-status")).to_contain_text("Launched “Spring sale”")
    page.evaluate("window.__stayed = true")

    # Progress reaches completed live, and the delivery reports arrive after it without a reload.
    expect(page.get_by_test_id("campaign-status")).to_have_attribute(
        "data-status", "completed", timeout=20_000
    )
    expect(page.get_by_test_id("campaign-progress-words")).to_have_text("6 of 6 handled (100%)")
    expect(page.get_by_test_id("progress-skipped-value")).to_have_text("2")
    expect(funnel_value(page, "delivered")).to_have_text("3", timeout=15_000)
    expect(funnel_value(page, "failed")).to_have_text("1")
    expect(funnel_value(page, "targeted")).to_have_text("6")
    expect(funnel_value(page, "excluded")).to_have_text("2")
    expect(funnel_value(page, "sent")).to_have_text("4")
    expect(page.get_by_test_id("report-cost-value")).to_have_text(
        "0.03"
    )  # 3 delivered segments; failed is free
    expect(page.get_by_test_id("progress-delivered-value")).to_have_text("3")
    expect(page.get_by_test_id("funnel-chart")).to_have_attribute("aria-label", re.compile("Delivered 3"))
    assert page.evaluate("window.__stayed") is True, "the page reloaded instead of updating live"

    # Recipients: each text's state, the failure's error, the skipped contacts and why, a link to the thread.
    expect(recipient_row(page, ana).get_by_test_id("recipient-text")).to_have_attribute(
        "data-status", "delivered"
    )
    failed = recipient_row(page, UNREACHABLE)
    expect(failed.get_by_test_id("recipient-text")).to_have_attribute("data-status", "failed")
    expect(failed.get_by_test_id("recipient-error")).to_contain_text("30003")
    conversation = server.conversation_for(ana)
    expect(recipient_row(page, ana).get_by_test_id("recipient-conversation")).to_have_attribute(
        "href", f"/conversations/{conversation['id']}"
    )
    page.get_by_test_id("recipients-reason").select_option("opted_out")
    expect(page.get_by_test_id("recipient-row")).to_have_count(1)
    skipped = recipient_row(page, gone)
    expect(skipped.get_by_test_id("recipient-status")).to_have_text("Skipped: Opted out (texted STOP)")
    expect(skipped.get_by_test_id("recipient-opted-out")).to_be_visible()
    expect(skipped.get_by_test_id("recipient-conversation")).to_have_count(0)
    page.get_by_test_id("recipients-status").select_option("")
    page.get_by_test_id("recipients-reason").select_option("")
    expect(page.get_by_test_id("recipient-row")).to_have_count(6)
    full_screenshot(page, "campaign-progress")

    # The list page, open since before the launch, shows it finished with its counts.
    row = campaign_row(second_page, campaign_id)
    expect(row.get_by_test_id("campaign-status")).to_have_attribute(
        "data-status", "completed", timeout=10_000
    )
    expect(row.get_by_test_id("campaign-name")).to_have_text("Spring sale")
    expect(row.get_by_test_id("campaign-audience")).to_have_text("List “Spring VIPs”")
    expect(row.get_by_test_id("campaign-progress")).to_have_attribute("data-done", "6")
    expect(row.get_by_test_id("campaign-delivered")).to_have_text("3", timeout=10_000)
    expect(row.get_by_test_id("campaign-failed")).to_have_text("1")
    assert second_page.evaluate("window.__stayed") is True
    full_screenshot(second_page, "campaigns-list")
    # The texts really went out through the one send path, into each contact's conversation.
    assert [m["body"] for m in server.conversation(conversation["id"])["messages"]][-1].startswith("Hi Ana!")

    # Ana answers: her text threads beside the campaign's, and the inbox marks both with the campaign.
    post_inbound(server, "Does it cover shoes?", ana)
    open_inbox(page, server, ADMIN, conversation["id"])
    sent = message_with(page, "Hi Ana! Spring sale at Browser Test Co this week. Reply STOP to opt out.")
    expect(sent.get_by_test_id("message-author")).to_have_text("Campaign")
    expect(sent.get_by_test_id("message-campaign")).to_have_text("“Spring sale”")
    reply = message_with(page, "Does it cover shoes?")
    expect(reply.get_by_test_id("message-campaign")).to_have_text("Reply to campaign “Spring sale”")
    expect(reply.get_by_test_id("message-campaign")).to_have_attribute(
        "href", f"/admin/campaigns/{campaign_id}"
    )
    # Her contact panel says she can be texted and which list she is on.
    expect(page.get_by_test_id("contact-opted-out")).to_have_text("Can receive texts")
    membership = page.get_by_test_id("contact-list")
    expect(membership).to_have_text("Spring VIPsSubscribed")
    expect(membership).to_have_attribute("data-status", "subscribed")
    screenshot(thread(page), "campaign-reply-in-inbox")
    screenshot(page, "campaign-reply-inbox-page")


def test_pause_resume_and_cancel_a_slow_campaign(page: Page, server: Server) -> None:
    """With a slow sender the admin pauses (texts stop), resumes, then cancels: the rest are skipped."""
    phones = [unique_phone() for _ in range(8)]
    list_id = seed_list(server, "Slow list", [Member(p, f"Slow {i}") for i, p in enumerate(phones)])
    sender = make_sender(server, "Slow lane", rate=0.5, price=0.02)
    campaign = make_campaign(
        server, "Slow drip", list_id, sender["id"], "Hello from {{ brand }}. Reply STOP to opt out."
    )
    launch(server, campaign["id"])
    open_campaign(page, server, ADMIN, campaign["id"])
    expect(page.get_by_test_id("campaign-status")).to_have_attribute("data-status", "sending", timeout=10_000)
    expect(page.get_by_test_id("campaign-fact-sender")).to_contain_text("Slow lane")

    page.get_by_test_id("campaign-pause").click()
    expect(page.get_by_test_id("campaign-status")).to_have_attribute("data-status", "paused")
    expect(page.get_by_test_id("cmp-status")).to_contain_text("Paused")
    expect(page.get_by_test_id("campaign-resume")).to_be_visible()
    expect(page.get_by_test_id("campaign-pause")).to_have_count(0)
    paused_at = server.get(f"campaigns/{campaign['id']}")["progress"]["recipients"]["sent"]
    page.wait_for_timeout(3000)  # 1.5 texts' worth at 0.5 a second: none may go out while paused
    assert server.get(f"campaigns/{campaign['id']}")["progress"]["recipients"]["sent"] == paused_at
    assert paused_at < len(phones)

    page.get_by_test_id("campaign-resume").click()
    expect(page.get_by_test_id("campaign-status")).to_have_attribute("data-status", "sending")
    expect(page.get_by_test_id("campaign-pause")).to_be_visible()

    page.get_by_test_id("campaign-cancel").click()
    expect(page.get_by_test_id("cancel-confirm")).to_contain_text("not yet texted will be skipped")
    page.get_by_test_id("cancel-confirm-yes").click()
    expect(page.get_by_test_id("campaign-status")).to_have_attribute("data-status", "cancelled")
    expect(page.get_by_test_id("campaign-actions").get_by_role("button")).to_have_count(0)
    done = server.get(f"campaigns/{campaign['id']}")["progress"]["recipients"]
    assert done["pending"] == 0 and done["skipped_by_reason"]["cancelled"] >= 1
    expect(page.get_by_test_id("progress-skipped-value")).to_have_text(str(done["skipped"]))
    page.get_by_test_id("recipients-reason").select_option("cancelled")
    expect(page.get_by_test_id("recipient-row")).to_have_count(done["skipped_by_reason"]["cancelled"])
    expect(page.get_by_test_id("recipient-status").first).to_have_text("Skipped: Campaign cancelled")


def test_a_conflict_is_explained_in_words(page: Page, server: Server) -> None:
    """When the page missed a change (no live connection), the 409 of a stale Pause is said in words."""
    list_id = seed_list(server, "Conflict list", [Member(unique_phone(), "Cat") for _ in range(4)])
    sender = make_sender(server, "Conflict lane", rate=0.3, price=0.01)
    campaign = make_campaign(
        server, "Stale page", list_id, sender["id"], "Hi from {{ brand }}. Reply STOP to opt out."
    )
    launch(server, campaign["id"])
    wait_for_status(server, campaign["id"], "sending")
    # This page hears nothing live: its Socket.IO connection is refused, whichever transport it tries.
    page.route_web_socket(re.compile(r"/socket\.io/"), lambda ws: ws.close())
    page.route(re.compile(r"/socket\.io/"), lambda route: route.abort())
    open_campaign(page, server, ADMIN, campaign["id"])
    expect(page.get_by_test_id("campaign-pause")).to_be_visible()
    server.send("POST", f"campaigns/{campaign['id']}/cancel", {})  # someone else cancels it meanwhile
    page.get_by_test_id("campaign-pause").click()
    expect(page.get_by_test_id("cmp-status")).to_have_text(
        "Could not pause it: a cancelled campaign cannot be paused. Its page now shows where it stands."
    )
    expect(page.get_by_test_id("campaign-status")).to_have_attribute("data-status", "cancelled")


def test_field_errors_show_next_to_their_fields(page: Page, server: Server) -> None:
    """A segment filter that does not parse points at its line and column; a bad window and a missing
    name are named where they are; a draft saves, reopens and deletes."""
    open_composer(page, server, ADMIN)
    page.get_by_test_id("campaign-segment").select_option("typed")
    page.get_by_test_id("campaign-segment-filter").fill('tag = "vip" and')
    expect(page.get_by_test_id("campaign-error-segment_filter")).to_contain_text("Line 1, column")
    expect(page.get_by_test_id("campaign-preview")).to_have_attribute("data-state", "invalid")
    expect(page.get_by_test_id("campaign-segment-filter")).to_have_attribute("aria-invalid", "true")
    page.get_by_test_id("campaign-segment-filter").fill('tag = "vip"')
    expect(page.get_by_test_id("campaign-error-segment_filter")).to_be_hidden()
    expect(page.get_by_test_id("campaign-preview")).to_have_attribute("data-state", "ok")
    expect(page.get_by_test_id("preview-eligible")).to_have_attribute("data-count", "0")
    expect(page.get_by_test_id("preview-cost-value")).to_have_text("0.00")  # the sample text is not billed

    page.get_by_test_id("campaign-window-end").fill("25:00")
    expect(page.get_by_test_id("campaign-error-window")).to_contain_text("HH:MM")
    page.get_by_test_id("campaign-window-end").fill("08:00")  # well formed, but before the start
    expect(page.get_by_test_id("campaign-error-window")).to_contain_text("start before it ends")
    page.get_by_test_id("campaign-window-default").click()
    expect(page.get_by_test_id("campaign-error-window")).to_be_hidden()

    page.get_by_test_id("campaign-template").fill("Hi {{ contact.shoe_size }}")
    expect(page.get_by_test_id("campaign-error-template")).to_contain_text("shoe_size")
    page.get_by_test_id("campaign-template").fill("Deals at {{ brand }}. Reply STOP to opt out.")
    expect(page.get_by_test_id("campaign-error-template")).to_be_hidden()

    page.get_by_test_id("campaign-save").click()
    expect(page.get_by_test_id("campaign-error-name")).to_have_text("Give the campaign a name.")
    page.get_by_test_id("campaign-name-input").fill("Draft to delete")
    page.get_by_test_id("campaign-save").click()
    expect(page.get_by_test_id("campaign-save-state")).to_have_text("Saved")
    expect(page).to_have_url(re.compile(r"/admin/campaigns/\d+/edit$"))
    campaign_id = int(page.url.rsplit("/", 2)[1])
    saved = server.get(f"campaigns/{campaign_id}")
    assert saved["status"] == "draft" and saved["segment_filter"] == 'tag = "vip"'

    # Launching a draft that reaches nobody is refused, and said next to the audience.
    page.get_by_test_id("campaign-launch").click()
    expect(page.get_by_test_id("campaign-error-list_id")).to_contain_text(
        "Nobody to send to: it selects nobody"
    )
    expect(page.get_by_test_id("launch-confirm")).to_have_count(0)

    page.reload()
    expect(page.get_by_test_id("campaign-name-input")).to_have_value("Draft to delete")
    expect(page.get_by_test_id("campaign-segment-filter")).to_have_value('tag = "vip"')
    page.get_by_test_id("campaign-delete").click()
    page.get_by_test_id("delete-confirm-yes").click()
    expect(page).to_have_url(re.compile(r"/admin/campaigns$"))
    expect(page.get_by_test_id("cmp-status")).to_contain_text("Deleted the draft “Draft to delete”")
    assert server.api("GET", f"campaigns/{campaign_id}").status_code == 404


def test_hostile_campaign_and_contact_names_render_as_text(page: Page, server: Server) -> None:
    """Markup in a campaign's name, its text and a contact's name shows as typed, never runs."""
    phone = unique_phone()
    list_id = seed_list(server, f"List {HOSTILE}", [Member(phone, HOSTILE)])
    sender = make_sender(server, "Hostile lane", rate=20)
    campaign = make_campaign(
        server, HOSTILE, list_id, sender["id"], f"{HOSTILE} {{{{ contact.name }}}} STOP to end"
    )
    launch(server, campaign["id"])
    wait_for_status(server, campaign["id"], "completed")

    open_campaigns(page, server, ADMIN)
    row = campaign_row(page, campaign["id"])
    expect(row.get_by_test_id("campaign-name")).to_have_text(HOSTILE)
    expect(row.get_by_test_id("campaign-audience")).to_have_text(f"List “List {HOSTILE}”")
    open_campaign(page, server, ADMIN, campaign["id"])
    expect(page.get_by_test_id("campaign-title")).to_have_text(HOSTILE)
    expect(page.get_by_test_id("campaign-template-text")).to_have_text(
        f"{HOSTILE} {{{{ contact.name }}}} STOP to end"
    )
    expect(recipient_row(page, phone).get_by_test_id("recipient-name")).to_have_text(HOSTILE)
    open_composer(page, server, ADMIN)
    choose(page.get_by_test_id("campaign-list"), "List <img")
    page.get_by_test_id("campaign-template").fill("{{ contact.name }} STOP")
    expect(page.get_by_test_id("campaign-sample-text").first).to_have_text(f"{HOSTILE} STOP")
    expect(page.get_by_test_id("campaign-sample")).to_have_count(1)
    assert page.locator("img").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_senders_add_edit_and_refuse_to_delete_one_in_use(page: Page, server: Server) -> None:
    """Senders: a bad pace is named next to its field; add, edit price; a sender in use is not deleted."""
    sign_in(page, server, ADMIN)
    page.goto("/admin/senders")
    expect(page.get_by_test_id("senders-table")).to_have_attribute("data-loaded", "yes")
    default = page.get_by_test_id("sender-row").filter(has_text="Default sender")
    expect(default.get_by_test_id("sender-row-from")).to_have_text("The desk's number")

    page.get_by_test_id("sender-name").fill("Toll-free line")
    page.get_by_test_id("sender-from").fill("+18005550100")
    page.get_by_test_id("sender-rate").fill("0")
    page.get_by_test_id("sender-price").fill("0.0083")
    page.get_by_test_id("sender-save").click()
    expect(page.get_by_test_id("sender-error-segments_per_second")).to_have_text(
        "Must be above 0 and at most 1000."
    )
    page.get_by_test_id("sender-rate").fill("3")
    expect(page.get_by_test_id("sender-rate-hint")).to_contain_text("180 a minute")
    page.get_by_test_id("sender-save").click()
    expect(page.get_by_test_id("cmp-status")).to_contain_text("Added “Toll-free line”")
    row = page.get_by_test_id("sender-row").filter(has_text="Toll-free line")
    expect(row.get_by_test_id("sender-row-pace")).to_have_text("3 segments a second (180 a minute)")
    expect(row.get_by_test_id("sender-row-price")).to_contain_text("0.0083")

    row.get_by_test_id("sender-edit").click()
    expect(page.get_by_test_id("sender-form-title")).to_have_text("Edit “Toll-free line”")
    page.get_by_test_id("sender-from").fill("not a number")
    page.get_by_test_id("sender-save").click()
    expect(page.get_by_test_id("sender-error-from_address")).to_contain_text("E.164")
    page.get_by_test_id("sender-from").fill("+18005550100")
    page.get_by_test_id("sender-price").fill("0.01")
    page.get_by_test_id("sender-save").click()
    expect(page.get_by_test_id("cmp-status")).to_contain_text("Saved “Toll-free line”")
    expect(row.get_by_test_id("sender-row-price")).to_have_text(re.compile(r"^0\.01$"))

    sender_id = int(row.get_attribute("data-id") or 0)
    list_id = seed_list(server, "Sender list", [Member(unique_phone(), "Sue")])
    make_campaign(server, "Uses toll-free", list_id, sender_id, "Hi. Reply STOP to opt out.")
    row.get_by_test_id("sender-delete").click()
    page.get_by_test_id("sender-delete-confirm-yes").click()
    expect(page.get_by_test_id("cmp-status")).to_contain_text("“Toll-free line” was not deleted: campaign")
    expect(page.get_by_test_id("cmp-status")).to_contain_text("uses this sender")
    expect(row).to_be_visible()
    full_screenshot(page, "senders")


def test_an_agent_cannot_open_the_campaign_screens(page: Page, server: Server) -> None:
    """Agents get 403 on every campaign page and see neither Campaigns nor Reports in the nav."""
    sign_in(page, server, AGENT)
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Inbox")).to_be_visible()
    expect(nav.get_by_role("link", name="Reports")).to_have_count(0)
    expect(nav.get_by_role("link", name="Campaigns")).to_have_count(0)
    for path in (
        "/admin/campaigns",
        "/admin/campaigns/new",
        "/admin/campaigns/1",
        "/admin/reports",
        "/admin/senders",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 403, path


def test_schedule_for_later_edit_while_scheduled_then_cancel(page: Page, server: Server) -> None:
    """A date and time typed in the browser's zone is sent with its offset; a scheduled campaign can still
    be edited (not rescheduled) and cancelled before it starts, texting nobody."""
    list_id = seed_list(server, "Later list", [Member(unique_phone(), "Lou"), Member(unique_phone(), "Max")])
    sender = make_sender(server, "Later lane", rate=5)
    draft = make_campaign(
        server, "New year", list_id, sender["id"], "Happy new year from {{ brand }}! STOP to end"
    )
    open_composer(page, server, ADMIN, draft["id"])
    expect(page.get_by_test_id("composer-title")).to_have_text("Edit draft: New year")
    expect(page.get_by_test_id("preview-eligible")).to_have_attribute("data-count", "2")
    page.get_by_test_id("campaign-schedule-later").check()
    expect(page.get_by_test_id("campaign-schedule-hint")).to_contain_text("In your time zone")
    page.get_by_test_id("campaign-launch").click()
    expect(page.get_by_test_id("campaign-error-scheduled_at")).to_contain_text("Pick the date and time")
    page.get_by_test_id("campaign-schedule-at").fill("2030-01-01T10:30")
    page.get_by_test_id("campaign-launch").click()
    expect(page.get_by_test_id("launch-confirm")).to_contain_text("Starts ")
    page.get_by_test_id("launch-confirm-yes").click()
    expect(page).to_have_url(f"{server.url}/admin/campaigns/{draft['id']}")
    expect(page.get_by_test_id("campaign-status")).to_have_attribute("data-status", "scheduled")
    expect(page.get_by_test_id("campaign-progress-words")).to_have_text("Not started")
    # The instant the server stored is the one the browser meant (10:30 in the browser's own zone).
    meant = page.evaluate("new Date('2030-01-01T10:30').toISOString()")
    stored = server.get(f"campaigns/{draft['id']}")["scheduled_at"]
    assert stored.replace("+00:00", "Z").replace(".000", "") == meant.replace(".000", "")

    page.get_by_test_id("campaign-edit").click()
    expect(page.get_by_test_id("composer-title")).to_have_text("Edit scheduled campaign: New year")
    expect(page.get_by_test_id("campaign-launch")).to_be_hidden()
    expect(page.get_by_test_id("campaign-schedule-at")).to_be_disabled()
    page.get_by_test_id("campaign-template").fill("Happy 2030 from {{ brand }}! STOP to end")
    page.get_by_test_id("campaign-save").click()
    expect(page.get_by_test_id("campaign-save-state")).to_have_text("Saved")
    assert server.get(f"campaigns/{draft['id']}")["template"].startswith("Happy 2030")

    page.get_by_test_id("campaign-back").click()
    campaign_row(page, draft["id"]).get_by_test_id("campaign-name").click()
    page.get_by_test_id("campaign-cancel").click()
    expect(page.get_by_test_id("cancel-confirm")).to_contain_text("Nobody has been texted yet")
    page.get_by_test_id("cancel-confirm-yes").click()
    expect(page.get_by_test_id("campaign-status")).to_have_attribute("data-status", "cancelled")
    assert server.get(f"campaigns/{draft['id']}")["progress"]["messages"]["queued"] == 0
