"""The keyword index: which rules match a normalised message, and how well. The only rapidfuzz user.

Semantics (the reference implementation is `naive_matches`, which the tests and the benchmark
compare the index against):

* exact      - the whole normalised message equals the keyword;
* first_word - the message's first N words equal the N-word keyword;
* phrase     - the keyword's words appear consecutively anywhere in the message;
* regex      - Python `re` (case-insensitive) found in the normalised text OR in the raw text
               (so a pattern may use punctuation such as "#\\d+" that normalisation removes).

Fuzzy matching (rule.fuzzy, keywords longer than 3 characters; never for regex) compares the keyword
with the message words it would occupy (the whole message, the first N words, or every N-word
window within the first FUZZY_WINDOW_WORDS words for phrase) and scores them with rapidfuzz's
ratio. Two deliberate refinements, both documented for admins:

* words are compared in place: a multi-word keyword is scored as fuzz.ratio over the whole phrase
  with the spaces held in position (the sum of per-word InDel distances), so a typo never merges or
  splits words; for one word this is exactly fuzz.ratio;
* a fuzzy match must look like a typo: at most MAX_MISSING (2) keyword characters missing and at
  most MAX_EXTRA (2) extra characters in the message (a substituted letter is one of each). At
  threshold 85 a 20-letter phrase would otherwise accept six edits, which is no longer a typo.

A match scores 100 when exact, else the ratio (>= the rule's threshold).

The index (why it is fast; nothing scans the keyword list):

* exact hits are dict and set lookups (whole message, first N words, every word for phrases);
* fuzzy candidates come from a SymSpell-style deletion index. Each keyword word that can anchor a
  match is stored under its deletion variants (0-2 letters deleted, never shorter than 3 letters);
  each distinct message word is looked up with its own variants (0-2 deletions: only as many as some
  stored key of that length can use). A shared key means the two words reach a common subsequence
  within the typo allowance. Keys lead to anchor words, and each anchor word reached is examined
  once with one exact LCS computation (rapidfuzz), then its uses (one-word keywords, phrases it
  anchors) are filtered by length and by what is left of the allowance, and the survivors are
  scored with rapidfuzz exactly like the naive loop does;
* for multi-word keywords a pigeonhole argument picks which words anchor and with what budgets so
  that every true match is reached through at least one of them (see _anchor_budgets); keywords
  that cannot be anchored (e.g. only 1-2 letter words, or very low thresholds) are checked one by
  one, which is rare;
* the work per message depends on its first FUZZY_WINDOW_WORDS words and on the few anchor words
  near them, not on the number of rules; misses are as cheap as hits.

Completeness (the index finds exactly what the naive loop finds) follows from: a true match is
always reachable through its longest common subsequence, whose missing/extra counts are within the
stored budgets. tests/bot check it with property tests against naive_matches.
"""

from __future__ import annotations

import math
import re
import re._constants as sre_constants
import re._parser as sre_parse
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from bot.normalize import MAX_INPUT_CHARS, tokenize
from bot.rules import Rule, RuleMatch

# Fuzzy phrase matching looks at the first 20 words (exact matching looks at all of them): SMS
# questions are short and come first, and the cap bounds the work on a 1,600-character message.
FUZZY_WINDOW_WORDS = 20
MIN_FUZZY_CHARS = 4  # keywords of 3 characters or fewer (after normalisation) match only exactly
MAX_MISSING = 2  # keyword characters a fuzzy match may lack
MAX_EXTRA = 2  # extra message characters a fuzzy match may have
_MIN_KEY = 3  # shortest deletion variant stored: shorter keys would match half the dictionary
_EPSILON = 1e-9  # bounds are computed with a margin; rapidfuzz has the last word
_MATCH_CODES = {"exact": 0, "first_word": 1, "phrase": 2}


def typo_score(keyword: Sequence[str], candidate: Sequence[str], threshold: float) -> float:
    """Fuzzy score of keyword words against the same number of message words (0.0: no match)."""
    if len(keyword) == 1:
        u, w = keyword[0], candidate[0]
        score = fuzz.ratio(u, w, score_cutoff=threshold)
        if not score:
            return 0.0
        common = (len(u) + len(w)) * score / 200.0  # LCS, recovered from the ratio
        if len(u) - common > MAX_MISSING + _EPSILON or len(w) - common > MAX_EXTRA + _EPSILON:
            return 0.0
        return score
    missing = extra = 0
    for u, w in zip(keyword, candidate, strict=True):
        cutoff = max(len(u) - (MAX_MISSING - missing), len(w) - (MAX_EXTRA - extra), 0)
        common = LCSseq.similarity(u, w, score_cutoff=cutoff)
        if common < cutoff:
            return 0.0
        missing += len(u) - common
        extra += len(w) - common
    total = sum(map(len, keyword)) + sum(map(len, candidate)) + 2 * (len(keyword) - 1)
    score = 100.0 * (1.0 - (missing + extra) / total)
    return score if score >= threshold else 0.0


def _clamp(threshold: float) -> float:
    """A usable threshold: validation keeps them in 50..100; a bad value must not break matching."""
    try:
        value = float(threshold)
    except (TypeError, ValueError):
        return 100.0
    return min(100.0, max(0.0, value)) if math.isfinite(value) else 100.0


def _feasible(length: int, missing: int, extra: int, threshold: float) -> bool:
    """Whether a keyword of `length` chars can score >= threshold with these missing/extra counts."""
    if missing > MAX_MISSING or extra > MAX_EXTRA or missing > length:
        return False
    other = length - missing + extra
    if other <= 0:
        return False
    return 100.0 * (1.0 - (missing + extra) / (length + other)) >= threshold - _EPSILON


def _limits(length: int, threshold: float) -> tuple[int, int]:
    """Most keyword characters a match can lack, and most extra message characters it can have."""
    a_max = max((a for a in range(MAX_MISSING + 1) if _feasible(length, a, 0, threshold)), default=-1)
    b_max = max((b for b in range(MAX_EXTRA + 1) if _feasible(length, 0, b, threshold)), default=-1)
    return a_max, b_max


def _anchor_budgets(words: tuple[str, ...], threshold: float) -> list[tuple[int, int, int]] | None:
    """(word index, index-side deletions, message-side deletions) per anchor word, or None.

    Correctness argument: a true match has per-word (missing_i, extra_i). Anchor i finds it when
    missing_i <= ea_i and extra_i <= eb_i (both sides reach the common subsequence by deleting).
    If every anchor missed, each word would have missing_i > ea_i or extra_i > eb_i; the budgets
    are accepted only when no such combination is feasible (within the caps and the threshold).
    Preferred: the longest word alone (fewest, most selective keys); else every word of 3+ letters.
    """
    length = sum(map(len, words)) + len(words) - 1
    a_max, b_max = _limits(length, threshold)
    if a_max < 0:
        return None
    longest = max(range(len(words)), key=lambda i: (len(words[i]), -i))
    if len(words[longest]) >= _MIN_KEY:
        alone = [(longest, min(MAX_MISSING, len(words[longest]) - _MIN_KEY, a_max), b_max)]
        if _complete(words, alone, length, threshold):
            return alone
    anchors = [
        (i, min(MAX_MISSING, len(word) - _MIN_KEY, a_max), min(1, b_max))
        for i, word in enumerate(words)
        if len(word) >= _MIN_KEY
    ]
    if not anchors:
        return None
    # Raise message-side budgets (the expensive side) only as far as completeness needs.
    while not _complete(words, anchors, length, threshold):
        growable = [k for k, (_i, _ea, eb) in enumerate(anchors) if eb < b_max]
        if not growable:
            return None
        k = max(growable, key=lambda k: (len(words[anchors[k][0]]), -anchors[k][0]))
        i, ea, eb = anchors[k]
        anchors[k] = (i, ea, eb + 1)
    return anchors


def _complete(
    words: tuple[str, ...], anchors: list[tuple[int, int, int]], length: int, threshold: float
) -> bool:
    """Whether every feasible match is found by at least one of these anchors."""
    by_word = {i: (ea, eb) for i, ea, eb in anchors}
    options = [
        [(by_word[i][0] + 1, 0), (0, by_word[i][1] + 1)] if i in by_word else [(0, 0)]
        for i in range(len(words))
    ]
    return not any(_feasible(length, m, e, threshold) for m, e in _sums(options))


def _sums(options: list[list[tuple[int, int]]]) -> set[tuple[int, int]]:
    """Every (total missing, total extra) reachable by picking one option per word (capped)."""
    cap_m, cap_e = MAX_MISSING + 1, MAX_EXTRA + 1
    reachable = {(0, 0)}
    for choices in options:
        reachable = {(min(m + a, cap_m), min(e + b, cap_e)) for m, e in reachable for a, b in choices}
    return reachable


def _deletions(word: str, depth: int) -> set[str]:
    """The word and the strings made by deleting up to `depth` (at most 2) letters, none shorter than 3."""
    size = len(word)
    found = {word}
    if depth >= 1 and size > _MIN_KEY:
        once = [word[:i] + word[i + 1 :] for i in range(size)]
        found.update(once)
        if depth >= 2 and size - 2 >= _MIN_KEY:
            found.update([d[:j] + d[j + 1 :] for i, d in enumerate(once) for j in range(i, size - 1)])
    return found


@dataclass(frozen=True, slots=True)
class _Use:
    """One use of an anchor word: in group `group`, as word number `anchor` of `size` words."""

    group: int
    anchor: int
    size: int
    shortest: int  # shortest and longest phrase (in characters) that can match the keyword
    longest: int
    extra_by_missing: tuple[int, ...]  # see KeywordIndex.__init__


@dataclass(frozen=True, slots=True)
class _Member:
    """One (rule, keyword) pair that shares a normalised keyword with others."""

    rule_pos: int
    keyword_pos: int  # position of the keyword in the rule (earlier wins ties)
    keyword: str  # as the admin wrote it
    match: int  # _MATCH_CODES
    fuzzy: bool
    threshold: float


@dataclass(frozen=True, slots=True)
class _Group:
    """A distinct normalised keyword and the rule keywords that normalise to it."""

    words: tuple[str, ...]
    members: tuple[_Member, ...]
    fuzzy_threshold: float  # lowest threshold of its fuzzy members (101: none fuzzy)


def compile_regex(pattern: str) -> re.Pattern[str]:
    """Compile a rule's regex the way matching uses it (case-insensitive)."""
    return re.compile(pattern, re.IGNORECASE)


def required_literal(pattern: str) -> str:
    """The longest lowercase ASCII text every match of the pattern must contain ("" if unknown).

    Used to skip a regex cheaply: when neither text contains the literal, the pattern cannot match.
    Only top-level literal runs count (nothing inside groups, repeats or alternatives).
    """
    try:
        parsed = sre_parse.parse(pattern, re.IGNORECASE)
    except (re.error, OverflowError, RecursionError):
        return ""
    best = run = ""
    for op, av in parsed:
        if op is sre_constants.LITERAL and av < 128:
            run += chr(av).lower()
        else:
            run = ""
        if len(run) > len(best):
            best = run
    return best


@dataclass(frozen=True, slots=True)
class _Hit:
    score: float
    keyword_pos: int
    keyword: str


def _record(best: dict[int, _Hit], rule_pos: int, hit: _Hit) -> None:
    old = best.get(rule_pos)
    if old is None or (hit.score, -hit.keyword_pos) > (old.score, -old.keyword_pos):
        best[rule_pos] = hit


class KeywordIndex:
    """Compiled keyword index over a fixed set of rules (immutable after construction)."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        # Sorted by id (then by content, should ids repeat) so that every structure, and so every
        # answer, is independent of the order the caller listed the rules in.
        self.rules: tuple[Rule, ...] = tuple(
            sorted((r for r in rules if r.enabled), key=lambda r: (r.id, repr(r)))
        )
        groups: dict[tuple[str, ...], list[_Member]] = {}
        regexes: list[tuple[int, int, str, re.Pattern[str], str]] = []
        for rule_pos, rule in enumerate(self.rules):
            keywords = (rule.keywords,) if isinstance(rule.keywords, str) else rule.keywords
            for keyword_pos, keyword in enumerate(keywords):
                if not isinstance(keyword, str):
                    continue
                if rule.match == "regex":
                    try:
                        compiled = compile_regex(keyword)
                    except (re.error, OverflowError, RecursionError):
                        continue  # validate_rule reports it; an invalid pattern never matches
                    regexes.append((rule_pos, keyword_pos, keyword, compiled, required_literal(keyword)))
                    continue
                words = tokenize(keyword)
                if not words or rule.match not in _MATCH_CODES:
                    continue
                text_length = sum(map(len, words)) + len(words) - 1
                member = _Member(
                    rule_pos,
                    keyword_pos,
                    keyword,
                    _MATCH_CODES[rule.match],
                    bool(rule.fuzzy) and text_length >= MIN_FUZZY_CHARS,
                    _clamp(rule.threshold),
                )
                groups.setdefault(words, []).append(member)
        self._regexes = tuple(regexes)
        self._groups: tuple[_Group, ...] = tuple(
            _Group(
                words,
                tuple(members),
                min((m.threshold for m in members if m.fuzzy), default=101.0),
            )
            for words, members in sorted(groups.items())
        )
        self._by_text: dict[str, int] = {}
        self._first_word_sizes: set[int] = set()
        self._phrase_single: dict[str, int] = {}
        self._phrase_multi: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        # Two levels: deletion key -> anchor words; anchor word -> its uses (one-word groups and
        # phrase groups it anchors). A message word that equals an anchor word reaches it through
        # dozens of keys, but its uses are examined once, with the exact common subsequence.
        word_ids: dict[str, int] = {}
        word_depth: list[int] = []  # deletions stored for each anchor word
        uses: list[list[_Use]] = []
        unanchored: list[int] = []
        fuzzy_sizes: set[int] = set()
        phrase_fuzzy = False
        for g, group in enumerate(self._groups):
            words = group.words
            self._by_text[" ".join(words)] = g
            codes = {m.match for m in group.members}
            if 1 in codes:
                self._first_word_sizes.add(len(words))
            if 2 in codes:
                if len(words) == 1:
                    self._phrase_single[words[0]] = g
                else:
                    self._phrase_multi.setdefault(words[0], []).append((words[1:], g))
            if group.fuzzy_threshold > 100.0:
                continue
            fuzzy_sizes.add(len(words))
            phrase_fuzzy = phrase_fuzzy or any(m.fuzzy and m.match == 2 for m in group.members)
            anchors = _anchor_budgets(words, group.fuzzy_threshold)
            if anchors is None:
                unanchored.append(g)
                continue
            length = sum(map(len, words)) + len(words) - 1
            a_max, b_max = _limits(length, group.fuzzy_threshold)
            for i, ea, eb in anchors:
                # extra_by_missing[a]: most extra letters the message word may have when the anchor
                # word lacks a letters: a true match is within budget and, summed, within threshold.
                extra_by_missing = tuple(
                    max(
                        (b for b in range(eb + 1) if _feasible(length, a, b, group.fuzzy_threshold)),
                        default=-1,
                    )
                    if a <= ea
                    else -1
                    for a in range(MAX_MISSING + 1)
                )
                word = words[i]
                wid = word_ids.setdefault(word, len(word_ids))
                if wid == len(uses):
                    uses.append([])
                    word_depth.append(0)
                word_depth[wid] = max(word_depth[wid], ea)
                uses[wid].append(_Use(g, i, len(words), length - a_max, length + b_max, extra_by_missing))
        # keys[variant][b]: anchor words worth examining when a message word lost b letters to reach
        # the variant (a true match is reached through its longest common subsequence, whose
        # missing/extra letters are within some use's allowance).
        keys: dict[str, list[list[int]]] = {}
        reaches: set[tuple[int, int]] = set()
        for word, wid in word_ids.items():
            for variant in _deletions(word, word_depth[wid]):
                missing = len(word) - len(variant)
                extra = max(use.extra_by_missing[missing] for use in uses[wid])
                if extra >= 0:
                    by_extra = keys.setdefault(variant, [[] for _ in range(MAX_EXTRA + 1)])
                    for b in range(extra + 1):
                        by_extra[b].append(wid)
                    reaches.add((len(variant), extra))
        # Most keys lead to the same one or two words: sharing equal tuples saves 40% of the memory.
        shared_ids: dict[tuple[int, ...], tuple[int, ...]] = {}
        shared_rows: dict[tuple[tuple[int, ...], ...], tuple[tuple[int, ...], ...]] = {}
        self._keys: dict[str, tuple[tuple[int, ...], ...]] = {}
        for key, by_extra in sorted(keys.items()):
            row = tuple(shared_ids.setdefault(ids, ids) for ids in map(tuple, by_extra))
            self._keys[key] = shared_rows.setdefault(row, row)
        self._anchor_words: tuple[str, ...] = tuple(word_ids)
        self._uses: tuple[tuple[_Use, ...], ...] = tuple(map(tuple, uses))
        self._unanchored = tuple(unanchored)
        self._words = tuple(group.words for group in self._groups)
        self._fuzzy_reach = max(FUZZY_WINDOW_WORDS if phrase_fuzzy else 0, max(fuzzy_sizes, default=0))
        # Message-side deletions worth making for a message word of each length: a key of length k
        # stored with `extra` allowed deletions is reached from words of length k..k+extra.
        longest_word = max((k + extra for k, extra in reaches), default=0)
        budget = [-1] * (longest_word + 1)
        for k, extra in reaches:
            for size in range(k, k + extra + 1):
                budget[size] = max(budget[size], size - k)
        self._budget = tuple(budget)
        self.stats = {
            "rules": len(self.rules),
            "keywords": sum(len(g.members) for g in self._groups),
            "distinct_keywords": len(self._groups),
            "deletion_keys": len(self._keys),
            "unanchored": len(self._unanchored),
            "regex": len(self._regexes),
        }

    # -- matching -------------------------------------------------------------------------------

    def matches(
        self, tokens: tuple[str, ...], raw: str = "", present: AbstractSet[str] | None = None
    ) -> list[RuleMatch]:
        """Every matching rule, best first: priority, then score, then rule id.

        tokens: tokenize(raw); present: set(tokens) when the caller already has it.
        """
        best: dict[int, _Hit] = {}
        normalized = " ".join(tokens)
        present = present if present is not None else set(tokens)
        if tokens:
            self._exact_hits(tokens, normalized, present, best)
            if self._fuzzy_reach:
                self._fuzzy_hits(tokens, best)
        if self._regexes:
            self._regex_hits(normalized, raw[:MAX_INPUT_CHARS], present, best)
        return self._ranked(best)

    def _regex_hits(
        self, normalized: str, raw: str, present: AbstractSet[str], best: dict[int, _Hit]
    ) -> None:
        # For ASCII text a required literal that appears in neither text rules the pattern out
        # without running it; with non-ASCII text case-insensitive matching is subtler, so run it.
        lowered = raw.lower() if raw.isascii() else None
        # A letters-and-digits literal in the raw ASCII text is always inside one normalised word
        # (normalising only joins or separates runs of letters and digits, never splits one), so
        # the distinct words, usually far shorter than the text, are enough to look in.
        distinct = " ".join(present) if lowered is not None else ""
        for rule_pos, keyword_pos, keyword, pattern, literal in self._regexes:
            if literal and lowered is not None:
                if literal.isalnum():
                    if literal not in distinct:
                        continue
                elif literal not in normalized and literal not in lowered:
                    continue
            if pattern.search(normalized) or (raw and pattern.search(raw)):
                _record(best, rule_pos, _Hit(100.0, keyword_pos, keyword))

    def _ranked(self, best: dict[int, _Hit]) -> list[RuleMatch]:
        # Higher priority, then the better match, then the rule higher in the admin's list, then id.
        ranked = sorted(
            best.items(),
            key=lambda item: (
                -self.rules[item[0]].priority,
                -item[1].score,
                self.rules[item[0]].position,
                self.rules[item[0]].id,
            ),
        )
        return [
            RuleMatch(
                self.rules[pos].id, self.rules[pos].name, hit.keyword, hit.score, self.rules[pos].priority
            )
            for pos, hit in ranked
        ]

    def _exact_hits(
        self, tokens: tuple[str, ...], normalized: str, present: AbstractSet[str], best: dict[int, _Hit]
    ) -> None:
        groups = self._groups
        whole = self._by_text.get(normalized)
        at_start: set[int] = set()
        anywhere: set[int] = set()
        if whole is not None:
            at_start.add(whole)
        for size in self._first_word_sizes:
            if size < len(tokens):
                g = self._by_text.get(" ".join(tokens[:size]))
                if g is not None:
                    at_start.add(g)
        single = self._phrase_single
        if single:
            for token in single.keys() & present:
                anywhere.add(single[token])
        multi = self._phrase_multi
        if multi:
            for token in multi.keys() & present:
                tails = multi[token]
                i = tokens.index(token)
                while True:
                    for tail, g in tails:
                        if tokens[i + 1 : i + 1 + len(tail)] == tail:
                            anywhere.add(g)
                    try:
                        i = tokens.index(token, i + 1)
                    except ValueError:
                        break
        for g in at_start | anywhere:
            for m in groups[g].members:
                if (m.match == 0 and g == whole) or (m.match == 1 and g in at_start) or m.match == 2:
                    _record(best, m.rule_pos, _Hit(100.0, m.keyword_pos, m.keyword))

    def _fuzzy_hits(self, tokens: tuple[str, ...], best: dict[int, _Hit]) -> None:
        n_msg = len(tokens)
        reach = min(n_msg, self._fuzzy_reach)
        positions: dict[str, list[int]] = {}
        for p in range(reach):
            positions.setdefault(tokens[p], []).append(p)
        # ends[i] = length of tokens[:i] with one space each: any n-gram's length in O(1).
        ends = [0]
        for token in tokens[:reach]:
            ends.append(ends[-1] + len(token) + 1)
        singles: list[tuple[int, str]] = []  # (one-word group, message word) worth scoring
        phrases: set[tuple[int, int]] = set()  # multi-word keywords: (group, start)
        for token, where in positions.items():
            for wid in self._anchor_words_near(token):
                word = self._anchor_words[wid]
                common = LCSseq.similarity(word, token)
                missing, extra = len(word) - common, len(token) - common
                for use in self._uses[wid]:
                    # missing and extra are at most 2 here: the word and the token share a key.
                    if extra > use.extra_by_missing[missing]:
                        continue
                    if use.size == 1:
                        singles.append((use.group, token))
                        continue
                    for p in where:
                        start = p - use.anchor
                        stop = start + use.size
                        # The phrase's length can only differ by the allowed missing/extra letters.
                        if (
                            start >= 0
                            and stop <= reach
                            and use.shortest <= ends[stop] - ends[start] - 1 <= use.longest
                            and self._rest_fits(use, tokens, start, missing, extra)
                        ):
                            phrases.add((use.group, start))
        groups = self._groups
        for g in self._unanchored:
            n = len(groups[g].words)
            for start in range(max(0, reach - n + 1) if n <= n_msg else 0):
                phrases.add((g, start))
        window_end = min(n_msg, FUZZY_WINDOW_WORDS)
        for g, token in singles:
            group = groups[g]
            score = typo_score(group.words, (token,), group.fuzzy_threshold)
            if score:
                where = positions[token]
                self._record_fuzzy(group, score, where[0], 1, n_msg, window_end, best)
                if where[0] != 0 and tokens[0] == token:
                    self._record_fuzzy(group, score, 0, 1, n_msg, window_end, best)
        for g, start in phrases:
            group = groups[g]
            n = len(group.words)
            score = typo_score(group.words, tokens[start : start + n], group.fuzzy_threshold)
            if score:
                self._record_fuzzy(group, score, start, n, n_msg, window_end, best)

    def _anchor_words_near(self, token: str) -> set[int]:
        """Anchor words sharing a deletion key with a message word (within the stored budgets)."""
        size = len(token)
        depth = self._budget[size] if size < len(self._budget) else -1
        reached: set[int] = set()
        if depth < 0:
            return reached
        keys = self._keys
        level: Sequence[str] = (token,)
        once: list[str] = []
        for extra in range(depth + 1):
            if extra == 1:
                level = once = [token[:i] + token[i + 1 :] for i in range(size)]
            elif extra == 2:
                # Deleting a later letter from each one-letter deletion: every pair exactly once.
                level = [d[:j] + d[j + 1 :] for i, d in enumerate(once) for j in range(i, size - 1)]
            for by_extra in filter(None, map(keys.get, level)):
                reached.update(by_extra[extra])
        return reached

    def _rest_fits(self, use: _Use, tokens: tuple[str, ...], start: int, missing: int, extra: int) -> bool:
        """Whether a phrase's other words fit in what the anchor word left of the allowance."""
        # Taking the anchor's key as its longest common subsequence is safe: when it is not, the
        # longer key is looked up as well and leaves at least as much allowance.
        for j, word in enumerate(self._words[use.group]):
            if j != use.anchor:
                other = tokens[start + j]
                cut = max(len(word) - MAX_MISSING + missing, len(other) - MAX_EXTRA + extra, 0)
                common = LCSseq.similarity(word, other, score_cutoff=cut)
                if common < cut:
                    return False
                missing += len(word) - common
                extra += len(other) - common
        return True

    @staticmethod
    def _record_fuzzy(
        group: _Group, score: float, start: int, n: int, n_msg: int, window_end: int, best: dict[int, _Hit]
    ) -> None:
        for m in group.members:
            if not m.fuzzy or score < m.threshold:
                continue
            if m.match == 0:
                ok = start == 0 and n == n_msg
            elif m.match == 1:
                ok = start == 0
            else:
                ok = start + n <= window_end
            if ok:
                _record(best, m.rule_pos, _Hit(score, m.keyword_pos, m.keyword))


def naive_matches(rules: Iterable[Rule], tokens: tuple[str, ...], raw: str = "") -> list[RuleMatch]:
    """Reference implementation: every keyword of every rule, scored directly with rapidfuzz."""
    ordered = sorted((r for r in rules if r.enabled), key=lambda r: (r.id, repr(r)))
    n_msg = len(tokens)
    window = tokens[: min(n_msg, FUZZY_WINDOW_WORDS)]
    window_text = list(window)
    normalized = " ".join(tokens)
    raw = raw[:MAX_INPUT_CHARS]
    found: list[RuleMatch] = []
    for rule in ordered:
        best: _Hit | None = None
        keywords = (rule.keywords,) if isinstance(rule.keywords, str) else rule.keywords
        for keyword_pos, keyword in enumerate(keywords):
            score = 0.0
            if not isinstance(keyword, str):
                continue
            if rule.match == "regex":
                try:
                    pattern = compile_regex(keyword)
                except (re.error, OverflowError, RecursionError):
                    continue
                if pattern.search(normalized) or (raw and pattern.search(raw)):
                    score = 100.0
            else:
                words = tokenize(keyword)
                if not words or rule.match not in _MATCH_CODES:
                    continue
                n = len(words)
                fuzzy = bool(rule.fuzzy) and sum(map(len, words)) + n - 1 >= MIN_FUZZY_CHARS
                t = _clamp(rule.threshold)
                if rule.match == "exact":
                    if words == tokens:
                        score = 100.0
                    elif fuzzy and n == n_msg:
                        score = typo_score(words, tokens, t)
                elif rule.match == "first_word":
                    if tokens[:n] == words:
                        score = 100.0
                    elif fuzzy and n <= n_msg:
                        score = typo_score(words, tokens[:n], t)
                else:
                    if any(tokens[s : s + n] == words for s in range(n_msg - n + 1)):
                        score = 100.0
                    elif fuzzy and n == 1:
                        # One C call per keyword over all window words, then the typo limits.
                        for _choice, _ratio, s in process.extract(
                            words[0], window_text, scorer=fuzz.ratio, score_cutoff=t, limit=None
                        ):
                            score = max(score, typo_score(words, (window[s],), t))
                    elif fuzzy:
                        for s in range(len(window) - n + 1):
                            score = max(score, typo_score(words, window[s : s + n], t))
            if score and (best is None or score > best.score):
                best = _Hit(score, keyword_pos, keyword)
        if best is not None:
            found.append(RuleMatch(rule.id, rule.name, best.keyword, best.score, rule.priority))
    found.sort(key=lambda m: (-m.priority, -m.score, m.rule_id))
    return found
