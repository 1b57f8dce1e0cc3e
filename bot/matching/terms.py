"""Expand what curators write into the exact keys the scanner looks for.

Curators write words and phrases, never regular expressions. A term may use two small
notations, expanded at load time:

* ``(a|b)`` one of several words: ``send (it|them) to``
* ``[a]`` or ``[a|b]`` optional words: ``post [my|the] pics``

Then each term gets inflections (``leak`` -> leaks, leaked, leaking; in phrases the first word
is inflected) unless listed under ``exact``, and multi-word terms also get a
space-less variant (``kill myself`` -> ``killmyself``) because spaced letters and hashtags
arrive joined.
"""

from __future__ import annotations

import re

MAX_EXPANSIONS = 128

_GROUP_RE = re.compile(r"\(([^()\[\]]*)\)|\[([^()\[\]]*)\]")
_VOWELS = set("aeiou")
_UNINFLECTED = frozenset(
    "i me my mine you your ur u he him his she her it its we us our they them their this that "
    "to of in on at for with by from up out off down over and or but not no so if as all".split()
)


class TermSyntaxError(ValueError):
    """A term uses the notation wrongly (unbalanced brackets, too many expansions)."""


def expand_alternatives(term: str) -> list[str]:
    """Expand ``(a|b)`` and ``[a]`` groups into plain phrases (deduplicated, order kept)."""
    if term.count("(") != term.count(")") or term.count("[") != term.count("]"):
        raise TermSyntaxError("unbalanced brackets")
    results = [term]
    done: list[str] = []
    while results:
        current = results.pop()
        match = _GROUP_RE.search(current)
        if not match:
            done.append(" ".join(current.split()))
            continue
        options = (match.group(1) if match.group(1) is not None else match.group(2)).split("|")
        if match.group(2) is not None:
            options.append("")
        for option in options:
            results.append(current[: match.start()] + " " + option.strip() + " " + current[match.end() :])
        if len(results) + len(done) > MAX_EXPANSIONS:
            raise TermSyntaxError(f"expands to more than {MAX_EXPANSIONS} phrases: split it into two concepts "
                                  "and a rule with `within` instead")
    if any(c in phrase for phrase in done for c in "()[]|"):
        raise TermSyntaxError("nested or stray brackets")
    seen: dict[str, None] = {}
    for phrase in reversed(done):
        if phrase:
            seen.setdefault(phrase, None)
    return list(seen)


def inflect_word(word: str) -> set[str]:
    """Regular English inflections of one word; over-generation is harmless here."""
    forms = {word}
    if len(word) < 3 or not word.isalpha():
        return forms
    last, before = word[-1], word[-2]
    consonant_y = last == "y" and before not in _VOWELS
    if word.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(word + "es")
    elif consonant_y:
        forms.add(word[:-1] + "ies")
    else:
        forms.add(word + "s")
    if last == "e":
        forms.add(word + "d")
        if word.endswith("ie"):
            forms.add(word[:-2] + "ying")
        elif not word.endswith("ee"):
            forms.add(word[:-1] + "ing")
        forms.add(word + "ing")
    elif consonant_y:
        forms.update({word[:-1] + "ied", word + "ing"})
    else:
        forms.update({word + "ed", word + "ing"})
        if last not in _VOWELS and last not in "wxy" and before in _VOWELS and (
            len(word) < 3 or word[-3] not in _VOWELS
        ):
            forms.update({word + last + "ed", word + last + "ing"})
    return forms


def inflect_phrase(phrase: str) -> set[str]:
    """Inflect a single word fully; in a phrase only the first word (phrases lead with the verb:
    "post them" -> posted them). Other forms are written out by the curator: ``(pic|pics)``."""
    words = phrase.split()
    variants = {phrase}
    for form in inflect_word(words[0]) if words[0] not in _UNINFLECTED else ():
        variants.add(" ".join([form, *words[1:]]))
    return variants


def expand_term(term: str, inflect: bool) -> list[str]:
    """All surface phrases a curator's term stands for (before normalisation)."""
    phrases: dict[str, None] = {}
    for phrase in expand_alternatives(term):
        for variant in sorted(inflect_phrase(phrase)) if inflect else [phrase]:
            phrases.setdefault(variant, None)
    return list(phrases)
