"""Consent keywords and plain-language opt-out detection."""

from __future__ import annotations

import pytest

from bot.compliance import (
    HELP_KEYWORDS,
    OPT_IN_KEYWORDS,
    OPT_OUT_KEYWORDS,
    ComplianceHit,
    detect,
    keyword_hit,
    plain_language_opt_out,
)
from bot.normalize import tokenize


def hit(text: str, opted_out: bool = False) -> ComplianceHit | None:
    return detect(text, tokenize(text), opted_out)


OPT_OUT_WORDS = [
    "STOP",
    "STOPALL",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "REVOKE",
    "OPTOUT",
    "OPT-OUT",
    "REMOVE",
    "ARRET",
    "TD",
]


@pytest.mark.parametrize("word", OPT_OUT_WORDS)
@pytest.mark.parametrize("dress", ["{}", "{}!", "  {}.  ", "{}?!", "*{}*", "{} 🛑"])
def test_every_opt_out_word_in_any_case_and_dress(word: str, dress: str) -> None:
    for variant in (word, word.lower(), word.capitalize()):
        found = hit(dress.format(variant))
        assert found is not None and found.kind == "opt_out" and found.source == "keyword", variant


@pytest.mark.parametrize(
    "text",
    [
        "ARRÊT",
        "arrêt",
        "STOP ALL",
        "stop all",
        "opt out",
        "Opt-Out",
        "OPT OUT!",
        "Stop please",
        "please STOP",
        "STOP STOP STOP",
        "stop it",
        "unsubscribe please",
        "Stop now!",
    ],
)
def test_opt_out_variants(text: str) -> None:
    found = hit(text)
    assert found is not None and found.kind == "opt_out"


@pytest.mark.parametrize("text", ["START", "start", "Start!", "UNSTOP", "unstop."])
@pytest.mark.parametrize("opted_out", [True, False])
def test_opt_in_words(text: str, opted_out: bool) -> None:
    found = hit(text, opted_out)
    assert found is not None and (found.kind, found.source) == ("opt_in", "keyword")


@pytest.mark.parametrize("text", ["YES", "yes", "Yes!", " yes. "])
def test_yes_opts_in_only_when_opted_out(text: str) -> None:
    found = hit(text, opted_out=True)
    assert found is not None and found.kind == "opt_in"
    assert hit(text, opted_out=False) is None


@pytest.mark.parametrize("text", ["HELP", "help", "Help?", "INFO", "info!", "help please"])
def test_help_words(text: str) -> None:
    found = hit(text)
    assert found is not None and (found.kind, found.source) == ("help", "keyword")


@pytest.mark.parametrize(
    "text",
    [
        "stop by the store tomorrow",
        "the end",
        "cancel my order",
        "remove the onions",
        "quit your job",
        "start time?",
        "yes please",
        "help me with my order",
        "info about the sale",
        "stopping by later",
        "endless",
        "stopwatch",
    ],
)
def test_keywords_only_count_as_the_whole_message(text: str) -> None:
    assert keyword_hit(tokenize(text), opted_out=True) is None


def test_keyword_sets_are_normalised() -> None:
    for keyword in OPT_OUT_KEYWORDS | OPT_IN_KEYWORDS | HELP_KEYWORDS:
        assert " ".join(tokenize(keyword)) == keyword


PLAIN_LANGUAGE_OPT_OUTS = [
    "please stop texting me",
    "stop texting me",
    "Stop texting me!!",
    "unsubscribe me",
    "take me off your list",
    "remove me from your list",
    "I want to opt out",
    "no more texts please",
    "don't text me anymore",
    "do not contact me again",
    "stop sending me messages",
    "leave me alone",
    "cancel my subscription to texts",
    "I'd like to unsubscribe",
    "how do I unsubscribe",
    "how do i unsubscribe from these",
    "STOP. I have asked you three times.",
    "Stop, I mean it",
    "why won't you stop texting me",
    "I'm not interested, stop texting me",
    "im not interested stop texting me",
    "quit messaging me",
    "can you stop the texts",
    "could you please stop sending these messages",
    "I do not wish to be contacted",
    "I don't want to receive any more texts",
    "I no longer want these messages",
    "delete my number",
    "please remove my phone number",
    "lose my number",
    "get me off this list",
    "take my number off your list",
    "please opt me out",
    "opting out",
    "stop with the spam",
    "never text me again",
    "dont msg me",
    "stop txting me",
    "unsubcribe",
    "remove from list",
    "please remove me",
    "stop all messages",
    "end these texts",
    "revoke my consent",
    "cancel all text alerts",
    "no more messages from you",
    "stop calling and texting me",
    "please stop the reminders",
    "Hi, this is Sam. Please take me off your mailing list, thanks.",
    "STOP SENDING ME THESE FUCKING TEXTS",
    "I dont want any more promotional texts",
    "you need to stop messaging me",
]


@pytest.mark.parametrize("text", PLAIN_LANGUAGE_OPT_OUTS)
def test_plain_language_opt_outs(text: str) -> None:
    found = hit(text)
    assert found is not None and found.kind == "opt_out", text


NOT_OPT_OUTS = [
    "don't stop",
    "please don't stop texting me",
    "do not unsubscribe me",
    "when do you stop serving breakfast?",
    "what time does the bus stop?",
    "can I cancel my order?",
    "the end of the street",
    "I want to remove an item from my order",
    "stop by the store tomorrow",
    "remove the onions please",
    "is the stop on main street?",
    "I can't stop laughing",
    "I do not want you to stop texting me",
    "why did you stop texting me?",
    "why don't you text me back",
    "drop me off at the station",
    "text me when it's ready",
    "I don't think you should stop sending updates",
    "cancel my subscription",
    "can you stop my order",
    "put me on the list",
    "get me a refund",
    "delete my account",
    "no thanks",
    "I don't want to unsubscribe",
    "never stop texting me",
    "stop the delivery",
    "how do I stop the water leak",
    "can you remove the charge from my card",
    "take me to the front desk",
    "the texts are great, keep them coming",
    "no more pickles on my burger",
    "please end my subscription to the magazine",
    "I don't want the blue one",
    "don't call before noon",
    "we stopped at the shop",
    "end of season sale?",
    "quit smoking tips",
    "I quit my gym membership",
    "can you take my order",
    "please send me the menu",
    "leave it at the door",
    "can you get my number right this time",
    "stop sign on the corner",
    "never mind",
]


@pytest.mark.parametrize("text", NOT_OPT_OUTS)
def test_not_opt_outs(text: str) -> None:
    found = hit(text)
    assert found is None or found.kind != "opt_out", (text, found)


def test_plain_language_source_is_reported() -> None:
    found = hit("please stop texting me")
    assert found is not None and found.source == "plain_language"
    assert plain_language_opt_out("take me off your list") == "take me off"
    assert plain_language_opt_out("what are your hours") is None


def test_long_message_with_an_opt_out_at_the_end() -> None:
    text = (
        "Thanks for the update about my order and the delivery window. " * 20 + "Now please stop texting me."
    )
    found = hit(text)
    assert found is not None and found.kind == "opt_out"


def test_clause_hints_cover_every_strong_spelling() -> None:
    from bot.compliance import _ANY_STRONG, _STRONG_HINTS

    assert all(any(hint in word for hint in _STRONG_HINTS) for word in _ANY_STRONG)


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("STOP", "keyword"),
        ("stop all", "keyword"),
        ("Opt-out!", "keyword"),
        ("stop please", "plain_language"),
        ("unsubscribe me", "plain_language"),
        ("please stop texting me", "plain_language"),
    ],
)
def test_consent_source(text: str, source: str) -> None:
    found = hit(text)
    assert found is not None and (found.kind, found.source) == ("opt_out", source)
