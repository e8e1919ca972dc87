"""Shared helpers for tests (not fixtures)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LETTERS = ROOT / "content" / "letters"

#: Item and citation keys filled by normalisation, not by the parser.
NORMALISED_ITEM_KEYS = (
    "procedure",
    "category",
    "body_region",
    "laterality",
    "drug",
    "strength",
    "quantity",
    "visits",
    "associated_with",
)
NORMALISED_CITATION_KEYS = ("key", "title")


def parser_view(record: dict) -> dict:
    """A record with the normalisation fields removed (what the parser alone decides)."""
    out = dict(record)
    items = []
    for item in record["items"]:
        item = {k: v for k, v in item.items() if k not in NORMALISED_ITEM_KEYS}
        item["guidelines"] = {
            side: [{k: v for k, v in c.items() if k not in NORMALISED_CITATION_KEYS} for c in cites]
            for side, cites in item["guidelines"].items()
        }
        items.append(item)
    out["items"] = items
    return out
