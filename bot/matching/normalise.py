"""Turn raw chat text into two token views that the lexicon can be matched against.

The order of the steps follows the research notes (matcher-and-privacy.md §1.2): curated emoji
become tokens first (their joiners are format characters), then NFKC, marks and format
characters dropped, casefold, confusables, Discord markdown, spaced letters joined. Two views
share one tokenisation so token positions agree:

* ``plain``: letters and digits, runs of 3+ repeats shortened to 2 ("pleaseee" -> "pleasee").
* ``skeleton``: lossy leet folding ("n00dz" -> "nods", "k1ll" -> "ki") with every repeat
  collapsed; hits in it weigh less unless a concept says otherwise.

Nothing here is spelling *correction*: the original tokens are never replaced by guesses.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

MAX_INPUT_CHARS = 4096
"""Longer messages are cut to this many characters before matching (and still classified)."""

BOUNDARY = "."
"""The token standing for a sentence or clause break; phrases never match across it."""

MONEY_TOKEN = "slotmoney"
"""Amounts such as ``$200``, ``200 dollars``, ``5k`` or ``100 quid`` become this token."""

EMOJI_PREFIX = "emoji"

_SKIN_TONES_AND_VS = {cp: None for cp in range(0x1F3FB, 0x1F400)} | {0xFE0F: None, 0xFE0E: None}
_DROP_CATEGORIES = frozenset({"Mn", "Me", "Cf"})
_SYMBOL_CATEGORIES = frozenset({"So", "Sk", "Co", "Cn", "Cs", "Cc", "Zl", "Zp"})
_CURRENCY = r"(?:[$£€₦₱₹]|usd|gbp|eur|dollars?|bucks|quid|pounds?|euros?|naira|pesos?|rupees?|rs|php|inr|cad|aud)"
_MONEY_RE = re.compile(
    rf"(?<![a-z0-9])(?:[$£€₦₱₹]\s?\d[\d,.]*\s?k?(?![a-z0-9])"
    rf"|\d[\d,.]*\s?k?\s?{_CURRENCY}(?![a-z])"
    rf"|\d+k(?![a-z0-9]))"
)
_MARKDOWN_RE = re.compile(r"\|\|+|~~+|\*\*+|__+|`+")
# Three or more single letters or digits separated by one or two of " . - *" ("k i l l", "k.m.s").
_SPACED_RE = re.compile(r"\b[a-z0-9](?:[ .\-*_]{1,3}[a-z0-9]\b){2,}")
_SPACED_SEP_RE = re.compile(r"[ .\-*_]+")
_BOUNDARY_RE = re.compile(r"[.?;,\n\r\t…]+")
_BANG_RE = re.compile(r"!+(?![a-z0-9])|(?<![a-z0-9])!+")  # "help!" is a break, "k!ll" is leet
_DIGIT_RE = re.compile(r"\d")
_APOSTROPHE_RE = re.compile(r"['’‘`´]")
_REPEAT3_RE = re.compile(r"([a-z])\1{2,}")
_REPEAT_ALNUM_RE = re.compile(r"([a-z0-9])\1+")
_LONE_SYMBOLS_RE = re.compile(r"(?<!\S)[!|@$+]+(?!\S)")
_BOUNDARY_RUN_RE = re.compile(r"\.(?:\s+\.)+")
_DELETE_SYMBOLS = str.maketrans("", "", "!|@$+")
_TOKEN_CHARS_RE = re.compile(r"[^a-z0-9!|@$+. ]+")


@dataclass(frozen=True, slots=True)
class Views:
    """The two token views of one message (same length, same positions)."""

    plain: tuple[str, ...]
    skeleton: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.plain)


class _CharFolder(dict):
    """Per-character fold table for ``str.translate``: NFKC, drop marks, casefold, confusables.

    Computed on first sight of each character and cached; bounded so that a flood of distinct
    code points cannot grow it without limit.
    """

    LIMIT = 65536

    def __init__(self, emoji: Mapping[str, str], confusables: Mapping[str, str]):
        super().__init__()
        self._emoji = dict(emoji)
        self._confusables = dict(confusables)

    def __missing__(self, code: int) -> str:
        out = self._fold(chr(code))
        if len(self) >= self.LIMIT:
            self.clear()
        self[code] = out
        return out

    def _fold(self, char: str) -> str:
        if char in self._emoji:
            return f" {self._emoji[char]} "
        pieces = []
        for part in unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", char)):
            category = unicodedata.category(part)
            if category in _DROP_CATEGORIES:
                continue
            if category in _SYMBOL_CATEGORIES:
                pieces.append(" ")
                continue
            for low in part.casefold():
                pieces.append(self._confusables.get(low, low))
        return "".join(pieces)


class Normaliser:
    """Builds `Views` for messages and lexicon terms with the same steps.

    Tables come from content (``intents/normalise.yaml``): curated emoji names, confusable
    look-alikes and leet folds.
    """

    def __init__(
        self,
        emoji: Mapping[str, str],
        confusables: Mapping[str, str],
        leet: Mapping[str, str],
    ):
        singles: dict[str, str] = {}
        self._sequences: list[tuple[str, str]] = []
        for symbol, name in emoji.items():
            cleaned = symbol.translate(_SKIN_TONES_AND_VS)
            token = EMOJI_PREFIX + name
            if len(cleaned) == 1:
                singles[cleaned] = token
            elif cleaned:
                self._sequences.append((cleaned, f" {token} "))
        self._sequences.sort(key=lambda pair: -len(pair[0]))
        self.emoji_tokens = frozenset(EMOJI_PREFIX + name for name in emoji.values())
        self._folder = _CharFolder(singles, confusables)
        self._leet = str.maketrans(dict(leet))

    def views(self, text: str) -> Views:
        """Normalise a message (already length-capped or not) into its two views."""
        text = text[:MAX_INPUT_CHARS]
        if text.isascii():
            text = text.lower()
        else:
            text = text.translate(_SKIN_TONES_AND_VS)
            for sequence, token in self._sequences:
                if sequence in text:
                    text = text.replace(sequence, token)
            text = text.translate(self._folder)
        return self._tokenise(text)

    def _tokenise(self, text: str) -> Views:
        # Cheap `in` tests skip whole regex passes that cannot change the text.
        if "|" in text or "~" in text or "*" in text or "_" in text or "`" in text:
            text = _MARKDOWN_RE.sub(" ", text)
        text = _APOSTROPHE_RE.sub("", text)
        if _DIGIT_RE.search(text):
            text = _MONEY_RE.sub(f" {MONEY_TOKEN} ", text)
        text = _SPACED_RE.sub(lambda m: _SPACED_SEP_RE.sub("", m.group(0)), text)
        if "!" in text:
            text = _BANG_RE.sub(f" {BOUNDARY} ", text)
        text = _BOUNDARY_RE.sub(f" {BOUNDARY} ", text)
        text = _TOKEN_CHARS_RE.sub(" ", text)
        # Leet symbols standing alone are punctuation, not letters; runs of breaks become one.
        if "!" in text or "|" in text or "@" in text or "$" in text or "+" in text:
            text = _LONE_SYMBOLS_RE.sub(" ", text)
        text = _BOUNDARY_RUN_RE.sub(f" {BOUNDARY} ", text)
        # Whole-string passes (fast, in C); every token keeps at least one letter or digit, so
        # the two views split into the same number of tokens.
        plain = _REPEAT3_RE.sub(r"\1\1", text.translate(_DELETE_SYMBOLS)).split()
        skeleton = _REPEAT_ALNUM_RE.sub(r"\1", text.translate(self._leet)).split()
        start, end = 0, len(plain)
        while start < end and plain[start] == BOUNDARY:
            start += 1
        while end > start and plain[end - 1] == BOUNDARY:
            end -= 1
        return Views(tuple(plain[start:end]), tuple(skeleton[start:end]))
