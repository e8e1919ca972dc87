"""Letters -> search documents (one per letter), shared by the Whoosh and the static index.

One document per *letter*, not per disputed item: a result links to a case page
(``cases/<id>.html``), the clinical summary and reviewer are shared by every item of
a letter, and facet counts are counts of letters.  Per-item fields (request,
procedure, category, body region, guideline, decision) become multi-valued fields
of the letter.  See ``docs/search.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from sitegen.model import Letter

#: Facet fields, in display order.  Values are slugs (usable in Whoosh queries).
FACETS = ("decision", "procedure", "category", "body_region", "guideline", "specialty", "year")
#: Category labels that are not just the capitalised slug.
CATEGORY_LABELS = {"dme": "DME (durable medical equipment)", "diagnostic-test": "Diagnostic test", "lab": "Laboratory test"}
#: The value used when normalisation did not map an item.
UNMAPPED = "unmapped"


def slug(text: str) -> str:
    """Lowercase ASCII slug: "Physical Medicine and Rehabilitation" -> "physical-medicine-and-rehabilitation"."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s or UNMAPPED


@dataclass(frozen=True)
class SearchDoc:
    """What both indexes know about one letter."""

    id: str
    """Letter id; the case page is ``cases/<id>.html``."""
    url: str
    """Case page URL relative to the site root."""
    title: str
    """Display title: case number (or id) and the first request."""
    case_number: str | None
    requests: tuple[str, ...]
    """Disputed items as written."""
    items: tuple[tuple[str, str], ...]
    """(request, decision or "") per item, for result display."""
    text: str
    """The cleaned letter text."""
    facets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Facet field -> sorted distinct slugs."""
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    """Facet field -> slug -> display label."""


def _add(values: dict[str, dict[str, str]], facet: str, value: str | None, label: str | None = None) -> None:
    if value is None or not str(value).strip():
        value, label = UNMAPPED, "Unmapped"
    key = slug(str(value))
    values.setdefault(facet, {}).setdefault(key, label or str(value))


def procedure_titles() -> dict[str, str]:
    """Procedure slug -> the taxonomy's display name ({} when normalisation is unavailable)."""
    try:
        from sitegen.normalize import load_taxonomy

        return {slug: p.name for slug, p in load_taxonomy(None).procedures.items()}
    except Exception:  # noqa: BLE001 - labels are cosmetic; the taxonomy's own errors surface when parsing
        return {}


def letter_document(letter: Letter, titles: dict[str, str] | None = None) -> SearchDoc:
    """Build the search document of one letter (pure).  ``titles`` maps procedure slugs to
    display names (the taxonomy's); a slug without one is shown as capitalised words."""
    values: dict[str, dict[str, str]] = {f: {} for f in FACETS}
    titles = titles or {}
    for item in letter.items:
        if item.decision:
            _add(values, "decision", item.decision, item.decision.capitalize())
        proc = item.procedure
        _add(values, "procedure", proc, (titles.get(proc) or _title(proc)) if proc else None)
        _add(values, "category", item.category, CATEGORY_LABELS.get(item.category or "") or (_title(item.category) if item.category else None))
        if item.body_region:
            _add(values, "body_region", item.body_region, item.body_region.capitalize())
        for cit in item.guidelines.reviewer:
            if cit.source != "none":
                _add(values, "guideline", cit.key, cit.title or cit.key)
    for spec in letter.reviewer.specialties:
        _add(values, "specialty", spec, spec)
    if letter.injury_year:
        _add(values, "year", str(letter.injury_year), str(letter.injury_year))
    facets = {f: tuple(sorted(v)) for f, v in values.items()}
    requests = tuple(i.request for i in letter.items)
    head = letter.case_number or letter.id
    title = f"{head}: {requests[0]}" if requests else head
    if len(requests) > 1:
        title += f" (+{len(requests) - 1} more)"
    return SearchDoc(
        id=letter.id,
        url=f"cases/{letter.id}.html",
        title=title,
        case_number=letter.case_number,
        requests=requests,
        items=tuple((i.request, i.decision or "") for i in letter.items),
        text=letter.text,
        facets=facets,
        labels=values,
    )


def documents(letters: Sequence[Letter], titles: dict[str, str] | None = None) -> list[SearchDoc]:
    """Documents for all letters, sorted by (injury year, id) so doc numbers are stable
    and each year is a contiguous run (smaller static index).  ``titles``: see
    :func:`letter_document` (default: the shipped taxonomy's names)."""
    if titles is None:
        titles = procedure_titles()
    docs = [letter_document(l, titles) for l in letters]
    docs.sort(key=lambda d: (d.facets.get("year") or ("9999",), d.id))
    return docs


def _title(s: str) -> str:
    return s.replace("-", " ").capitalize()
