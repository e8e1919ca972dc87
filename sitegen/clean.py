"""Stage 2, clean: remove PDF-extraction artefacts before parsing.

Input is decoded text; output is a :class:`CleanText`: the letter as physical
lines with ``""`` marking a paragraph break, plus what the page furniture told
us (the case number in repeated page headers).

Handled: CRLF/CR, U+00A0 and other odd spaces, curly quotes and dashes, control
characters, trailing spaces, lines holding one space, the blank line after every
line (a run of one blank line is not a break, two or more are), page footers
("Page 2 of 4") and repeated page headers ("Final Determination Letter for IMR
Case Number CM14-0067890", also mid-sentence), words hyphenated across line
breaks ("docu-" / "mented"; real hyphens such as "(x-" / "rays)" are kept) and
words run together ("notmedically", "study.The").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import or_
from functools import cached_property

_TRANSLATE = str.maketrans(
    {
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\t": " ",
        "\f": "\n",
        "\v": "\n",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": " - ",
        "\u2212": "-",
        "\u2026": "...",
        "\u00ad": None,  # soft hyphen
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
        "\ufffd": "?",
    }
)
_TRANSLATE_TEXT = {chr(k): ("" if v is None else v) for k, v in _TRANSLATE.items()}
_ASCII_ODDITIES = tuple(ch for ch in _TRANSLATE_TEXT if ch.isascii())
_CONTROL_BYTES = bytes((*range(0, 9), *range(14, 32), 127))
_NOT_TEXT = frozenset(("", "\0"))  # a blank line, page furniture
_DROP_AZ = str.maketrans("", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_FOOTER = re.compile(r"^\s*(?:-\s*)?Page\s+\d+\s*(?:of\s+\d+)?\s*(?:-\s*)?$", re.I)
_PAGE_HEADER = re.compile(
    r"\s*Final\s+Determination\s+Letter\s+for\s+IMR\s+Case\s+Number\s+(CM\d{2}-\d{5,7})\s*", re.I
)
_HYPHEN_END = re.compile(r"(?<![\w-])(\w+)-$")
_FIRST_TOKEN = re.compile(r"^(\w+)(\S*)(.*)$", re.S)
_TRAILING_FOOTER = re.compile(r"\s+Page\s+\d+\s+of\s+\d+\s*$")
_RUN_TOGETHER = re.compile(r"(?i)\b(not|is)(medically|necessary)\b")
_MISSING_SPACE = re.compile(r"\.(?=[A-Z][a-z])")
#: Prefixes that keep their hyphen when a line break falls after them.
_KEEP_HYPHEN = frozenset(
    "non pre post re anti semi self well follow multi co sub bi tri intra inter over under "
    "ex long short low high left right mid x t c l s".split()
)


@dataclass(frozen=True)
class CleanText:
    lines: tuple[str, ...]
    """Physical lines, stripped; "" is a paragraph break (never two in a row)."""
    furniture_case_numbers: tuple[str, ...] = ()
    """Case numbers found in repeated page headers (dropped from the text)."""

    @cached_property
    def text(self) -> str:
        """The lines joined with newlines ("\\n\\n" between paragraphs)."""
        return "\n".join(self.lines)

    @cached_property
    def headings(self) -> tuple[tuple[str, int, int], ...]:
        """All-capitals heading paragraphs as (text, start, end) offsets into ``text``;
        a heading wrapped over lines keeps its newlines."""
        out: list[tuple[str, int, int]] = []
        pos = 0
        group: list[str] = []
        start = 0
        for line in (*self.lines, ""):
            if line.isupper() and is_heading(line):
                if not group:
                    start = pos
                group.append(line)
            elif group:
                name = "\n".join(group)
                out.append((name, start, start + len(name)))
                group = []
            pos += len(line) + 1
        return tuple(out)

    def paragraphs(self) -> list[str]:
        """Each paragraph as one string, line breaks replaced by spaces."""
        out: list[str] = []
        current: list[str] = []
        for line in self.lines:
            if line:
                current.append(line)
            elif current:
                out.append(" ".join(current))
                current = []
        if current:
            out.append(" ".join(current))
        return out


def _normalise_characters(text: str) -> str:
    """Odd spaces, quotes and dashes to ASCII, control characters dropped.  Only the characters
    present are replaced: a few ``in`` tests cost far less than ``str.translate`` over the text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for ch in _ASCII_ODDITIES if text.isascii() else _TRANSLATE_TEXT:
        if ch in text:
            text = text.replace(ch, _TRANSLATE_TEXT[ch])
    if text.isascii():
        raw = text.encode("ascii")
        if len(raw.translate(None, _CONTROL_BYTES)) != len(raw):
            text = _CONTROL.sub("", text)
    elif _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    return text


def clean(text: str) -> CleanText:
    text = _normalise_characters(text)
    low = text.lower()
    fixed = _fix_run_together(text, low)
    if fixed is not text:  # spaces were added
        text, low = fixed, fixed.lower()

    case_numbers: list[str] = []
    has_headers = "determination letter for" in low
    kept = [line.strip() for line in text.split("\n")]
    # Only a line holding "page" (footers) or a page header's words can be furniture.
    for i in lines_holding(low, ("page", "etermination letter for") if has_headers else ("page",)):
        line = kept[i]
        if has_headers and "etermination letter for" in line.lower():
            found = _PAGE_HEADER.findall(line)
            if found:
                case_numbers.extend(n.upper() for n in found)
                line = _PAGE_HEADER.sub(" ", line).strip()
                if not line:
                    kept[i] = "\0"  # furniture marker
                    continue
        if line[:1] in ("P", "p", "-") and _FOOTER.match(line):
            kept[i] = "\0"
            continue
        if line[-1:].isdigit() and "Page" in line:
            line = _TRAILING_FOOTER.sub("", line)
        kept[i] = line

    lines = _collapse_blank_runs(kept)
    lines = _join_hyphenation(lines)
    return CleanText(tuple(lines), tuple(dict.fromkeys(case_numbers)))


def word_starts(low: str, words: tuple[str, ...], pos: int = 0) -> set[int]:
    """Every position from ``pos`` on where one of ``words`` occurs in ``low`` (string searches)."""
    at: set[int] = set()
    for word in words:
        i = low.find(word, pos)
        while i >= 0:
            at.add(i)
            i = low.find(word, i + 1)
    return at


def lines_holding(low: str, words: tuple[str, ...]) -> list[int]:
    """Numbers of the lines of ``low`` that hold any of ``words``, ascending (string searches,
    not a loop over every line: most lines hold none)."""
    at = word_starts(low, words)
    found: list[int] = []
    line = last = 0
    for pos in sorted(at):
        line += low.count("\n", last, pos)
        last = pos
        if not found or found[-1] != line:
            found.append(line)
    return found


def _collapse_blank_runs(lines: list[str]) -> list[str]:
    """Turn runs of blank lines into paragraph breaks, drop page furniture, set headings apart.

    PDF extraction often puts a blank line after every line; then a single
    blank line is no break and two or more are.  Furniture ("\\0") and the
    blank lines around it vanish: the text on both sides joins, unless the
    line before it ends a sentence.  A heading is a paragraph of its own
    (wrapped heading lines stay together).
    """
    # Counted with map/sum (no Python loop): lines that are text, pairs of adjacent text lines.
    not_text = list(map(_NOT_TEXT.__contains__, lines))
    text_lines = len(lines) - sum(not_text)
    followed_by_text = len(lines) - 1 - sum(map(or_, not_text, not_text[1:])) if lines else 0
    # Double-spaced: hardly any text line is directly followed by another one.
    double_spaced = text_lines >= 4 and followed_by_text <= 0.25 * text_lines
    threshold = 2 if double_spaced else 1

    out: list[str] = []
    blanks = 0
    furniture = False
    prev_heading = False
    for line in lines:
        if not line:
            blanks += 1
            continue
        if line == "\0":
            furniture = True
            continue
        heading = line.isupper() and is_heading(line)
        if out:
            brk = out[-1][-1:] in ".:" if furniture else blanks >= threshold
            if brk or heading != prev_heading:
                out.append("")
        out.append(line)
        prev_heading = heading
        blanks = 0
        furniture = False
    return out


def is_heading(line: str) -> bool:
    """An all-capitals line ("CLINICAL CASE SUMMARY", "DOCUMENTS REVIEWED:") with at least six A-Z."""
    return line.isupper() and len(line) <= 100 and len(line) - len(line.translate(_DROP_AZ)) >= 6


def _join_hyphenation(lines: list[str]) -> list[str]:
    """Join words hyphenated across a line break ("docu-" / "mented" -> "documented").

    A real hyphen stays ("(x-" / "rays)" -> "(x-rays)", "L4-" / "L5" -> "L4-L5"): the
    next line's first token moves up either way, so the word is whole on one line.
    """
    text = "\n".join(lines)
    if "-\n" not in text and not text.endswith("-"):
        return lines  # no line ends with a hyphen (lines hold no newlines)
    vocabulary: str | None = None  # the letter's own words decide: "documented" or "follow-up"
    out = list(lines)
    for i in range(len(out) - 1):
        if not out[i].endswith("-"):
            continue
        m = _HYPHEN_END.search(out[i])
        nxt = out[i + 1]
        if not m or not nxt or nxt == "\0":
            continue
        w = _FIRST_TOKEN.match(nxt)
        if not w:
            continue
        head, tail, rest_of_token = m.group(1), w.group(1), w.group(2)
        keep = True
        if head[-1].isalpha() and tail.isalpha() and tail.islower():
            if vocabulary is None:
                vocabulary = text.lower()
            joined, hyphenated = (head + tail).lower(), f"{head}-{tail}".lower()
            if _has_word(vocabulary, joined):
                keep = False
            elif _has_word(vocabulary, hyphenated) or head.lower() in _KEEP_HYPHEN:
                keep = True
            else:
                keep = len(head) < 2
        word = (f"{head}-{tail}" if keep else head + tail) + rest_of_token
        out[i] = out[i][: m.start()] + word
        rest = w.group(3).lstrip()
        out[i + 1] = rest if rest else "\0"
    return [line for line in out if line != "\0"]


def _has_word(text: str, word: str) -> bool:
    """``word`` stands in ``text`` as a whole word (not only inside a longer one)."""
    start = text.find(word)
    while start >= 0:
        end = start + len(word)
        if (start == 0 or not text[start - 1].isalpha()) and (end == len(text) or not text[end].isalpha()):
            return True
        start = text.find(word, start + 1)
    return False


def _fix_run_together(text: str, low: str | None = None) -> str:
    """"notmedically" -> "not medically", "study.The" -> "study. The" (``low``: ``text.lower()``)."""
    if low is None:
        low = text.lower()
    if "smedically" in low or "tmedically" in low or "snecessary" in low or "tnecessary" in low:
        text = _RUN_TOGETHER.sub(r"\1 \2", text)
    return _MISSING_SPACE.sub(_space_after_stop, text)


def _space_after_stop(m: re.Match[str]) -> str:
    before = m.string[max(0, m.start() - 3) : m.start()]
    return ". " if len(before) == 3 and before.isalpha() and before.islower() else "."
