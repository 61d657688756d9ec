"""Benchmark: bot decision time with the keyword index vs a naive rapidfuzz loop.

Run: .venv/bin/python bench/bench_bot.py [--quick]

For 10, 1,000 and 10,000 generated rules it times Bot.decide() over a realistic message mix (exact
hits, typos, phrases inside sentences, misses, long messages) and, in the same run, the naive
reference matcher (bot.matching.naive_matches: every keyword of every rule scored with rapidfuzz,
same semantics), then checks the two agree on the winning rule. Prints figures; asserts nothing.
"""

from __future__ import annotations

import gc
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import Bot, BotSettings, ConversationState, Rule
from bot.matching import naive_matches
from bot.normalize import tokenize
from bot.rules import Action, MatchType

SEED = 20261124
SIZES = (10, 1_000, 10_000)
INDEXED_SAMPLES = 4_000
NAIVE_BUDGET_S = 8.0  # per size: the naive loop gets this much time (at least 20 messages)
PASSES = 3
# exact: a keyword alone; typo: a keyword with a typo per word (+ a few words); sentence: a keyword
# inside a sentence; miss / long_miss: 3-12 / 30 ordinary words; long: ~1,600 characters, half of
# them with a keyword somewhere in the first half.
KINDS = ("exact", "typo", "sentence", "miss", "long_miss", "long")
KIND_WEIGHTS = (25, 20, 20, 20, 8, 7)
MATCHES: tuple[MatchType, ...] = ("phrase", "first_word", "exact")
ACTIONS: tuple[Action, ...] = ("reply", "handoff", "reply_handoff")


def _wordlist(text: str) -> list[str]:
    """Whitespace-separated words (keeps the vocabularies readable)."""
    return text.split()


def emit(line: str = "") -> None:
    """Print one report line (flushed, so progress shows while the naive loop runs)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


SUPPORT_WORDS = _wordlist(
    """
hours opening address location directions parking refund return exchange warranty shipping delivery
tracking order status invoice receipt payment billing price pricing discount coupon voucher gift
card membership subscription account password login reset appointment booking reservation cancel
reschedule menu vegan gluten allergy delivery pickup curbside catering wholesale careers jobs hiring
manager holiday christmas weekend saturday sunday monday tuesday wednesday thursday friday schedule
calendar availability stock inventory size colour color fitting repair service maintenance
installation insurance policy privacy complaint feedback review rating loyalty points rewards
balance statement prescription pharmacy vaccine clinic doctor dentist cleaning checkup emergency
urgent walkin insurance tuition enrollment registration classes courses teacher homework transcript
library lockers uniform wifi internet outage router modem signal coverage roaming upgrade contract
plan unlimited data minutes
"""
)
PHRASE_TAILS = _wordlist(
    """
hours policy status number card times info details options fees process form date time schedule
"""
)
SYLLABLES = _wordlist(
    """
ba be bi bo bu ca ce co cu da de di do du fa fe fi fo ga ge go ha he hi ho ka ke ki ko la le li lo
lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve
vi vo za ze zo bra bre bri cra cre cri dra dre fra fre gra gre pra pre pri tra tre tri sta ste sti
sto str lan len lin lon man men min mon nan nen ton ten tin ver vor ber bor der dor ker kor ler lor
mer mor
"""
)
FILLER = _wordlist(
    """
hi hello hey thanks thank you please can could would i we my our your the a an to for of on in at is
are was do does did have has had what when where why how which who this that there here it its me us
just really very so and or but if then about with from by tomorrow today tonight yesterday morning
week time still yet again also know need want like get got make made see look help sure okay ok yes
no maybe sorry great good bad new old last next first little much many more some any all every one
two three call text message phone number email name son daughter wife husband friend work home car
"""
)


def make_words(rng: random.Random, count: int) -> list[str]:
    """Real support words plus pronounceable generated ones (real-looking, 4-12 letters)."""
    words = list(dict.fromkeys(SUPPORT_WORDS))
    seen = set(words)
    while len(words) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 4))))
        if 4 <= len(word) <= 12 and word not in seen:
            seen.add(word)
            words.append(word)
    return words


def make_rules(rng: random.Random, size: int, words: list[str]) -> list[Rule]:
    """Rules with a realistic mix of match types, 1-4 keywords of 1-2 words, fuzzy mostly on."""
    rules: list[Rule] = []
    regex_count = max(1, size // 1000 * 2)
    for rule_id in range(1, size + 1):
        if (
            rule_id % max(1, size // regex_count) == 0
            and sum(r.match == "regex" for r in rules) < regex_count
        ):
            anchor = rng.choice(words)
            rules.append(
                Rule(
                    rule_id,
                    f"regex {rule_id}",
                    (rf"\b{anchor}\s*#?\d{{3,6}}\b",),
                    "regex",
                    reply=f"r{rule_id}",
                )
            )
            continue
        keywords = []
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
            if rng.random() < 0.3:
                keywords.append(f"{rng.choice(words)} {rng.choice(PHRASE_TAILS + words)}")
            else:
                keywords.append(rng.choice(words))
        match = rng.choices(MATCHES, weights=(40, 35, 25))[0]
        rules.append(
            Rule(
                rule_id,
                f"rule {rule_id}",
                tuple(dict.fromkeys(keywords)),
                match,
                fuzzy=rng.random() < 0.85,
                threshold=rng.choice((80.0, 85.0, 85.0, 90.0)),
                priority=rng.choice((0, 0, 0, 0, 1, 2, 5)),
                reply=f"Reply for rule {rule_id}, {{{{ contact.first_name | default('there') }}}}",
                action=rng.choices(ACTIONS, weights=(90, 5, 5))[0],
            )
        )
    return rules


def typo(rng: random.Random, word: str) -> str:
    """One realistic typo: a dropped, doubled, swapped or wrong letter (words of 4+ letters)."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("drop", "double", "swap", "wrong"))
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap":
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word[:i] + rng.choice("aeiourstln") + word[i + 1 :]


def filler(rng: random.Random, count: int) -> str:
    """Ordinary words that are not keywords (mostly)."""
    return " ".join(rng.choice(FILLER) for _ in range(count))


def make_messages(rng: random.Random, rules: list[Rule], count: int) -> list[tuple[str, str]]:
    """(kind, text) pairs: exact hits, typos, phrases in sentences, misses and long messages."""
    keywords = [k for r in rules if r.match != "regex" for k in r.keywords]
    messages: list[tuple[str, str]] = []
    for _ in range(count):
        kind = rng.choices(KINDS, weights=KIND_WEIGHTS)[0]
        keyword = rng.choice(keywords)
        if kind == "exact":
            text = rng.choice((keyword, keyword.upper() + "?", keyword.capitalize() + "!"))
        elif kind == "typo":
            text = " ".join(typo(rng, w) for w in keyword.split())
            if rng.random() < 0.4:
                text = f"{text} {filler(rng, rng.randint(1, 4))}"
        elif kind == "sentence":
            text = f"Hi, {filler(rng, rng.randint(2, 8))} {keyword} {filler(rng, rng.randint(1, 8))}?"
        elif kind == "miss":
            text = filler(rng, rng.randint(3, 12)).capitalize() + "."
        elif kind == "long_miss":
            text = filler(rng, 30).capitalize() + "."
        else:
            text = ""
            while len(text) < 1550:
                text += filler(rng, rng.randint(6, 14)).capitalize() + ". "
            if rng.random() < 0.5:
                cut = rng.randrange(len(text) // 2)
                text = text[:cut] + f" {keyword} " + text[cut:]
            text = text[:1600]
        messages.append((kind, text))
    return messages


def percentile(samples: list[float], q: float) -> float:
    """The q-quantile (0..1) of the samples, nearest rank."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed(fn: Callable[[], object]) -> float:
    """Wall-clock microseconds one call takes."""
    start = time.perf_counter_ns()
    fn()
    return (time.perf_counter_ns() - start) / 1_000.0


def run_size(size: int, quick: bool) -> tuple[float, float, bool]:
    """Build the rules, time both matchers on the same messages, print the figures.

    Returns (indexed p99 in us, speed ratio, whether index and naive agreed on every message).
    """
    rng = random.Random(SEED + size)
    words = make_words(rng, 3_000 if size >= 1_000 else 300)
    rules = make_rules(rng, size, words)
    settings = BotSettings(brand_name="Bench Co", misses_before_handoff=1_000_000)
    state = ConversationState(status="bot", contact_name="Sam Jones")

    build_start = time.perf_counter()
    bot = Bot(rules, settings)
    build_s = time.perf_counter() - build_start
    messages = make_messages(rng, rules, 400 if quick else INDEXED_SAMPLES)

    for _kind, text in messages[:200]:  # warm up (template compile, code paths)
        bot.decide(text, state)
    # Every message is timed in PASSES separate passes and its median kept: the machine is shared,
    # and one scheduler hiccup should not become "the p99".
    passes: list[list[float]] = []
    gc.disable()
    for _ in range(PASSES):
        passes.append([timed(lambda text=text: bot.decide(text, state)) for _kind, text in messages])
    gc.enable()
    indexed = [statistics.median(times) for times in zip(*passes, strict=True)]

    by_kind: dict[str, list[float]] = {}
    for (kind, _text), micros in zip(messages, indexed, strict=True):
        by_kind.setdefault(kind, []).append(micros)

    naive: list[float] = []
    agree = disagree = 0
    budget_end = time.perf_counter() + (NAIVE_BUDGET_S / 4 if quick else NAIVE_BUDGET_S)
    for _kind, text in messages:
        if len(naive) >= 20 and time.perf_counter() > budget_end:
            break
        start = time.perf_counter_ns()
        expected = naive_matches(rules, tokenize(text), text)
        naive.append((time.perf_counter_ns() - start) / 1_000.0)
        got = bot.index.matches(tokenize(text), text)
        if got == expected:
            agree += 1
        else:
            disagree += 1
            winners = (got[0].rule_id if got else None, expected[0].rule_id if expected else None)
            emit(f"   DISAGREE on {text[:60]!r}: index winner {winners[0]}, naive winner {winners[1]}")
    same_messages = indexed[: len(naive)]

    stats = bot.index.stats
    median_i, p99_i = statistics.median(indexed), percentile(indexed, 0.99)
    median_n, p99_n = statistics.median(naive), percentile(naive, 0.99)
    ratio = median_n / statistics.median(same_messages)
    emit(
        f"\n== {size:,} rules ({stats['keywords']:,} keywords, {stats['distinct_keywords']:,} distinct; "
        f"{stats['deletion_keys']:,} deletion keys; {stats['unanchored']} unanchored; "
        f"built in {build_s:.2f} s)"
    )
    emit(
        f"   indexed Bot.decide : median {median_i:8.1f} us   p99 {p99_i:8.1f} us   "
        f"max {max(indexed):8.1f} us   ({len(indexed)} messages x {PASSES} passes)"
    )
    emit(f"   naive loop         : median {median_n:8.1f} us   p99 {p99_n:8.1f} us   ({len(naive)} messages)")
    emit(f"   speed ratio (median naive / median indexed, same {len(naive)} messages): {ratio:,.0f}x")
    emit(
        "   indexed by message kind (median / p99 us): "
        + ", ".join(
            f"{k} {statistics.median(v):.0f}/{percentile(v, 0.99):.0f}" for k, v in sorted(by_kind.items())
        )
    )
    emit(
        f"   agreement with naive: {agree}/{agree + disagree} messages with the same winner and the same "
        f"full ranking (ids, keywords, scores){'' if not disagree else '  <-- MISMATCH'}"
    )
    return p99_i, ratio, not disagree


def main() -> None:
    """Run every size (--quick: fewer messages and a shorter naive budget)."""
    quick = "--quick" in sys.argv
    started = time.perf_counter()
    emit(f"Python {sys.version.split()[0]}; seed {SEED}; goals at 10,000 rules: p99 < 200 us, ratio >= 50x")
    emit(
        "message mix: "
        + ", ".join(f"{kind} {weight}%" for kind, weight in zip(KINDS, KIND_WEIGHTS, strict=True))
        + f"; each message timed in {PASSES} passes (wall clock), its median kept"
    )
    results = {size: run_size(size, quick) for size in SIZES}
    p99, ratio, agreed = results[SIZES[-1]]
    emit(
        f"\ngoals at {SIZES[-1]:,} rules: p99 {p99:.0f} us ({'met' if p99 < 200 else 'MISSED'}), "
        f"ratio {ratio:,.0f}x ({'met' if ratio >= 50 else 'MISSED'}), "
        f"index and naive {'agree' if agreed else 'DISAGREE'}; total {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
