"""The bot's value types: rules, settings, conversation state and decisions (all frozen)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from bot.hours import BusinessHours

MatchType = Literal["exact", "first_word", "phrase", "regex"]
Action = Literal["reply", "handoff", "reply_handoff", "subscribe"]
ConversationStatus = Literal["new", "bot", "pending", "open", "resolved"]
ConsentSource = Literal["keyword", "plain_language"]

MATCH_TYPES: tuple[str, ...] = ("exact", "first_word", "phrase", "regex")
ACTIONS: tuple[str, ...] = ("reply", "handoff", "reply_handoff", "subscribe")
DEFAULT_THRESHOLD = 85.0


@dataclass(frozen=True, slots=True)
class SubscribeList:
    """The facts about a subscriber list that joining it by keyword needs (the inbox loads them)."""

    id: int
    name: str
    frequency: str = ""  # "up to 4 msgs/month": said when joining; empty says "Msg frequency varies"
    double_opt_in: bool = False  # joining asks "Reply YES to confirm" and waits for the YES


@dataclass(frozen=True, slots=True)
class Rule:
    """One keyword rule as the admin defined it."""

    id: int
    name: str
    keywords: tuple[str, ...]
    match: MatchType = "first_word"
    fuzzy: bool = True
    threshold: float = DEFAULT_THRESHOLD  # rapidfuzz score 0..100
    priority: int = 0  # higher wins
    enabled: bool = True
    reply: str = ""  # template: {{ contact.name }}, {{ contact.first_name | default("there") }}, {{ brand }}
    action: Action = "reply"
    position: int = 0  # place in the admin's list: breaks ties between equal priority and score
    # action "subscribe": the list the keyword joins, by stored id and with its facts (subscribe_list is
    # None when no such list exists: validation refuses that, and the bot then subscribes no one).
    list_id: int | None = None
    subscribe_list: SubscribeList | None = None


@dataclass(frozen=True, slots=True)
class RuleError:
    """A validation problem with one field of a rule definition."""

    field: str
    message: str


@dataclass(frozen=True, slots=True)
class BotSettings:
    """The editable texts and knobs the bot needs (stored as settings in the database)."""

    brand_name: str = "Textdesk demo"
    support_contact: str = ""
    help_text: str = ""
    stop_text: str = ""
    start_text: str = ""
    fallback_text: str = ""
    handoff_ack: str = "Thanks! An agent will reply shortly."
    misses_before_handoff: int = 2
    after_hours_text: str = ""  # instead of handoff_ack outside business hours; may use {{ next_open }}
    business_hours: BusinessHours = field(default_factory=BusinessHours)


@dataclass(frozen=True, slots=True)
class ConversationState:
    """What the bot may know about the conversation a text arrived in."""

    status: ConversationStatus = "new"
    opted_out: bool = False
    misses: int = 0  # consecutive texts the bot could not answer
    contact_name: str | None = None
    contact_phone: str = ""
    now: dt.datetime | None = None  # when the text arrived (aware); business hours need it


class DecisionKind(StrEnum):
    """What the bot decided to do with one inbound text."""

    OPT_OUT = "opt_out"  # record opt-out; send the one confirmation (unless already opted out)
    OPT_IN = "opt_in"  # record opt-in; send the START text
    HELP = "help"  # send the HELP text
    RULE = "rule"  # a rule matched: its action says reply and/or hand off
    SUBSCRIBE = "subscribe"  # a subscribe rule matched: join decision.subscribe, send the confirmation
    HUMAN = "human"  # the customer asked for a person: hand off
    FALLBACK = "fallback"  # nothing matched: fallback text (or hand off after N misses)
    SILENT = "silent"  # say nothing (an agent has the conversation, or the contact is opted out)


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """One rule that matched, with how well."""

    rule_id: int
    rule_name: str
    keyword: str  # the keyword that matched
    score: float  # 100.0 for exact hits
    priority: int


@dataclass(frozen=True, slots=True)
class Decision:
    """The bot's complete, deterministic answer for one inbound text."""

    kind: DecisionKind
    normalized: str  # the text after normalisation
    replies: tuple[str, ...] = ()  # texts to send, in order (already rendered)
    handoff: bool = False  # move the conversation to `pending`
    consent: Literal["opt_out", "opt_in"] | None = None
    consent_source: ConsentSource | None = None
    match: RuleMatch | None = None
    runners_up: tuple[RuleMatch, ...] = ()
    misses: int = 0  # the conversation's consecutive-miss count after this text
    reason: str = ""  # a short human explanation (shown in the test bench and logs)
    subscribe: SubscribeList | None = None  # SUBSCRIBE: the list the text joins
    # A YES ("yes", "y", "yes please" …): if the contact has a pending (double opt-in) list membership,
    # the text confirms it instead of whatever else this decision says. Only the inbox knows, so it asks.
    confirms: bool = False
    texts: SubscriptionTexts | None = None  # the wording of joining/confirming (with subscribe or confirms)
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class SubscriptionTexts:
    """What joining a list says, in the brand's name: the brand, the list, how often, rates and how to stop
    (what the carriers' rules ask of a recurring-message program's opt-in texts)."""

    brand: str
    support: str = ""  # for the list's welcome text ({{ support }})

    def subscribed(self, joined: SubscribeList) -> str:
        """The confirmation once a membership is subscribed (single opt-in, or after the YES)."""
        return (
            f"{self.brand}: You're subscribed to {joined.name}. {frequency_sentence(joined)} "
            "Msg&data rates may apply. Reply HELP for help, STOP to cancel."
        )

    def confirm_request(self, joined: SubscribeList) -> str:
        """Double opt-in (and every web sign-up): the question a YES answers."""
        return (
            f"{self.brand}: Reply YES to confirm you want {joined.name} texts. {frequency_sentence(joined)} "
            "Msg&data rates may apply. Reply STOP to cancel."
        )

    def disclosure(self, joined: SubscribeList) -> str:
        """The consent wording of a sign-up form, next to its checkbox."""
        return (
            f"I agree to receive recurring {joined.name} text messages from {self.brand} at the number "
            f"above. {frequency_sentence(joined)} Consent is not a condition of purchase. "
            "Msg&data rates may apply. Reply STOP to cancel, HELP for help."
        )


def frequency_sentence(joined: SubscribeList) -> str:
    """The list's frequency as a sentence ("Up to 4 msgs/month."), or "Msg frequency varies." when unsaid."""
    said = " ".join(joined.frequency.split()).rstrip(".")
    if not said:
        return "Msg frequency varies."
    return said[0].upper() + said[1:] + "."


# Added for validation and the inbox's forms (existing names above are unchanged).
MIN_THRESHOLD = 50.0
MAX_THRESHOLD = 100.0
MAX_REPLY_CHARS = 1600  # a 10-segment SMS; longer replies are refused at validation time
MAX_KEYWORDS = 50
MAX_KEYWORD_CHARS = 200
MAX_REGEX_CHARS = 300
