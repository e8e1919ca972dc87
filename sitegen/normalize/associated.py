"""Associated items: link an item that depends on a primary procedure to that procedure's index."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sitegen.model import Item

# The rationale says the item stands or falls with a primary procedure.  Matched on the
# lower-cased text after a cheap substring test (rationales are long; most never mention it).
_DEPENDS_RE = re.compile(
    r"primary (?:procedure|surgery|surgical (?:procedure|request)|request|treatment)"
    r"|associated (?:surgical )?(?:services?|items?|requests?|procedures?)"
)


def _depends(rationale: str) -> bool:
    low = rationale.lower()
    if "primary" not in low and "associated" not in low:
        return False
    return _DEPENDS_RE.search(low) is not None


# The request itself is labelled as part of a surgical episode.
_LABEL_RE = re.compile(
    r"^\s*(?:retrospective\s+(?:request\s+for\s+)?)?(?:associated (?:surgical )?services?|pre[- ]?op(?:erative)?|post[- ]?op(?:erative)?|peri[- ]?op(?:erative)?|intra[- ]?op(?:erative)?)\b",
    re.I,
)
# Slugs that only ever accompany a surgery.
_ALWAYS_ASSOCIATED = frozenset({"assistant-surgeon", "intraoperative-neuromonitoring", "inpatient-stay", "medical-clearance"})
_PRIMARY_CATEGORIES = frozenset({"surgery", "injection"})


def is_associated(item: Item) -> bool:
    """True when the rationale or the request's label ties the item to a primary procedure."""
    if _depends(item.rationale or ""):
        return True
    return bool(_LABEL_RE.match(item.request)) or item.procedure in _ALWAYS_ASSOCIATED and item.category != "surgery"


def link_associated(items: Sequence[Item]) -> list[int | None]:
    """For each item, the index of the primary item it depends on (None when it stands alone).

    The primary is the nearest earlier item that is not itself associated, preferring a surgery
    or injection; items before any primary stay unlinked.
    """
    flags = [is_associated(it) for it in items]
    links: list[int | None] = []
    for i, it in enumerate(items):
        if not flags[i]:
            links.append(None)
            continue
        candidates = [j for j in range(i - 1, -1, -1) if not flags[j]]
        primary = next((j for j in candidates if items[j].category in _PRIMARY_CATEGORIES), None)
        if primary is None and candidates and _depends(it.rationale or ""):
            primary = candidates[0]
        links.append(primary)
    return links
