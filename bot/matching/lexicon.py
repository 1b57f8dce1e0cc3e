"""Compile every concept term and modifier cue into one Aho-Corasick automaton per view.

Keys are space-padded token strings (``" post them "``), so a hit always starts and ends on
token boundaries and its token span falls out of the character offset. Terms pass through the
same `Normaliser` as messages, so ``n00dz`` in a message and ``noods`` in the lexicon meet in
the skeleton view. The scan cost grows with the message, not with the number of terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import ahocorasick
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.content.model import Content, Term
from bot.content.yamlsource import ContentError, Where
from bot.matching.normalise import BOUNDARY, MONEY_TOKEN, Normaliser, Views
from bot.matching.terms import TermSyntaxError, expand_term

PLAIN, SKELETON, FUZZY = "plain", "skeleton", "fuzzy"
SKELETON_WEIGHT = 0.8
FUZZY_WEIGHT = 0.7
FUZZY_MIN_LEN = 5
SKELETON_MIN_LEN = 4
PREFIX_MIN_LEN = 4
JOINED_MIN_LEN = 8
"""Space-less forms of phrases this long are also found inside longer tokens ("#iwanttodie")."""
JOINED = "joined"


@dataclass(frozen=True, slots=True)
class Entry:
    """What one key stands for: a concept term, or a modifier's cue / pseudo-cue / stop word."""

    kind: str  # concept | cue | pseudo | stop
    name: str  # concept or modifier name
    term: str  # the curator's term, for explanations
    skeleton_ok: bool = False


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str
    name: str
    term: str
    view: str
    start: int  # first token index
    end: int  # last token index (inclusive)
    weight: float


class Lexicon:
    """The compiled automata plus the small fuzzy list; immutable once built."""

    def __init__(self, content: Content, normaliser: Normaliser):
        self.normaliser = normaliser
        self._plain: dict[str, list[Entry]] = {}
        self._skeleton: dict[str, list[Entry]] = {}
        self._fuzzy_entries: dict[str, list[Entry]] = {}
        self.number_slots: tuple[Entry, ...] = ()
        self.keys_by_term: dict[tuple[str, str, str], int] = {}
        self._word_views: dict[str, Views] = {}
        self._prefix_plain: dict[str, list[Entry]] = {}
        self._prefix_skeleton: dict[str, list[Entry]] = {}
        self._joined: dict[str, list[Entry]] = {}
        # Concepts the crisis check reads get every robustness variant (recall first).
        self._crisis = frozenset(c for r in content.crisis.rules for c in (*r.all, *r.any))
        problems: list[tuple[Where | None, str]] = []
        numbers: list[Entry] = []
        for concept in content.concepts.values():
            for term in concept.terms:
                # `exact` terms are matched as written: no inflection, no lossy skeleton view.
                self._add(Entry("concept", concept.name, term.text, concept.skeleton_ok), term,
                          problems, fuzzy=concept.fuzzy and term.inflect, skeleton=term.inflect)
            for slot in concept.slots:
                entry = Entry("concept", concept.name, f"<{slot}>", True)
                if slot == "money":
                    self._plain.setdefault(MONEY_TOKEN, []).append(entry)
                else:
                    numbers.append(entry)
        for modifier in content.modifiers.values():
            for kind, terms in (("cue", modifier.cues), ("pseudo", modifier.pseudo), ("stop", modifier.stop)):
                for term in terms:
                    self._add(Entry(kind, modifier.name, term.text), term, problems, fuzzy=False,
                              skeleton=False)
        if problems:
            raise ContentError(problems)
        self.number_slots = tuple(numbers)
        self._single_words = frozenset(k for k in self._plain if " " not in k)  # no fuzzy guess for known words
        self._fuzzy_words = tuple(self._fuzzy_entries)
        self._plain_ac = _automaton(self._plain, PLAIN)
        self._skeleton_ac = _automaton(self._skeleton, SKELETON)
        self._prefix_plain_ac = _automaton(self._prefix_plain, PLAIN, padded_end=False)
        self._prefix_skeleton_ac = _automaton(self._prefix_skeleton, SKELETON, padded_end=False)
        self._joined_ac = _automaton(self._joined, JOINED, padded_start=False, padded_end=False)
        self.size = sum(len(t) for t in (self._plain, self._skeleton, self._prefix_plain, self._prefix_skeleton))
        # The build tables live on inside the automata; dropping them frees ~100k Python objects.
        del self._plain, self._skeleton, self._prefix_plain, self._prefix_skeleton, self._joined, self._word_views
        self._fuzzy_lookup = lru_cache(maxsize=8192)(self._fuzzy_match)

    def _add(self, entry: Entry, term: Term, problems: list, fuzzy: bool, skeleton: bool = True) -> None:
        text = term.text.lower()
        prefix = text.endswith("*")
        if prefix:
            text = text[:-1]
            if len(text.split()[-1] if text.split() else "") < PREFIX_MIN_LEN or "*" in text:
                problems.append((term.where, f"term {term.text!r}: a * may only end the last word, after "
                                             f"at least {PREFIX_MIN_LEN} letters"))
                return
        try:
            phrases = expand_term(text, term.inflect and not prefix)
        except TermSyntaxError as exc:
            problems.append((term.where, f"term {term.text!r}: {exc}"))
            return
        count = 0
        for phrase in phrases:
            views = self._phrase_views(phrase)
            if not views.plain:
                problems.append((term.where, f"term {term.text!r} has no letters or digits after normalising"))
                return
            if BOUNDARY in views.plain:
                problems.append((term.where, f"term {term.text!r} contains punctuation that splits a phrase "
                                 "(. , ; ? ! and new lines end a phrase)"))
                return
            plain_table, skeleton_table = (
                (self._prefix_plain, self._prefix_skeleton) if prefix else (self._plain, self._skeleton))
            keys = [(plain_table, " ".join(views.plain))]
            skeleton_key = " ".join(views.skeleton)
            # A one-word skeleton shorter than 4 letters is too lossy ("pills" -> "pis" = "pls").
            multi = len(views.plain) > 1
            # Lossy views of long phrases are rarely worth their keys: single words always get
            # a skeleton key, phrases only when the concept asks for it (or it guards a crisis).
            if skeleton and (not multi or entry.skeleton_ok or entry.name in self._crisis) and (
                    multi or len(skeleton_key) >= SKELETON_MIN_LEN or views.skeleton == views.plain):
                keys.append((skeleton_table, skeleton_key))
            if multi and not prefix and entry.name in self._crisis:
                # Spaced-out letters ("k i l l m y s e l f") and hashtags arrive joined.
                joined = "".join(views.plain)
                keys.append((self._plain, joined))
                if skeleton:
                    keys.append((self._skeleton, "".join(views.skeleton)))
                if len(joined) >= JOINED_MIN_LEN:
                    keys.append((self._joined, joined))
            for table, key in keys:
                bucket = table.setdefault(key, [])
                if entry not in bucket:
                    bucket.append(entry)
                    count += 1
            if fuzzy and not prefix and len(views.plain) == 1 and len(views.plain[0]) >= FUZZY_MIN_LEN:
                bucket = self._fuzzy_entries.setdefault(views.plain[0], [])
                if entry not in bucket:
                    bucket.append(entry)
        self.keys_by_term[(entry.kind, entry.name, term.text)] = count

    def _phrase_views(self, phrase: str) -> Views:
        """Normalise a term word by word (cached): expansions share most words, and per word is the
        same as the whole phrase unless single letters would be joined ("k m s")."""
        words = phrase.split()
        if any(len(a) == 1 and len(b) == 1 for a, b in zip(words, words[1:], strict=False)):
            return self.normaliser.views(phrase)
        plain: list[str] = []
        skeleton: list[str] = []
        for word in words:
            cached = self._word_views.get(word)
            if cached is None:
                cached = self._word_views[word] = self.normaliser.views(word)
            plain += cached.plain
            skeleton += cached.skeleton
        return Views(tuple(plain), tuple(skeleton))

    def _fuzzy_match(self, token: str) -> str | None:
        cutoff = 1 if len(token) < 9 else 2
        found = process.extractOne(token, self._fuzzy_words, scorer=OSA.distance, score_cutoff=cutoff)
        return found[0] if found else None

    def scan(self, views: Views) -> list[Hit]:
        """All hits of all views, deduplicated (a skeleton hit never repeats a plain one)."""
        found: dict[tuple[str, str, int, int], tuple[str, str, float]] = {}
        for view, automata, tokens in (
            (PLAIN, (self._plain_ac, self._prefix_plain_ac), views.plain),
            (SKELETON, (self._skeleton_ac, self._prefix_skeleton_ac), views.skeleton),
        ):
            if not tokens:
                continue
            text = " " + " ".join(tokens) + " "
            offsets: list[int] = []
            offset = 1
            for token in tokens:
                offsets.append(offset)
                offset += len(token) + 1
            starts = {o: i for i, o in enumerate(offsets)}
            exact, prefix = automata
            if exact is not None:
                for end_char, (key_len, ntok, entries) in exact.iter(text):
                    first = starts[end_char - key_len + 2]
                    _record(found, entries, first, first + ntok - 1, view)
            if prefix is not None:
                for end_char, (key_len, ntok, entries) in prefix.iter(text):
                    first = starts[end_char - key_len + 2]
                    _record(found, entries, first, first + ntok - 1, view)
        if self._joined_ac is not None:
            for index, token in enumerate(views.plain):
                if len(token) >= JOINED_MIN_LEN:
                    for _, (_, _, entries) in self._joined_ac.iter(token):
                        _record(found, entries, index, index, JOINED)
        if self._fuzzy_words or self.number_slots:
            self._scan_tokens(views.plain, found)
        hits = [Hit(kind, name, term, view, first, last, weight)
                for (kind, name, first, last), (term, view, weight) in found.items()]
        hits.sort(key=lambda h: (h.start, h.end))
        return hits

    def _scan_tokens(self, tokens: tuple[str, ...], found: dict) -> None:
        for index, token in enumerate(tokens):
            if self.number_slots and token.isdigit():
                for entry in self.number_slots:
                    found.setdefault((entry.kind, entry.name, index, index), (entry.term, PLAIN, 1.0))
            if (self._fuzzy_words and len(token) >= FUZZY_MIN_LEN and token.isalpha()
                    and token not in self._single_words):
                word = self._fuzzy_lookup(token)
                if word is None:
                    continue
                for entry in self._fuzzy_entries[word]:
                    found.setdefault((entry.kind, entry.name, index, index), (entry.term, FUZZY, FUZZY_WEIGHT))


def _record(found: dict, entries: tuple, first: int, last: int, view: str) -> None:
    for kind, name, term, weight in entries:
        ident = (kind, name, first, last)
        old = found.get(ident)
        if old is None or old[2] < weight:
            found[ident] = (term, view, weight)


def _automaton(table: dict[str, list[Entry]], view: str, padded_start: bool = True,
               padded_end: bool = True) -> ahocorasick.Automaton | None:
    """Values carry (key length incl. padding, token count, entries with their weight in this view).

    Prefix keys (a curator's ``harm*``) have no trailing space, so they end inside a token.
    """
    if not table:
        return None
    automaton = ahocorasick.Automaton()
    left = " " if padded_start else ""
    right = " " if padded_end else ""
    shared: dict[tuple[Entry, ...], tuple] = {}  # many keys share one entry list
    for key, entries in table.items():
        padded = left + key + right
        ident = tuple(entries)
        weighted = shared.get(ident)
        if weighted is None:
            weighted = shared[ident] = tuple(
                (e.kind, e.name, e.term, 1.0 if view == PLAIN or e.skeleton_ok else SKELETON_WEIGHT)
                for e in entries)
        # first token = hit end - len(padded) + 2, with or without the trailing space
        automaton.add_word(padded, (len(padded), key.count(" ") + 1, weighted))
    automaton.make_automaton()
    return automaton
