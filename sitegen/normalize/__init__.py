"""Normalisation: procedure slugs for items, canonical keys for guideline citations.

    tax = load_taxonomy(Path("content/taxonomy.toml"))
    letter = normalize_letter(letter, tax)

Pure functions over the frozen records of :mod:`sitegen.model`; the taxonomy is compiled
once per process (see :mod:`sitegen.normalize.taxonomy`).
"""

from __future__ import annotations

from sitegen.normalize.coverage import Coverage, coverage
from sitegen.normalize.guidelines import guideline_identity, odg_chapter
from sitegen.normalize.letter import normalize_citation, normalize_item, normalize_letter
from sitegen.normalize.requests import NormalizedRequest, normalize_request
from sitegen.normalize.taxonomy import Procedure, Taxonomy, load_taxonomy

__all__ = [
    "Coverage",
    "NormalizedRequest",
    "Procedure",
    "Taxonomy",
    "coverage",
    "guideline_identity",
    "load_taxonomy",
    "normalize_citation",
    "normalize_item",
    "normalize_letter",
    "normalize_request",
    "odg_chapter",
]
