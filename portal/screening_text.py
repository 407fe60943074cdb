"""Text normalisation for screening and naming rules, with a map back to the original offsets.

Rules match on a *view* of the text in which look-alike spellings read as the plain word, and
every view keeps, for each of its characters, the span of the original text it came from, so a
finding always points at what the author actually wrote.

Two views:

* ``plain``: Unicode compatibility form (NFKC: full-width, ligatures, maths letters, circled
  letters), accents and invisible characters dropped, letters from other scripts that look like
  Latin ones folded (a compact confusables table: Cyrillic, Greek, Armenian, small capitals).
  Digits are kept, so phone numbers, codes and prices read as written.
* ``folded``: ``plain`` plus leetspeak inside words ("sh1t", "k!ll", "@ss"), letters spelt out
  with separators ("f.u.c.k", "k i l l") and stretched letters ("fuuuck") collapsed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

__all__ = ["View", "fold_confusables", "views", "word_tokens"]

# Look-alikes of Latin letters in other scripts (Unicode TR39 "confusables", the common subset).
_CONFUSABLES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d",
    "ɡ": "g", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ь": "b", "п": "n", "г": "r", "ц": "u",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ԁ": "D", "Ԛ": "Q", "Ԝ": "W",
    "Һ": "H", "Ӏ": "I",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ς": "c",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Armenian
    "ս": "u", "օ": "o", "ց": "g", "հ": "h", "ո": "n", "ք": "p", "զ": "q", "Ս": "U", "Օ": "O",
    # Punctuation typed by phones
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'",
    # Latin variants and small capitals
    "ı": "i", "ƒ": "f", "ɑ": "a", "ɩ": "i", "ʋ": "u", "ł": "l", "ø": "o", "đ": "d", "ß": "ss",
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ɢ": "g", "ʜ": "h", "ɪ": "i",
    "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ʀ": "r", "ꜱ": "s",
    "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z",
}  # fmt: skip
# Symbols read as letters when they sit inside a word.
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s",
         "!": "i", "|": "l", "€": "e", "+": "t"}  # fmt: skip


@dataclass(frozen=True)
class View:
    """A rewritten text; ``starts[i]``/``ends[i]`` is the original span of character ``i``."""

    text: str
    starts: tuple[int, ...] | None  # None: identical to the original
    ends: tuple[int, ...] | None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of ``text[start:end]`` (end > start)."""
        if self.starts is None or self.ends is None:
            return start, end
        return self.starts[start], self.ends[end - 1]


def _rewrite(view: View, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]) -> View:
    """Replace each match of ``pattern`` in ``view``; replaced characters inherit the span of
    the whole match, characters left alone keep theirs."""
    if pattern.search(view.text) is None:
        return view
    n = len(view.text)
    starts = view.starts or tuple(range(n))
    ends = view.ends or tuple(range(1, n + 1))
    parts: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    pos = 0
    for m in pattern.finditer(view.text):
        a, b = m.span()
        if b == a:
            continue
        parts.append(view.text[pos:a])
        new_starts.extend(starts[pos:a])
        new_ends.extend(ends[pos:a])
        out = repl(m)
        if len(out) == b - a:  # one for one: each character keeps its own span
            new_starts.extend(starts[a:b])
            new_ends.extend(ends[a:b])
        else:
            new_starts.extend([starts[a]] * len(out))
            new_ends.extend([ends[b - 1]] * len(out))
        parts.append(out)
        pos = b
    parts.append(view.text[pos:])
    new_starts.extend(starts[pos:])
    new_ends.extend(ends[pos:])
    return View("".join(parts), tuple(new_starts), tuple(new_ends))


@cache
def _fold_char(char: str) -> str:
    if char in _CONFUSABLES:
        return _CONFUSABLES[char]
    if unicodedata.category(char) in ("Cf", "Mn", "Me"):  # zero-width, joiners, accents
        return ""
    decomposed = unicodedata.normalize("NFKD", char)
    kept = "".join(c for c in decomposed if unicodedata.category(c) not in ("Mn", "Me"))
    return "".join(_CONFUSABLES.get(c, c) for c in unicodedata.normalize("NFKC", kept))


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_LEET_IN_WORD = re.compile(
    # Leet symbols between letters ("sh1t", "b!tch", "a55hole") or leading a word ("@ss",
    # "$lut", "@$$hole"); never in numbers, prices, ordinals or email addresses.
    r"(?<=[^\W\d_])[013457@$!|€+]{1,3}(?=[^\W\d_])"
    r"|(?<![\w@.$])[@$|][@$|013457]{0,2}(?=[^\W\d_]{2})"
)
# One separator throughout, so "a f.u.c.k" keeps "a" a word: "f.u.c.k", "k i l l".
_SPELT_OUT = re.compile(r"(?<![\w.])[^\W\d_]([ .\-_*])(?:[^\W\d_]\1){1,30}[^\W\d_](?![\w])")
_SPELT_SEPARATORS = re.compile(r"[ .\-_*]")
_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")


def fold_confusables(text: str) -> View:
    """NFKC, accents and invisible characters dropped, look-alike letters folded to Latin."""
    view = View(text, None, None)
    if text.isascii():
        return view
    return _rewrite(view, _NON_ASCII, lambda m: _fold_char(m.group()))


def _leet(m: re.Match[str]) -> str:
    return "".join(_LEET[c] for c in m.group())


# A letter O typed for a zero in a number: "o7700 900 123".
_O_FOR_ZERO = re.compile(r"(?<=\d)[oO](?=\d)|(?<![\w+])[oO](?=\d{3})")


def views(text: str) -> tuple[View, View]:
    """(plain, folded) views of ``text``."""
    plain = _rewrite(fold_confusables(text), _O_FOR_ZERO, lambda m: "0")
    folded = _rewrite(plain, _LEET_IN_WORD, _leet)
    folded = _rewrite(folded, _SPELT_OUT, lambda m: _SPELT_SEPARATORS.sub("", m.group()))
    folded = _rewrite(folded, _STRETCHED, lambda m: m.group(1))
    return plain, folded


_TOKEN_BREAK = re.compile(
    r"[\W_]+"  # separators: spaces, dots, dashes, underscores, punctuation
    r"|(?<=[a-z])(?=[A-Z])"  # camelCase
    r"|(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])"  # letters and digits
)
_CAPITALS = re.compile(r"[A-Z]{2,}(?=([a-z])?)")


def word_tokens(text: str) -> list[str]:
    """Lower-case word tokens of a name or handle, as a reader splits it.

    Splits on separators, camelCase and letter/digit boundaries; a run of single letters
    ("L.M.U", "L M U") becomes one token; an all-capitals run ("UniLMUsocial") is a token too.
    """
    plain = fold_confusables(text).text
    pieces = [p for p in _TOKEN_BREAK.split(plain) if p]
    tokens: list[str] = []
    letters: list[str] = []
    for piece in pieces:
        if len(piece) == 1 and piece.isalpha():
            letters.append(piece)
            continue
        if len(letters) > 1:
            tokens.append("".join(letters))
        tokens.extend(letters if len(letters) == 1 else ())
        letters = []
        tokens.append(piece)
    if len(letters) > 1:
        tokens.append("".join(letters))
    tokens.extend(letters if len(letters) == 1 else ())
    for m in _CAPITALS.finditer(plain):  # "LMUStudents": "LMUS" and "LMU"
        tokens.append(m.group())
        if m.group(1):
            tokens.append(m.group()[:-1])
    return list(dict.fromkeys(t.lower() for t in tokens))
