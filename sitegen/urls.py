"""The one place that maps records to output paths, and paths to relative links.

Every path is relative to the site root with forward slashes; pages link to each
other with :func:`relative`, so the site works at any subpath and from file://.
"""

from __future__ import annotations

import posixpath
import re


def slugify(text: str) -> str:
    """Lower-case ASCII slug ("Low Back Complaints" -> "low-back-complaints")."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "x"


def case_url(id: str) -> str:
    return f"cases/{id}.html"


def procedure_url(slug: str, page: int = 1) -> str:
    return f"procedures/{slug}.html" if page <= 1 else f"procedures/{slug}-{page}.html"


def guideline_url(key: str, page: int = 1) -> str:
    return f"guidelines/{key}.html" if page <= 1 else f"guidelines/{key}-{page}.html"


def specialty_url(slug: str) -> str:
    return f"specialties/{slug}.html"


def region_url(slug: str) -> str:
    return f"regions/{slug}.html"


def decision_url(decision: str) -> str:
    return f"decisions/{decision}.html"


def page_url(slug: str) -> str:
    return f"{slug}.html"


def letter_file_url(id: str, suffix: str = ".txt") -> str:
    return f"letters/{id}{suffix}"


INDEX = "index.html"
PROCEDURES_INDEX = "procedures/index.html"
GUIDELINES_INDEX = "guidelines/index.html"
SPECIALTIES_INDEX = "specialties/index.html"
REGIONS_INDEX = "regions/index.html"
DECISIONS_INDEX = "decisions/index.html"
CASES_INDEX = "cases/index.html"
SEARCH = "search.html"
NOT_FOUND = "404.html"


def root_prefix(from_path: str) -> str:
    """Relative prefix from a page to the site root: "" at the root, "../" one level down."""
    depth = from_path.count("/")
    return "../" * depth


def relative(from_path: str, to_path: str) -> str:
    """Link from the page at ``from_path`` to ``to_path`` (both site-root relative)."""
    if to_path.startswith(("http://", "https://", "#", "mailto:")):
        return to_path
    start = posixpath.dirname(from_path) or "."
    anchor = ""
    if "#" in to_path:
        to_path, frag = to_path.split("#", 1)
        anchor = "#" + frag
    rel = posixpath.relpath(to_path, start)
    return rel + anchor
