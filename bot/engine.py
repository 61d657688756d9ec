"""decide(text, state, rules) -> Decision: compliance first, then rules. Deterministic, no I/O.

Order of decision (each step ends the decision when it applies):

1. normalise the text;
2. compliance, whatever the conversation status: STOP words and plain-language opt-outs -> OPT_OUT
   (one confirmation; nothing at all when already opted out), START/UNSTOP (YES only when opted
   out) -> OPT_IN, HELP/INFO -> HELP. START from a contact who is not opted out is still OPT_IN
   with the START text and consent="opt_in": the inbox records the (re)confirmation;
3. an opted-out contact gets silence, unless the text is exactly the keyword of a subscribe rule: asking
   to join a list is asking for texts again, so SUBSCRIBE with consent="opt_in" (typos do not count here);
4. a pending/open conversation belongs to an agent: silence;
5. a request for a person -> HUMAN (hand-off);
6. the best matching rule -> RULE, or SUBSCRIBE when it is a subscribe rule (the confirmation names the
   brand, the list and its frequency; with double opt-in it asks for a YES instead);
7. nothing -> FALLBACK, and after settings.misses_before_handoff misses in a row a hand-off.

A YES (see CONFIRM_PHRASES) from a contact who is not opted out is decided as above but marked
`confirms`: the inbox, which alone knows whether the contact has a pending list membership, lets it
confirm that membership instead. No other text is marked, so no other text costs the inbox a look.

Every hand-off acknowledges with handoff_ack, or outside business hours (state.now against
settings.business_hours) with after_hours_text, which can say when someone will answer ({{ next_open }}).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from bot.compliance import ComplianceHit, detect
from bot.hours import describe_opening, is_open, next_opening
from bot.intents import is_human_request
from bot.matching import KeywordIndex
from bot.normalize import tokenize
from bot.rules import (
    BotSettings,
    ConversationState,
    Decision,
    DecisionKind,
    Rule,
    RuleMatch,
    SubscriptionTexts,
)
from bot.templates import Template, TemplateContext, compile_template
from bot.texts import effective_text_templates

MAX_RUNNERS_UP = 5
_AGENT_STATUSES = ("pending", "open")
# What confirms a double opt-in, as the whole text after normalisation (emoji aside): a clear yes only.
# "ok", "yeah" or "sure" are not taken as consent; neither is a yes inside a longer sentence.
CONFIRM_PHRASES: frozenset[str] = frozenset(
    {"yes", "y", "yes please", "confirm", "yes confirm", "yes i confirm", "yes i agree"}
)
EXACT_SCORE = 100.0


def is_confirmation(tokens: tuple[str, ...]) -> bool:
    """Whether a normalised text is a YES that can confirm a subscription ("Yes!", "y", "YES please 👍")."""
    words = [token for token in tokens if any(ch.isalnum() for ch in token)]
    return " ".join(words) in CONFIRM_PHRASES


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why the bot decided what it did: for the admin's test bench."""

    decision: Decision
    matches: tuple[RuleMatch, ...]  # every matching rule, best first (even when a rule did not decide)
    compliance: ComplianceHit | None
    human_request: bool


class Bot:
    """The compiled bot: rules indexed once, then decide() per inbound text (immutable, thread-safe)."""

    def __init__(self, rules: Iterable[Rule], settings: BotSettings | None = None) -> None:
        self.settings = settings if settings is not None else BotSettings()
        self.index = KeywordIndex(rules)
        # Rule ids are database ids, so unique; should one repeat, the first in id order answers.
        self._rules: dict[int, Rule] = {}
        for rule in self.index.rules:
            self._rules.setdefault(rule.id, rule)
        self._replies: dict[int, Template] = {
            rule_id: compile_template(rule.reply if isinstance(rule.reply, str) else "")
            for rule_id, rule in self._rules.items()
        }
        self._texts = {
            key: compile_template(text) for key, text in effective_text_templates(self.settings).items()
        }
        self.subscription_texts = SubscriptionTexts(self.settings.brand_name, self.settings.support_contact)
        self._joins_lists = any(rule.action == "subscribe" for rule in self._rules.values())

    def decide(self, text: str, state: ConversationState) -> Decision:
        """Decide what to do with one inbound text in a conversation with this state."""
        return self._decide(_Message.of(text), state)[0]

    def explain(self, text: str, state: ConversationState) -> Explanation:
        """decide() plus every matching rule and the compliance/human findings (for the test bench)."""
        message = _Message.of(text)
        decision, hit, human, matches = self._decide(message, state)
        if matches is None:
            matches = tuple(self.index.matches(message.tokens, message.text, message.present))
        return Explanation(decision, matches, hit, human)

    def _context(self, state: ConversationState) -> TemplateContext:
        hours = self.settings.business_hours
        next_open = ""
        if state.now is not None and hours.configured and not is_open(hours, state.now):
            opening = next_opening(hours, state.now)
            next_open = describe_opening(opening, state.now) if opening else ""
        return TemplateContext(
            contact_name=state.contact_name,
            contact_phone=state.contact_phone,
            brand=self.settings.brand_name,
            support=self.settings.support_contact,
            next_open=next_open,
        )

    def _text(self, key: str, context: TemplateContext) -> tuple[str, ...]:
        if key == "handoff_ack" and context.next_open:
            key = "after_hours_text"  # closed now: say when someone will answer
        rendered = self._texts[key].render(context).strip()
        return (rendered,) if rendered else ()

    def _decide(
        self, message: _Message, state: ConversationState
    ) -> tuple[Decision, ComplianceHit | None, bool, tuple[RuleMatch, ...] | None]:
        """The decision, the compliance hit, whether a person was asked for, and the rule matches
        (None when the rules were not consulted)."""
        decision, hit, human, matches = self._decide_text(message, state)
        if (
            not state.opted_out
            and decision.kind not in (DecisionKind.SUBSCRIBE, DecisionKind.OPT_OUT, DecisionKind.HELP)
            and is_confirmation(message.tokens)
        ):
            reason = f"{decision.reason}; a YES: it confirms a pending list subscription instead, if any"
            decision = replace(decision, confirms=True, texts=self.subscription_texts, reason=reason)
        return decision, hit, human, matches

    def _decide_text(
        self, message: _Message, state: ConversationState
    ) -> tuple[Decision, ComplianceHit | None, bool, tuple[RuleMatch, ...] | None]:
        normalized = message.normalized
        context = self._context(state)

        hit = detect(message.text, message.tokens, state.opted_out, message.present)
        if hit is not None:
            return self._consent(hit, state, normalized, context), hit, False, None
        if state.opted_out:
            if self._joins_lists and state.status not in _AGENT_STATUSES:
                matches = tuple(self.index.matches(message.tokens, message.text, message.present))
                rejoin = self._rejoin(matches, normalized)
                if rejoin is not None:
                    return rejoin, None, False, matches
            decision = Decision(
                DecisionKind.SILENT, normalized, misses=state.misses, reason="contact opted out"
            )
            return decision, None, False, None
        if state.status in _AGENT_STATUSES:
            reason = f"conversation is {state.status}: an agent has it"
            return (
                Decision(DecisionKind.SILENT, normalized, misses=state.misses, reason=reason),
                None,
                False,
                None,
            )

        if is_human_request(message.tokens, message.present):
            decision = Decision(
                DecisionKind.HUMAN,
                normalized,
                self._text("handoff_ack", context),
                handoff=True,
                misses=0,
                reason="asked for a person",
            )
            return decision, None, True, None

        matches = tuple(self.index.matches(message.tokens, message.text, message.present))
        if matches:
            return self._rule(matches, normalized, context), None, False, matches

        misses = state.misses + 1
        if misses >= self.settings.misses_before_handoff:
            decision = Decision(
                DecisionKind.FALLBACK,
                normalized,
                self._text("handoff_ack", context),
                handoff=True,
                misses=0,
                reason=f"no rule matched {misses} times in a row: handing off",
            )
        else:
            decision = Decision(
                DecisionKind.FALLBACK,
                normalized,
                self._text("fallback_text", context),
                misses=misses,
                reason="no rule matched",
            )
        return decision, None, False, matches

    def _consent(
        self, hit: ComplianceHit, state: ConversationState, normalized: str, context: TemplateContext
    ) -> Decision:
        if hit.kind == "opt_out":
            if state.opted_out:
                # One confirmation only: a repeated STOP is recorded but answered with silence.
                reason = "opt-out repeated; already opted out, so nothing is sent"
                replies: tuple[str, ...] = ()
            else:
                reason = f"opt-out ({hit.source}: {hit.matched})"
                replies = self._text("stop_text", context)
            return Decision(
                DecisionKind.OPT_OUT, normalized, replies, False, "opt_out", hit.source, reason=reason
            )
        if hit.kind == "opt_in":
            reason = f"opt-in ({hit.matched})" + ("" if state.opted_out else "; contact was not opted out")
            replies = self._text("start_text", context)
            return Decision(
                DecisionKind.OPT_IN, normalized, replies, False, "opt_in", hit.source, reason=reason
            )
        return Decision(
            DecisionKind.HELP, normalized, self._text("help_text", context), reason=f"help ({hit.matched})"
        )

    def _rejoin(self, matches: tuple[RuleMatch, ...], normalized: str) -> Decision | None:
        """An opted-out contact who texts a subscribe keyword exactly (no typos) asks for texts again."""
        for match in matches:
            rule = self._rules[match.rule_id]
            if rule.action == "subscribe" and rule.subscribe_list is not None and match.score >= EXACT_SCORE:
                others = tuple(m for m in matches if m is not match)
                return self._subscribe(rule, match, others, normalized, rejoin=True)
        return None

    def _subscribe(
        self,
        rule: Rule,
        winner: RuleMatch,
        runners_up: tuple[RuleMatch, ...],
        normalized: str,
        rejoin: bool = False,
    ) -> Decision:
        """Join the rule's list: the confirmation, or with double opt-in the request for a YES."""
        joined = rule.subscribe_list
        texts = self.subscription_texts
        if joined is None:  # validation refuses this; a list deleted under a running bot subscribes no one
            reason = f"rule {rule.name!r} matched {winner.keyword!r} but its list no longer exists"
            return Decision(DecisionKind.RULE, normalized, match=winner, misses=0, reason=reason)
        reply = texts.confirm_request(joined) if joined.double_opt_in else texts.subscribed(joined)
        reason = f"rule {rule.name!r} matched {winner.keyword!r}: subscribe to list {joined.name!r}"
        if joined.double_opt_in:
            reason += " (double opt-in: asks for a YES)"
        if rejoin:
            reason += "; the contact had opted out, so this opts them back in"
        return Decision(
            DecisionKind.SUBSCRIBE,
            normalized,
            (reply,),
            consent="opt_in" if rejoin else None,
            consent_source="keyword" if rejoin else None,
            match=winner,
            runners_up=runners_up[:MAX_RUNNERS_UP],
            misses=0,
            reason=reason,
            subscribe=joined,
            texts=texts,
        )

    def _rule(self, matches: tuple[RuleMatch, ...], normalized: str, context: TemplateContext) -> Decision:
        winner = matches[0]
        rule = self._rules[winner.rule_id]
        if rule.action == "subscribe":
            return self._subscribe(rule, winner, matches[1:], normalized)
        rendered = self._replies[rule.id].render(context).strip()
        reply = (rendered,) if rendered else ()  # an empty rendered reply is not sent
        if rule.action == "handoff":
            replies, handoff = self._text("handoff_ack", context), True
        elif rule.action == "reply_handoff":
            replies, handoff = (*reply, *self._text("handoff_ack", context)), True
        else:
            replies, handoff = reply, False
        return Decision(
            DecisionKind.RULE,
            normalized,
            replies,
            handoff,
            match=winner,
            runners_up=matches[1 : 1 + MAX_RUNNERS_UP],
            misses=0,
            reason=f"rule {rule.name!r} matched {winner.keyword!r} (score {winner.score:.0f})",
        )


@dataclass(frozen=True, slots=True)
class _Message:
    """An inbound text with its normalised forms, computed once per decision."""

    text: str
    tokens: tuple[str, ...]
    normalized: str
    present: frozenset[str]

    @classmethod
    def of(cls, text: object) -> _Message:
        """Normalise any input (a non-string counts as an empty message: decide() never raises)."""
        raw = text if isinstance(text, str) else ""
        tokens = tokenize(raw)
        return cls(raw, tokens, " ".join(tokens), frozenset(tokens))


def decide(
    text: str, state: ConversationState, rules: Iterable[Rule], settings: BotSettings | None = None
) -> Decision:
    """One-off decision (builds a Bot each call; keep a Bot around when deciding many texts)."""
    return Bot(rules, settings).decide(text, state)
