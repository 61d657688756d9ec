"""Requests for a human ("AGENT", "talk to someone", "real person") over normalised words.

Two shapes count:

* a short message made only of a person-word and filler ("agent", "human please", "I need an
  agent", "a real person now");
* a verb of talking/connecting followed by a person ("can I speak with someone about my bill",
  "let me talk to a human", "transfer me to an agent"), or "real/live/actual person" anywhere.

A person-word inside an ordinary sentence ("is a person available to pick up my order at 5?",
"my agent said I could return it") is not a request, and a negation ("I don't need an agent")
cancels it.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

_PEOPLE = frozenset(
    {
        "agent",
        "agents",
        "human",
        "humans",
        "person",
        "representative",
        "rep",
        "operator",
        "manager",
        "supervisor",
        "staff",
        "employee",
        "associate",
        "advisor",
        "adviser",
    }
)
_SOMEONE = frozenset({"someone", "somebody", "anyone", "anybody", "people", "human", "being"})
_FILLER = frozenset(
    {
        "a",
        "an",
        "the",
        "real",
        "live",
        "actual",
        "please",
        "pls",
        "plz",
        "now",
        "asap",
        "i",
        "want",
        "need",
        "to",
        "talk",
        "speak",
        "chat",
        "with",
        "me",
        "connect",
        "get",
        "can",
        "could",
        "may",
        "let",
        "give",
        "transfer",
        "put",
        "through",
        "hi",
        "hello",
        "hey",
        "customer",
        "service",
        "support",
        "being",
        "id",
        "like",
        "would",
        "you",
        "your",
        "one",
        "of",
        "are",
        "is",
        "this",
        "it",
        "there",
        "someone",
        "somebody",
        "just",
        "thanks",
        "thank",
        "ok",
        "okay",
        "yes",
        "reach",
    }
)
_TALK = frozenset({"talk", "speak", "chat", "connect", "transfer", "reach", "escalate"})
_TALK_FILLER = frozenset(
    {
        "to",
        "with",
        "me",
        "us",
        "through",
        "a",
        "an",
        "the",
        "real",
        "live",
        "actual",
        "your",
        "some",
        "one",
        "of",
    }
)
_NEGATORS = frozenset({"dont", "not", "never", "no", "doesnt", "didnt", "wont"})


_TARGETS = _PEOPLE | _SOMEONE


def is_human_request(tokens: tuple[str, ...] | list[str], present: AbstractSet[str] | None = None) -> bool:
    """Whether normalised words ask for a person (AGENT, "talk to someone", "real person", ...)."""
    present = present if present is not None else set(tokens)
    if _TARGETS.isdisjoint(present) or not _NEGATORS.isdisjoint(present):
        return False
    words = [t for t in tokens if t[0].isalnum()]  # emoji are not words: "agent 🙏" asks for one
    if (
        len(words) <= 8
        and any(w in _PEOPLE for w in words)
        and all(w in _PEOPLE or w in _FILLER for w in words)
    ):
        return True
    n = len(words)
    for i, word in enumerate(words):
        if word in _TALK:
            j = i + 1
            while j < n and j - i <= 5 and words[j] in _TALK_FILLER:
                j += 1
            if j < n and j > i + 1 and (words[j] in _PEOPLE or words[j] in _SOMEONE):
                return True
        elif word in ("real", "live", "actual") and i + 1 < n and words[i + 1] in _PEOPLE:
            return True
    return False
