"""Taxonomy coverage: how many items map to a specific procedure, and what the rest say."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sitegen.model import Letter

_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def _group_key(request: str) -> str:
    """Requests that differ only in case, spacing or numbers ("#90" vs "#120") group together."""
    return " ".join(_DIGITS.sub("N", request.lower()).split()).rstrip(":")


@dataclass(frozen=True)
class Coverage:
    items: int = 0
    mapped: int = 0
    unmapped: tuple[tuple[str, int], ...] = ()
    """(request as first written, count) for unmapped requests, most frequent first."""
    citations: int = 0
    keyed: int = 0
    keys: tuple[tuple[str, int], ...] = field(default=())
    """(guideline key, count) over reviewer citations, most frequent first."""

    @property
    def share(self) -> float:
        """Mapped items / items (1.0 for no items: nothing is unmapped)."""
        return self.mapped / self.items if self.items else 1.0


def coverage(letters: Iterable[Letter]) -> Coverage:
    """Count mapped items and group the unmapped requests by frequency."""
    items = mapped = citations = keyed = 0
    counts: Counter[str] = Counter()
    first: dict[str, str] = {}
    keys: Counter[str] = Counter()
    for letter in letters:
        for item in letter.items:
            items += 1
            if item.procedure:
                mapped += 1
            else:
                k = _group_key(item.request)
                counts[k] += 1
                first.setdefault(k, item.request)
            for c in (*item.guidelines.claims_administrator, *item.guidelines.reviewer):
                citations += 1
                if c.key:
                    keyed += 1
            for c in item.guidelines.reviewer:
                if c.key:
                    keys[c.key] += 1
    unmapped = tuple((first[k], n) for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return Coverage(
        items=items,
        mapped=mapped,
        unmapped=unmapped,
        citations=citations,
        keyed=keyed,
        keys=tuple(sorted(keys.items(), key=lambda kv: (-kv[1], kv[0]))),
    )
