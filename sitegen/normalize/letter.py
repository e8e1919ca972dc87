"""Normalise a whole letter: every item's request and every citation on both guideline lines."""

from __future__ import annotations

from functools import lru_cache

from sitegen.model import Citation, Guidelines, Item, Letter, copy_with
from sitegen.normalize.associated import link_associated
from sitegen.normalize.guidelines import guideline_identity, odg_chapter
from sitegen.normalize.requests import normalize_request
from sitegen.normalize.taxonomy import Taxonomy


@lru_cache(maxsize=8192)
def normalize_citation(c: Citation) -> Citation:
    """The citation with ``key`` and ``title`` set (and an ODG chapter alias made canonical).
    Cached: the parser shares its citation records across letters, so most calls repeat one."""
    key, title = guideline_identity(c)
    chapter = c.chapter
    if c.source == "ODG" and chapter:
        chapter = odg_chapter(chapter) or chapter
    if key == c.key and title == c.title and chapter == c.chapter:
        return c
    return copy_with(c, key=key, title=title, chapter=chapter)


def normalize_item(item: Item, taxonomy: Taxonomy) -> Item:
    """The item with its procedure fields and its citations' keys filled where known."""
    n = normalize_request(item.request, taxonomy)
    g = item.guidelines
    guidelines = Guidelines(
        claims_administrator=tuple(normalize_citation(c) for c in g.claims_administrator),
        reviewer=tuple(normalize_citation(c) for c in g.reviewer),
    )
    # NormalizedRequest's fields are Item's procedure fields, by the same names.
    return copy_with(item, guidelines=guidelines, **vars(n))


def normalize_letter(letter: Letter, taxonomy: Taxonomy) -> Letter:
    """A new Letter whose items and citations are normalised; unmapped items keep procedure None."""
    items = [normalize_item(it, taxonomy) for it in letter.items]
    links = link_associated(items)
    items = [copy_with(it, associated_with=link) if link is not None else it for it, link in zip(items, links)]
    return copy_with(letter, items=tuple(items))
