"""Parsing: cleaned letter text -> :class:`sitegen.model.Letter`.

``parse_text`` is pure (text in, record out); ``parse_path`` reads one file and
never raises: every problem becomes a line in ``Letter.warnings``.
"""

from __future__ import annotations

import re
from pathlib import Path

from sitegen.clean import clean
from sitegen.model import Letter
from sitegen.parse import determination, legacy_2013, professional_review
from sitegen.parse.common import LayoutResult
from sitegen.parse.detect import detect
from sitegen.parse.fields import (
    find_case_number,
    find_date_of_injury,
    find_diagnoses,
    find_patient,
    find_reviewer,
)
from sitegen.read import read_letter

_PARSERS = {
    "determination": determination.parse,
    "legacy-2013": legacy_2013.parse,
    "professional-review": professional_review.parse,
}
_NOT_SLUG = re.compile(r"[^A-Za-z0-9_.-]+")


def letter_id(path: Path) -> str:
    """Stable slug of the file name stem."""
    slug = _NOT_SLUG.sub("-", path.stem).strip("-.").lower()
    return slug or "letter"


def parse_text(text: str, id: str, source: str, warnings: tuple[str, ...] = ()) -> Letter:
    """Parse decoded letter text into a Letter (procedure fields left for normalisation)."""
    ct = clean(text)
    found: list[str] = list(warnings)
    if not ct.lines:
        return Letter(id=id, source=source, warnings=tuple(found) or ("file holds no text",))
    body = ct.text
    fmt = detect(body)
    if fmt == "unknown":
        found.append("not recognised as an IMR determination letter (no known section headings)")
        result = determination.parse(ct)  # still try: a fragment may hold items
        if not result.items:
            result = LayoutResult(sections=result.sections, items=())
    else:
        result = _PARSERS[fmt](ct)
    found.extend(result.warnings)

    sections = result.sections
    case_number = find_case_number(sections.header) or find_case_number(body)
    if case_number is None and ct.furniture_case_numbers:
        case_number = ct.furniture_case_numbers[0]
    reviewer = result.reviewer or find_reviewer(sections.credentials)
    doi, redacted = find_date_of_injury(sections.header, sections.summary)
    if fmt != "unknown":
        if not reviewer.specialties:
            found.append("reviewer specialty not found")
        if doi is None and not redacted:
            # A redacted date ("injury on  while lifting") is how public letters are, not a problem.
            found.append("date of injury not found")
    return Letter(
        id=id,
        source=source,
        format=fmt,
        case_number=case_number,
        reviewer=reviewer,
        patient=find_patient(sections.summary),
        date_of_injury=doi,
        diagnoses=tuple(find_diagnoses(sections.summary)),
        items=result.items,
        warnings=tuple(dict.fromkeys(found)),
        text=body,
    )


def parse_path(path: Path, source: str | None = None) -> Letter:
    """Read, clean and parse one letter file. Never raises: problems become warnings."""
    raw = read_letter(path)
    src = source if source is not None else str(path)
    try:
        return parse_text(raw.text, letter_id(path), src, raw.warnings)
    except Exception as err:  # noqa: BLE001 - a parser bug must not lose the other letters
        return Letter(
            id=letter_id(path),
            source=src,
            warnings=(*raw.warnings, f"internal parser error ({type(err).__name__}: {err}); please report this letter"),
            text=raw.text,
        )
