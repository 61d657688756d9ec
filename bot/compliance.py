"""Consent keywords (STOP/START/HELP) and plain-language opt-out detection.

Carrier keywords are matched on the WHOLE message after normalisation (case, accents, surrounding
punctuation and emoji ignored), so "Stop!", "  stop. " and "ARRÊT" opt out while "stop by tomorrow"
does not. Two deliberate extensions:

* "STOP ALL", "opt out", "opt-out" are the spaced spellings of STOPALL/OPTOUT and count as keywords;
  the unambiguous words (STOP, STOPALL, UNSUBSCRIBE, OPTOUT, REVOKE) also count with courtesy words
  around them ("stop please", "please stop", "STOP STOP", "unsubscribe me"), recorded as
  plain language since they are not the bare keyword.
* A clause that is nothing but such a word ("STOP. I have asked three times") counts too.

Plain-language revocation (the FCC's "any reasonable means") is a small grammar over normalised
words: a verb of stopping followed by an object that is about messages ("stop sending me texts"),
unsubscribe/opt out anywhere, remove/take *me* (off the list), "don't text me", "I don't want any
more messages", "no more texts", "leave me alone". A negation in front of the verb, reaching it only
through words like "want you to" ("please don't stop texting me", "do not unsubscribe me"), cancels
it, unless it is rhetorical ("why won't you stop texting me"); "I'm not interested, stop texting me"
still opts out. When in doubt about a clear wish to stop receiving messages the grammar honours it;
when the object is not about messages ("cancel my order", "stop by the store", "remove the onions")
it does not fire. Known limits: past tense ("I unsubscribed already") and "wrong number" are not
treated as opt-outs; a clause that is only "stop" ("Stop, I meant the blue one") is.

Cost: set tests decide which head words could possibly fire; only the few words around those are
parsed, so a 1,600-character message costs about what its head words cost.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Literal

from bot.normalize import MAX_INPUT_CHARS, tokenize
from bot.rules import ConsentSource

ComplianceKind = Literal["opt_out", "opt_in", "help"]

OPT_OUT_KEYWORDS: frozenset[str] = frozenset(
    {
        "stop",
        "stopall",
        "stop all",
        "unsubscribe",
        "cancel",
        "end",
        "quit",
        "revoke",
        "optout",
        "opt out",  # also "OPT-OUT": hyphens separate words
        "remove",
        "arret",  # also "ARRÊT": accents are stripped
        "td",
    }
)
OPT_IN_KEYWORDS: frozenset[str] = frozenset({"start", "unstop"})
OPT_IN_WHEN_OPTED_OUT: frozenset[str] = frozenset({"yes"})
HELP_KEYWORDS: frozenset[str] = frozenset({"help", "info"})

# Words that mean "stop messaging me" on their own; CANCEL/END/QUIT/REMOVE are carrier keywords
# only as the whole message, because in a sentence they are about orders and streets.
_STRONG_OPT_OUT = frozenset({"stop", "stopall", "unsubscribe", "optout", "revoke"})
_COURTESY = frozenset(
    {
        "please",
        "now",
        "thanks",
        "thank",
        "you",
        "thx",
        "ty",
        "all",
        "it",
        "this",
        "asap",
        "immediately",
        "right",
        "away",
        "already",
        "just",
        "ok",
        "okay",
        "sorry",
        "hi",
        "hello",
        "hey",
        "again",
        "me",
        "them",
    }
)

# Common spellings folded onto one word before the grammar runs.
_CANONICAL = {
    "txt": "text",
    "txts": "texts",
    "txting": "texting",
    "textin": "texting",
    "texing": "texting",
    "txtin": "texting",
    "msg": "message",
    "msgs": "messages",
    "mesage": "message",
    "mesages": "messages",
    "messeges": "messages",
    "msging": "messaging",
    "messagin": "messaging",
    "unsub": "unsubscribe",
    "unsubcribe": "unsubscribe",
    "unsuscribe": "unsubscribe",
    "unsubscibe": "unsubscribe",
    "unsubsribe": "unsubscribe",
    "unsubscrib": "unsubscribe",
    "unsubscribing": "unsubscribe",
    "u": "you",
    "ur": "your",
    "pls": "please",
    "plz": "please",
    "plez": "please",
    "dnt": "dont",
    "stp": "stop",
}
_STOP_VERBS = frozenset({"stop", "quit", "cease", "discontinue", "end", "halt", "cancel"})
_MESSAGE_WORDS = frozenset(
    {
        "text",
        "texts",
        "texting",
        "message",
        "messages",
        "messaging",
        "sms",
        "smss",
        "smses",
        "notification",
        "notifications",
        "alert",
        "alerts",
        "reminder",
        "reminders",
        "update",
        "updates",
        "promo",
        "promos",
        "promotion",
        "promotions",
        "offer",
        "offers",
        "spam",
        "spamming",
        "marketing",
        "newsletter",
        "newsletters",
        "contact",
        "contacting",
        "communication",
        "communications",
        "email",
        "emails",
        "emailing",
        "call",
        "calls",
        "calling",
        "bothering",
        "harassing",
        "pestering",
        "pinging",
    }
)
# Words allowed between the verb and its message object ("stop sending me all these texts").
_OBJECT_FILLER = frozenset(
    {
        "me",
        "us",
        "my",
        "our",
        "all",
        "any",
        "the",
        "these",
        "those",
        "this",
        "that",
        "your",
        "of",
        "with",
        "future",
        "more",
        "further",
        "other",
        "promotional",
        "automated",
        "auto",
        "spammy",
        "stupid",
        "annoying",
        "fucking",
        "freaking",
        "fking",
        "damn",
        "bloody",
        "please",
        "sending",
        "send",
        "receiving",
        "getting",
        "to",
        "from",
        "for",
        "at",
        "number",
        "phone",
        "cell",
        "subscription",
        "subscriptions",
        "marketing",
        "text",
        "sms",
        "and",
        "or",
        "every",
        "daily",
        "weekly",
        "constant",
    }
)
_NEGATORS = frozenset(
    {
        "dont",
        "not",
        "never",
        "cant",
        "cannot",
        "wont",
        "shouldnt",
        "doesnt",
        "didnt",
        "wouldnt",
        "couldnt",
        "mustnt",
        "neednt",
    }
)
# Words that may sit between a negator and the verb it negates ("don't want you to stop").
_NEGATION_BRIDGE = frozenset(
    {
        "want",
        "you",
        "to",
        "ever",
        "please",
        "just",
        "really",
        "need",
        "wish",
        "like",
        "think",
        "should",
        "will",
        "would",
        "them",
        "it",
        "i",
        "me",
        "yet",
        "go",
        "ahead",
        "and",
    }
)
_REMOVE_VERBS = frozenset({"remove", "delete", "erase", "scrub", "lose"})
_TAKE_VERBS = frozenset({"take", "get"})
_ME = frozenset({"me", "us", "myself"})
_MY = frozenset({"my", "our", "this", "that"})
_MY_THINGS = frozenset({"number", "phone", "cell", "name", "info", "information", "details", "contact"})
_LISTS = frozenset(
    {
        "list",
        "lists",
        "mailing",
        "database",
        "system",
        "contacts",
        "subscribers",
        "subscription",
        "subscriptions",
        "texts",
        "messages",
        "sms",
        "directory",
        "records",
        "file",
        "distribution",
        "roster",
    }
)
_CONTACT_VERBS = frozenset({"text", "message", "contact", "sms", "email", "bother", "spam", "ping", "send"})
_CONTACT_OBJECTS = frozenset({"me", "us", "this", "anymore", "again", "ever", "here", "any", "these"})
_WANT = frozenset({"want", "wish", "need", "like"})
_WANT_FILLER = frozenset(
    {
        "to",
        "receive",
        "receiving",
        "get",
        "getting",
        "any",
        "more",
        "these",
        "those",
        "your",
        "the",
        "be",
        "anymore",
        "further",
        "future",
        "marketing",
        "promotional",
        "text",
        "sms",
        "being",
        "from",
        "you",
        "this",
        "number",
        "of",
    }
)
_PASSIVE_CONTACT = frozenset({"contacted", "texted", "messaged", "emailed", "bothered", "spammed"})
_CLAUSE_SPLIT_RE = re.compile(r"[.,;:!?()\[\]\n\r\t\u2026]+")


def _spellings(words: frozenset[str]) -> frozenset[str]:
    """The words plus every raw spelling that _CANONICAL folds onto one of them."""
    return words | {raw for raw, canonical in _CANONICAL.items() if canonical in words}


# Cheap necessary conditions (set tests on the raw words) before the grammar runs: every pattern
# needs its head word AND some word of its object, so ordinary sentences skip it entirely.
_ANY_STRONG = _spellings(_STRONG_OPT_OUT | {"unsubscribe"})
_ANY_STOP = _spellings(_STOP_VERBS)
_ANY_MESSAGE = _spellings(_MESSAGE_WORDS)
_ANY_REMOVE = _spellings(_REMOVE_VERBS | _TAKE_VERBS)
_ANY_ME = _spellings(_ME | _MY)
_ANY_NEGATOR = _spellings(frozenset({"dont", "never", "not"}))
_ANY_NEGATED_OBJECT = _spellings(_CONTACT_VERBS | _WANT)
_STRONG_HINTS = ("stop", "stp", "unsu", "opt", "revoke")  # substrings of every _ANY_STRONG spelling
_ANY_UNSUBSCRIBE = _spellings(frozenset({"unsubscribe", "optout", "stopall"}))
_LOOK_BEHIND = 7  # "why" + negator + up to 5 bridge words
_LOOK_AHEAD = 12  # verb + object + up to 6 filler words + "out of" + list


def _candidate_heads(present: AbstractSet[str]) -> set[str]:
    """Head words whose pattern could fire, judged by set tests alone (usually none)."""
    heads = set(_ANY_UNSUBSCRIBE.intersection(present))
    if "revoke" in present:
        heads.add("revoke")
    if "out" in present:
        heads.update(present & {"opt", "opting", "opted"})
    if not _ANY_MESSAGE.isdisjoint(present):
        heads.update(_ANY_STOP.intersection(present))
    if not _ANY_ME.isdisjoint(present) or "from" in present:
        heads.update(_ANY_REMOVE.intersection(present))
    if not _ANY_NEGATED_OBJECT.isdisjoint(present):
        heads.update(_ANY_NEGATOR.intersection(present))
    if "no" in present and ("more" in present or "longer" in present):
        heads.add("no")
    if "leave" in present and ("alone" in present or "be" in present):
        heads.add("leave")
    return heads


@dataclass(frozen=True, slots=True)
class ComplianceHit:
    """A consent or help request found in a message."""

    kind: ComplianceKind
    source: ConsentSource
    matched: str  # the keyword, or the name of the plain-language pattern that fired


def _words(tokens: tuple[str, ...] | list[str]) -> list[str]:
    # Emoji carry no words: "STOP 🛑" is STOP. A token is a word when its first character is a
    # letter or digit (emoji clusters start with a symbol).
    return [_CANONICAL.get(t, t) for t in tokens if t[0].isalnum()]


def _merge_opt_out(words: list[str]) -> list[str]:
    # "opt out", "opting out", "opted out", "opt me out" -> one word, so patterns see a single verb.
    merged: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("opt", "opting", "opted"):
            if words[i + 1 : i + 2] == ["out"]:
                merged.append("optout")
                i += 2
                continue
            if words[i + 1 : i + 3] in (["me", "out"], ["us", "out"]):
                merged.append("optout")
                i += 3
                continue
        merged.append(word)
        i += 1
    return merged


def keyword_hit(tokens: tuple[str, ...], opted_out: bool) -> ComplianceHit | None:
    """Match the whole message against the carrier keywords (STOP/START/HELP families)."""
    if len(tokens) > 40:  # a keyword message is a few words, maybe with some emoji
        return None
    words = _words(tokens)
    if not words or len(words) > 6:
        return None
    whole = " ".join(words)
    if whole in OPT_OUT_KEYWORDS:
        return ComplianceHit("opt_out", "keyword", whole)
    if whole in OPT_IN_KEYWORDS or (opted_out and whole in OPT_IN_WHEN_OPTED_OUT):
        return ComplianceHit("opt_in", "keyword", whole)
    if whole in HELP_KEYWORDS:
        return ComplianceHit("help", "keyword", whole)
    # With courtesy words around it ("stop please", "unsubscribe me", "STOP STOP") it is no longer
    # the bare carrier keyword, so the consent ledger records it as plain language.
    core = [w for w in _merge_opt_out(words) if w not in _COURTESY]
    if core:
        if all(w in _STRONG_OPT_OUT for w in core):
            return ComplianceHit("opt_out", "plain_language", core[0])
        if all(w in OPT_IN_KEYWORDS for w in core):
            return ComplianceHit("opt_in", "plain_language", core[0])
        if all(w in HELP_KEYWORDS for w in core):
            return ComplianceHit("help", "keyword", core[0])  # HELP records no consent
    return None


def _negated(words: list[str], i: int) -> bool:
    """Whether the verb at i is under a negation ("don't", "do not want you to", ...)."""
    j = i - 1
    while j >= 0 and i - j <= 5:
        word = words[j]
        if word in _NEGATORS:
            # "why won't you stop texting me" is a demand, not a negation.
            return not (j > 0 and words[j - 1] == "why")
        if word not in _NEGATION_BRIDGE:
            return False
        j -= 1
    return False


def _asks_about_the_past(words: list[str], i: int) -> bool:
    # "why did you stop texting me?" asks about something that happened; it is not a request.
    return i >= 2 and words[i - 2] in ("did", "have", "has", "had") and words[i - 1] in ("you", "they", "we")


def _followed_by(words: list[str], start: int, filler: frozenset[str], targets: frozenset[str]) -> bool:
    """Whether words[start:] is zero or more filler words then a target word (filler capped at 6)."""
    j = start
    while j < len(words) and j - start <= 6:
        word = words[j]
        if word in targets:
            return True
        if word not in filler:
            return False
        j += 1
    return False


def _object_is_me(words: list[str], i: int) -> int:
    """Length of a "me"/"my number" object starting at i (0 when there is none)."""
    if i < len(words) and words[i] in _ME:
        return 1
    if i + 1 < len(words) and words[i] in _MY and words[i + 1] in _MY_THINGS:
        # "my phone number", "my cell number"
        return 3 if i + 2 < len(words) and words[i + 2] in ("number", "info", "details") else 2
    return 0


def _opt_out_at(words: list[str], i: int) -> str | None:
    """Name of the plain-language opt-out pattern headed by words[i], if any."""
    n = len(words)
    word = words[i]
    if word in _STOP_VERBS:
        if (
            _followed_by(words, i + 1, _OBJECT_FILLER, _MESSAGE_WORDS)
            and not _negated(words, i)
            and not _asks_about_the_past(words, i)
        ):
            return "stop messages"
    elif word in ("unsubscribe", "optout", "stopall"):
        if not _negated(words, i):
            return word
    elif word in ("opt", "opting", "opted"):
        # "opt out", "opting out", "opt me out"
        if (
            words[i + 1 : i + 2] == ["out"] or words[i + 1 : i + 3] in (["me", "out"], ["us", "out"])
        ) and not _negated(words, i):
            return "optout"
    elif word == "revoke":
        if _followed_by(words, i + 1, _OBJECT_FILLER, frozenset({"consent", "permission"})) and not _negated(
            words, i
        ):
            return "revoke consent"
    elif word in _REMOVE_VERBS or word in _TAKE_VERBS:
        if _negated(words, i):
            return None
        size = _object_is_me(words, i + 1)
        after = i + 1 + size
        from_list = words[after : after + 1] == ["from"] and _followed_by(
            words, after + 1, _OBJECT_FILLER, _LISTS
        )
        if word in _REMOVE_VERBS:
            # "remove me", "delete my number", "remove from your list" (not "remove the onions")
            if size or from_list:
                return "remove me"
        elif size and (
            words[after : after + 1] == ["off"]
            or from_list
            or (
                words[after : after + 2] == ["out", "of"]
                and _followed_by(words, after + 2, _OBJECT_FILLER, _LISTS)
            )
        ):
            return "take me off"
    elif word in ("dont", "never", "not") and not (i > 0 and words[i - 1] == "why"):
        # "don't text me (anymore)", "never message me again", "do not contact me"
        j = i + 1
        while j < n and words[j] in ("ever", "please", "you", "again", "even"):
            j += 1
        if j < n and words[j] in _CONTACT_VERBS:
            if words[j] == "send":
                if _followed_by(words, j + 1, _OBJECT_FILLER, _MESSAGE_WORDS):
                    return "don't text me"
            elif j + 1 < n and words[j + 1] in _CONTACT_OBJECTS:
                return "don't text me"
        # "I don't want (to receive) any more texts", "I do not wish to be contacted"
        k = j
        while k < n and k - j < 2 and words[k] not in _WANT:
            k += 1
        if k < n and words[k] in _WANT and _wants_no_messages(words, k + 1):
            return "don't want messages"
    elif word == "no" and i + 1 < n:
        nxt = words[i + 1]
        if nxt == "more" and _followed_by(words, i + 2, _OBJECT_FILLER, _MESSAGE_WORDS):
            return "no more messages"
        if nxt == "longer":
            k = i + 2
            while k < n and k - i < 5 and words[k] not in _WANT:
                k += 1
            if k < n and _wants_no_messages(words, k + 1):
                return "don't want messages"
    elif (
        word == "leave"
        and words[i + 1 : i + 2] in (["me"], ["us"])
        and i + 2 < n
        and words[i + 2] in ("alone", "be")
        and not _negated(words, i)
    ):
        return "leave me alone"
    return None


def _wants_no_messages(words: list[str], start: int) -> bool:
    return _followed_by(words, start, _WANT_FILLER, _MESSAGE_WORDS) or _followed_by(
        words, start, _WANT_FILLER, _PASSIVE_CONTACT
    )


def _keyword_clause(text: str) -> bool:
    """Whether a clause of the text is nothing but an opt-out word ("STOP. I have asked twice")."""
    for clause in _CLAUSE_SPLIT_RE.split(text):
        if len(clause) > 80:  # six short words at most: no need to look inside long clauses
            continue
        if clause.isascii() and not any(hint in clause.lower() for hint in _STRONG_HINTS):
            continue  # cheaper than tokenising every clause of a long message
        words = _merge_opt_out(_words(tokenize(clause)))
        if any(w in _STRONG_OPT_OUT for w in words) and all(
            w in _STRONG_OPT_OUT or w in _COURTESY for w in words
        ):
            return True
    return False


# What must come right after some heads for their pattern to have a chance ("no" -> "no more").
_NEXT = {
    "no": frozenset({"more", "longer"}),
    "leave": frozenset({"me", "us"}),
    "opt": frozenset({"out", "me", "us"}),
    "opting": frozenset({"out", "me", "us"}),
    "opted": frozenset({"out", "me", "us"}),
    **dict.fromkeys(_REMOVE_VERBS | _TAKE_VERBS, _ME | _MY | {"from"}),
}
_AFTER_NEGATOR = _spellings(_CONTACT_VERBS | _WANT)


def _next_words_fit(head: str, tokens: tuple[str, ...], i: int) -> bool:
    """A cheap look at the next words before building a window around tokens[i]."""
    allowed = _NEXT.get(head)
    if allowed is not None:
        return i + 1 < len(tokens) and tokens[i + 1] in allowed
    if head in ("dont", "never", "not"):
        return not _AFTER_NEGATOR.isdisjoint(tokens[i + 1 : i + 5])
    return True


def plain_language_opt_out(
    text: str, tokens: tuple[str, ...] | None = None, present: AbstractSet[str] | None = None
) -> str | None:
    """Name of the plain-language opt-out pattern the text matches ("stop messages", ...), or None."""
    text = text[:MAX_INPUT_CHARS]
    if tokens is None:
        tokens = tokenize(text)
    present = present if present is not None else set(tokens)
    if not _ANY_STRONG.isdisjoint(present) and _keyword_clause(text):
        return "keyword clause"
    # Only the neighbourhood of each head word matters, so a 1,600-character message costs what
    # its few head words cost. Emoji are dropped from the window; spellings are folded.
    for head in sorted(_candidate_heads(present)):
        canonical = _CANONICAL.get(head, head)
        i = tokens.index(head)
        while True:
            if not _next_words_fit(canonical, tokens, i):
                try:
                    i = tokens.index(head, i + 1)
                except ValueError:
                    break
                continue
            before = _words(tokens[max(0, i - _LOOK_BEHIND) : i])
            window = [*before, _CANONICAL.get(head, head), *_words(tokens[i + 1 : i + 1 + _LOOK_AHEAD])]
            found = _opt_out_at(window, len(before))
            if found is not None:
                return found
            try:
                i = tokens.index(head, i + 1)
            except ValueError:
                break
    return None


def detect(
    text: str, tokens: tuple[str, ...], opted_out: bool, present: AbstractSet[str] | None = None
) -> ComplianceHit | None:
    """Find a STOP/START/HELP keyword or a plain-language opt-out in one inbound message."""
    hit = keyword_hit(tokens, opted_out)
    if hit is not None:
        return hit
    found = plain_language_opt_out(text, tokens, present)
    if found is not None:
        return ComplianceHit("opt_out", "plain_language", found)
    return None
