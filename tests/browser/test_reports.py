"""The reports page in Chromium: today's texts in, texts out and opt-outs (chart and table), and the
campaigns summary linking to each campaign's report. testids are listed in tests/browser/campaign_helpers.py.
"""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from tests.browser.campaign_helpers import (
    Member,
    full_screenshot,
    launch,
    make_campaign,
    make_sender,
    seed_list,
    wait_for_status,
)
from tests.browser.helpers import ADMIN, Server, post_inbound, sign_in, unique_phone, wait_until


def test_the_reports_page_counts_today_and_links_each_campaign(page: Page, server: Server) -> None:
    """Texts in and out and an opt-out made today show in today's row; a campaign's row opens its report."""
    talker, quitter = unique_phone(), unique_phone()
    post_inbound(server, "hello there", talker)
    post_inbound(server, "are you open today?", talker)
    post_inbound(server, "STOP", quitter)
    members = [Member(unique_phone(), name) for name in ("Ann", "Bob", "Cyd")]
    list_id = seed_list(server, "Report list", members)
    sender = make_sender(server, "Report lane", rate=20, price=0.05)
    campaign = make_campaign(
        server, "Report campaign", list_id, sender["id"], "News from {{ brand }}. Reply STOP to opt out."
    )
    launch(server, campaign["id"])
    wait_for_status(server, campaign["id"], "completed")

    def delivered() -> bool:
        report = server.get(f"campaigns/{campaign['id']}/report")
        return bool(report["funnel"]["delivered"] == 3)

    wait_until(delivered, "the campaign's three texts to be delivered")
    # The expected figures come from the database through the API, counted independently of the page.
    today = dt.datetime.now(dt.UTC).date().isoformat()
    expected = next(d for d in server.get("reports/daily", days=1)["data"] if d["date"] == today)
    assert expected["inbound"] == 3 and expected["opt_outs"] == 1
    assert (
        expected["outbound"] >= 4
    )  # the three campaign texts and the STOP confirmation (and any bot replies)

    sign_in(page, server, ADMIN)
    page.goto("/admin/reports")
    expect(page.get_by_test_id("daily-report")).to_have_attribute("data-loaded", "yes")
    expect(page.get_by_test_id("daily-row")).to_have_count(30)
    row = page.locator(f'[data-testid=daily-row][data-date="{today}"]')
    expect(row).to_contain_text("Today")
    expect(row.get_by_test_id("daily-inbound")).to_have_text("3")
    expect(row.get_by_test_id("daily-outbound")).to_have_text(str(expected["outbound"]))
    expect(row.get_by_test_id("daily-opt-outs")).to_have_text("1")
    expect(page.get_by_test_id("daily-row").first).to_have_attribute("data-date", today)  # newest first
    expect(page.get_by_test_id("daily-totals")).to_contain_text(
        f"3 in · {expected['outbound']} out · 1 opt-out"
    )
    chart = page.get_by_test_id("daily-chart")
    expect(chart).to_be_visible()
    assert chart.evaluate("canvas => canvas.width > 0 && canvas.height > 0")

    summary = page.locator(f'[data-testid=summary-row][data-id="{campaign["id"]}"]')
    expect(page.get_by_test_id("summary-table")).to_have_attribute("data-loaded", "yes")
    expect(summary.get_by_test_id("summary-status")).to_have_attribute("data-status", "completed")
    expect(summary.get_by_test_id("summary-targeted")).to_have_text("3")
    expect(summary.get_by_test_id("summary-sent")).to_have_text("3")
    expect(summary.get_by_test_id("summary-delivered")).to_have_text("3")
    expect(summary.get_by_test_id("summary-cost")).to_have_text("0.15")  # 3 segments at 0.05
    full_screenshot(page, "reports")

    summary.get_by_test_id("summary-name").click()
    expect(page).to_have_url(f"{server.url}/admin/campaigns/{campaign['id']}")
    expect(page.get_by_test_id("funnel-delivered-value")).to_have_text("3")
    expect(page.get_by_test_id("report-cost-value")).to_have_text("0.15")
