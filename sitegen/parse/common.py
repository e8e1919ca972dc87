"""What every layout parser returns, and helpers they share."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from sitegen.clean import CleanText, word_starts
from sitegen.model import Item, Reviewer


@dataclass(frozen=True)
class Sections:
    """The parts of a letter a layout parser found (plain text, cleaned)."""

    header: str = ""
    """Header/cover block (case number, dates, treatments in dispute)."""
    credentials: str = ""
    """Text holding the reviewer's credentials."""
    summary: str = ""
    """Case summary (age, sex, date of injury, diagnoses)."""


@dataclass(frozen=True)
class LayoutResult:
    sections: Sections
    items: tuple[Item, ...]
    warnings: tuple[str, ...] = ()
    reviewer: Reviewer | None = None
    """Set when the layout parsed credentials itself; else taken from sections.credentials."""


def collapse(text: str) -> str:
    """Whitespace runs (newlines included) folded to single spaces, ends stripped."""
    return " ".join(text.split())


def clean_request(text: str) -> str:
    """Whitespace collapsed, no trailing colon or full stop."""
    return collapse(text).strip().rstrip(":").rstrip()


def heading(pattern: str) -> re.Pattern[str]:
    """A heading on a line of its own; words may wrap onto the next line."""
    words = pattern.split()
    body = r"\s+".join(re.escape(w) for w in words)
    return re.compile(r"^[ \t]*" + body + r"[ \t]*:?[ \t]*$", re.M | re.I)


class Span:
    """Where a heading was found (the start()/end() of a match)."""

    __slots__ = ("_start", "_end")

    def __init__(self, start: int, end: int) -> None:
        self._start, self._end = start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end


def find_heading(ct: CleanText, pattern: re.Pattern[str]) -> Span | re.Match[str] | None:
    """The first heading matching ``pattern``: looked up among the all-capitals heading
    paragraphs first (cheap), else searched in the whole text (mixed-case headings)."""
    for name, start, end in ct.headings:
        if pattern.match(name):
            return Span(start, end)
    return pattern.search(ct.text)


def matches_at_words(
    pattern: re.Pattern[str], text: str, words: tuple[str, ...], pos: int = 0, *, line_start: bool = False
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, pos)`` for a pattern whose every match begins with one of ``words``
    (lower-case, matched case-insensitively), found faster: ``pattern.match`` is tried only where
    one of the words begins.  The re module gives an IGNORECASE pattern that starts with a letter
    (or with ``^``) no fast scan, so a plain search tries every position of the text.

    ``line_start``: the pattern begins ``^[ \t]*`` (MULTILINE), so a match begins at the start of
    a line whose first word, after spaces and tabs, is one of ``words``.

    Only for ASCII text, where ``lower()`` maps each letter to one letter as IGNORECASE does;
    other text takes the plain ``finditer``.  The pattern must not match the empty string."""
    if not text.isascii():
        yield from pattern.finditer(text, pos)
        return
    low = text.lower()
    starts = word_starts(low, words, pos)
    if line_start:
        lines = ((low.rfind("\n", 0, at) + 1, at) for at in starts)
        starts = {line for line, at in lines if line >= pos and not text[line:at].strip(" \t")}
    end = pos
    for at in sorted(starts):
        if at < end:
            continue  # inside the previous match: finditer goes on after it
        m = pattern.match(text, at)
        if m:
            yield m
            end = m.end()


def search_at_words(
    pattern: re.Pattern[str], text: str, words: tuple[str, ...], pos: int = 0, *, line_start: bool = False
) -> re.Match[str] | None:
    """``pattern.search(text, pos)`` for such a pattern (see :func:`matches_at_words`)."""
    return next(matches_at_words(pattern, text, words, pos, line_start=line_start), None)


def short(text: str, limit: int = 60) -> str:
    text = collapse(text)
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."
