"""What the carriers' rules ask of the HELP, STOP and START texts: warnings, never errors."""

from __future__ import annotations

from bot.validation import settings_warnings, validate_settings
from tests.bot.factories import make_settings


def warned(**settings: str) -> set[tuple[str, str]]:
    found = settings_warnings(make_settings(**settings))
    return {(w.field, w.message.split(" does not ")[1]) for w in found}


def test_the_default_texts_draw_no_warning() -> None:
    assert settings_warnings(make_settings()) == []
    assert settings_warnings(make_settings(support_contact="")) == []


def test_a_help_text_missing_everything_gets_three_warnings() -> None:
    assert warned(help_text="Call us any time.") == {
        ("help_text", "name the brand (Acme)."),
        ("help_text", "say how to opt out (Reply STOP to opt out)."),
        ("help_text", 'say "Msg&data rates may apply".'),
    }


def test_texts_are_checked_as_sent_with_the_brand_rendered() -> None:
    help_text = "{{ brand }} help: {{ support }}. Msg & data rates may apply. Reply STOP to cancel."
    assert warned(help_text=help_text) == set()


def test_start_and_stop_texts_have_their_own_checks() -> None:
    assert warned(start_text="Welcome back to Acme! Reply STOP to opt out.") == {
        ("start_text", 'say "Msg&data rates may apply".')
    }
    assert warned(stop_text="Acme: you will get no more texts.") == {
        ("stop_text", "say how to opt back in (Reply START).")
    }


def test_warnings_do_not_make_settings_invalid() -> None:
    assert validate_settings(make_settings(help_text="Call us any time.")) == []
