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

The index (why it is fast): exact hits are dict and set lookups. Fuzzy candidates come from a
SymSpell-style deletion index: every keyword word that can anchor a match is stored with its
deletion variants (up to 2 deletions), and each message word is looked up with its own deletion
variants (0-2 deletions, fewer for short words); a shared variant means the pair is within budget,
and rapidfuzz then verifies the candidate. For multi-word keywords a pigeonhole argument picks
budgets so that at least one word of any true match is found (see _anchor_budgets). Keywords that
cannot be anchored that way (e.g. made only of 1-2 letter words) are checked one by one; they are
rare. The work per message is bounded by its first FUZZY_WINDOW_WORDS words, whatever the number
of rules.
"""

from __future__ import annotations

import re
import re._constants as sre_constants
import re._parser as sre_parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from bot.normalize import MAX_INPUT_CHARS, tokenize
from bot.rules import Rule, RuleMatch

FUZZY_WINDOW_WORDS = 32  # fuzzy phrase matching looks at the first 32 words (exact matching: all)
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


def _complete(words: tuple[str, ...], anchors: list[tuple[int, int, int]], length: int, threshold: float) -> bool:
    """Whether every feasible match is found by at least one of these anchors."""
    by_word = {i: (ea, eb) for i, ea, eb in anchors}
    options = [
        [(by_word[i][0] + 1, 0), (0, by_word[i][1] + 1)] if i in by_word else [(0, 0)] for i in range(len(words))
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
    """The word and every string made by deleting up to `depth` (at most 2) characters, none shorter than 3."""
    size = len(word)
    found = {word}
    if depth >= 1 and size > _MIN_KEY:
        found.update([word[:i] + word[i + 1 :] for i in range(size)])
        if depth >= 2 and size - 2 >= _MIN_KEY:
            found.update([word[:i] + word[i + 1 : j] + word[j + 1 :] for i, j in _pairs(size)])
    return found


_PAIRS: dict[int, tuple[tuple[int, int], ...]] = {}


def _pairs(size: int) -> tuple[tuple[int, int], ...]:
    """Index pairs i < j below size (memoised: a handful of sizes ever occur)."""
    pairs = _PAIRS.get(size)
    if pairs is None:
        pairs = _PAIRS[size] = tuple((i, j) for j in range(size) for i in range(j))
    return pairs


# (group, anchor word index, words in keyword, shortest and longest matching phrase, missing letters)
_PhraseEntry = tuple[int, int, int, int, int, int]


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
        # Rules are ordered by id so that every structure, and hence every answer, is independent of
        # the order the caller listed them in.
        self.rules: tuple[Rule, ...] = tuple(sorted((r for r in rules if r.enabled), key=lambda r: r.id))
        groups: dict[tuple[str, ...], list[_Member]] = {}
        regexes: list[tuple[int, int, str, re.Pattern[str], str]] = []
        for rule_pos, rule in enumerate(self.rules):
            for keyword_pos, keyword in enumerate(rule.keywords):
                if rule.match == "regex":
                    try:
                        compiled = compile_regex(keyword)
                        regexes.append((rule_pos, keyword_pos, keyword, compiled, required_literal(keyword)))
                    except re.error:
                        continue  # validate_rule reports it; an invalid pattern never matches
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
                    rule.fuzzy and text_length >= MIN_FUZZY_CHARS,
                    float(rule.threshold),
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
        variants: dict[str, list[list[_PhraseEntry]]] = {}
        single_variants: dict[str, list[list[int]]] = {}
        reaches: set[tuple[int, int]] = set()
        unanchored: list[int] = []
        self.fuzzy_sizes: frozenset[int] = frozenset()
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
            shortest, longest = length - a_max, length + b_max
            for i, ea, eb in anchors:
                for variant in _deletions(words[i], ea):
                    missing = len(words[i]) - len(variant)
                    # Most message-side deletions worth pairing with this variant: a true match is
                    # always found through its longest common subsequence, where (missing, extra)
                    # is within budget and, for one word, within the threshold.
                    extra = max(
                        (b for b in range(eb + 1) if _feasible(length, missing, b, group.fuzzy_threshold)),
                        default=-1,
                    )
                    if extra < 0:
                        continue
                    reaches.add((len(variant), extra))
                    if len(words) == 1:
                        # by_extra[b]: groups this key serves when the message word lost b letters.
                        by_extra = single_variants.setdefault(variant, [[] for _ in range(MAX_EXTRA + 1)])
                        for b in range(extra + 1):
                            by_extra[b].append(g)
                    else:
                        by_extra_phrase = variants.setdefault(variant, [[] for _ in range(MAX_EXTRA + 1)])
                        for b in range(extra + 1):
                            by_extra_phrase[b].append((g, i, len(words), shortest, longest, missing))
        # One lookup per message-word variant: key -> (one-word groups, phrase entries), each
        # indexed by how many letters the message word lost to reach the key.
        empty = tuple(() for _ in range(MAX_EXTRA + 1))
        self._keys: dict[str, tuple[tuple[tuple[int, ...], ...], tuple[tuple[_PhraseEntry, ...], ...]]] = {
            key: (
                tuple(map(tuple, single_variants[key])) if key in single_variants else empty,
                tuple(map(tuple, variants[key])) if key in variants else empty,
            )
            for key in sorted(single_variants.keys() | variants.keys())
        }
        self._unanchored = tuple(unanchored)
        self._lengths = tuple(tuple(map(len, group.words)) for group in self._groups)
        self.fuzzy_sizes = frozenset(fuzzy_sizes)
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

    def matches(self, tokens: tuple[str, ...], raw: str = "") -> list[RuleMatch]:
        """Every matching rule, best first: priority, then score, then rule id."""
        best: dict[int, _Hit] = {}
        if tokens:
            normalized = " ".join(tokens)
            self._exact_hits(tokens, normalized, best)
            if self._fuzzy_reach:
                self._fuzzy_hits(tokens, best)
        else:
            normalized = ""
        if self._regexes:
            self._regex_hits(normalized, raw[:MAX_INPUT_CHARS], best)
        return self._ranked(best)

    def _regex_hits(self, normalized: str, raw: str, best: dict[int, _Hit]) -> None:
        # For ASCII text a required literal that appears in neither text rules the pattern out
        # without running it; with non-ASCII text case-insensitive matching is subtler, so run it.
        lowered = raw.lower() if raw.isascii() else None
        for rule_pos, keyword_pos, keyword, pattern, literal in self._regexes:
            # A letters-and-digits literal in the raw ASCII text is always in the normalised text too
            # (normalising only joins or separates runs of letters and digits, never splits one).
            if literal and lowered is not None:
                if literal not in normalized and (literal.isalnum() or literal not in lowered):
                    continue
            if pattern.search(normalized) or (raw and pattern.search(raw)):
                _record(best, rule_pos, _Hit(100.0, keyword_pos, keyword))

    def _ranked(self, best: dict[int, _Hit]) -> list[RuleMatch]:
        found = [
            RuleMatch(self.rules[pos].id, self.rules[pos].name, hit.keyword, hit.score, self.rules[pos].priority)
            for pos, hit in best.items()
        ]
        found.sort(key=lambda m: (-m.priority, -m.score, m.rule_id))
        return found

    def _exact_hits(self, tokens: tuple[str, ...], normalized: str, best: dict[int, _Hit]) -> None:
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
        present = set(tokens)
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
        budget = self._budget
        keys = self._keys
        lengths = self._lengths
        singles: dict[str, set[int]] = {}  # one-word keywords: scored once per distinct message word
        phrases: set[tuple[int, int]] = set()  # multi-word keywords: (group, start)
        ends: list[int] = []
        for token, where in positions.items():
            size = len(token)
            depth = budget[size] if size < len(budget) else -1
            if depth < 0:
                continue
            # Deletion variants level by level, so the number of deleted letters is the level.
            levels: list[Sequence[str]] = [(token,)]
            if depth >= 1:
                levels.append([token[:i] + token[i + 1 :] for i in range(size)])
                if depth >= 2:
                    levels.append([token[:i] + token[i + 1 : j] + token[j + 1 :] for i, j in _pairs(size)])
            found: set[int] = set()
            for extra, level in enumerate(levels):
                for single_part, phrase_part in filter(None, map(keys.get, level)):
                    if single_part[extra]:
                        found.update(single_part[extra])
                    for g, anchor, n, shortest, longest, missing in phrase_part[extra]:
                        if not ends:
                            # ends[i] = length of tokens[:i], one space each: an n-gram's length in O(1).
                            ends.append(0)
                            for word in tokens[:reach]:
                                ends.append(ends[-1] + len(word) + 1)
                        for p in where:
                            start = p - anchor
                            stop = start + n
                            # The phrase's length can only differ by the allowed missing/extra letters.
                            if start < 0 or stop > reach or not shortest <= ends[stop] - ends[start] - 1 <= longest:
                                continue
                            # Assume this key is the anchor word's longest common subsequence (if it
                            # is not, that longer key is looked up too): the other words must then
                            # fit in what is left of the missing/extra allowance, length-wise at least.
                            short = long = 0
                            for j, length in enumerate(lengths[g]):
                                if j != anchor:
                                    gap = length - len(tokens[start + j])
                                    if gap > 0:
                                        short += gap
                                    else:
                                        long -= gap
                            if short + missing <= MAX_MISSING and long + extra <= MAX_EXTRA:
                                phrases.add((g, start))
            if found:
                singles[token] = found
        groups = self._groups
        for g in self._unanchored:
            n = len(groups[g].words)
            for start in range(max(0, reach - n + 1) if n <= n_msg else 0):
                phrases.add((g, start))
        window_end = min(n_msg, FUZZY_WINDOW_WORDS)
        for token, found in singles.items():
            where = positions[token]
            for g in found:
                group = groups[g]
                score = typo_score(group.words, (token,), group.fuzzy_threshold)
                if score:
                    self._record_fuzzy(group, score, where[0], 1, n_msg, window_end, best)
                    if where[0] != 0 and tokens[0] == token:
                        self._record_fuzzy(group, score, 0, 1, n_msg, window_end, best)
        for g, start in phrases:
            group = groups[g]
            n = len(group.words)
            score = typo_score(group.words, tokens[start : start + n], group.fuzzy_threshold)
            if score:
                self._record_fuzzy(group, score, start, n, n_msg, window_end, best)

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
    ordered = sorted((r for r in rules if r.enabled), key=lambda r: r.id)
    n_msg = len(tokens)
    window = tokens[: min(n_msg, FUZZY_WINDOW_WORDS)]
    window_text = list(window)
    normalized = " ".join(tokens)
    raw = raw[:MAX_INPUT_CHARS]
    found: list[RuleMatch] = []
    for rule in ordered:
        best: _Hit | None = None
        for keyword_pos, keyword in enumerate(rule.keywords):
            score = 0.0
            if rule.match == "regex":
                try:
                    pattern = compile_regex(keyword)
                except re.error:
                    continue
                if pattern.search(normalized) or (raw and pattern.search(raw)):
                    score = 100.0
            else:
                words = tokenize(keyword)
                if not words or rule.match not in _MATCH_CODES:
                    continue
                n = len(words)
                fuzzy = rule.fuzzy and sum(map(len, words)) + n - 1 >= MIN_FUZZY_CHARS
                t = float(rule.threshold)
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
