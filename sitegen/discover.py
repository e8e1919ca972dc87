"""Sorted lists of the sources under content/ (the only reader of the content tree)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

LETTER_SUFFIXES = (".txt",)
ORIGINAL_SUFFIXES = (".pdf",)


@dataclass(frozen=True)
class Sources:
    letters: tuple[Path, ...]
    """Letter text files under content/letters, sorted."""
    originals: dict[str, Path]
    """letter file stem -> original PDF beside it, when present."""
    pages: tuple[Path, ...]
    """Authored Markdown pages (content/pages/*.md), sorted."""
    procedure_notes: dict[str, Path]
    """Procedure slug -> curator note (content/procedures/<slug>.md)."""
    guideline_notes: dict[str, Path]
    """Guideline key -> note (content/guidelines/<key>.md)."""


def _md(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.md")) if not p.name.startswith(".")}


def discover(content: Path) -> Sources:
    letters_dir = content / "letters"
    letters: list[Path] = []
    originals: dict[str, Path] = {}
    if letters_dir.is_dir():
        for p in sorted(letters_dir.rglob("*")):
            if not p.is_file() or p.name.startswith("."):
                continue
            if p.suffix.lower() in LETTER_SUFFIXES:
                letters.append(p)
            elif p.suffix.lower() in ORIGINAL_SUFFIXES:
                originals[p.stem] = p
    pages_dir = content / "pages"
    pages = tuple(sorted(pages_dir.glob("*.md"))) if pages_dir.is_dir() else ()
    return Sources(
        letters=tuple(letters),
        originals=originals,
        pages=pages,
        procedure_notes=_md(content / "procedures"),
        guideline_notes=_md(content / "guidelines"),
    )
