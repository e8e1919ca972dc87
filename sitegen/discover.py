"""Sorted lists of the sources under content/ (the only reader of the content tree)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

LETTER_SUFFIXES = (".txt",)
ORIGINAL_SUFFIXES = (".pdf",)


@dataclass(frozen=True)
class Sources:
    root: Path
    """The content folder."""
    letter_sources: tuple[str, ...]
    """Letter text files under content/letters as paths relative to the content folder
    (posix), sorted as pathlib sorts them."""
    originals: dict[str, Path]
    """letter file stem -> original PDF beside it, when present."""
    pages: tuple[Path, ...]
    """Authored Markdown pages (content/pages/*.md), sorted."""
    procedure_notes: dict[str, Path]
    """Procedure slug -> curator note (content/procedures/<slug>.md)."""
    guideline_notes: dict[str, Path]
    """Guideline key -> note (content/guidelines/<key>.md)."""

    @property
    def letters(self) -> tuple[Path, ...]:
        """Letter text files under content/letters, sorted."""
        return tuple(self.root / s for s in self.letter_sources)


def _md(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.md")) if not p.name.startswith(".")}


def _walk(root: Path) -> list[str]:
    """Every file under ``root`` as a relative posix path, in pathlib's sort order; hidden
    files are skipped (hidden folders are walked, as rglob does)."""
    found: list[str] = []
    base = str(root)
    for folder, dirs, files in os.walk(base):
        rel = os.path.relpath(folder, base)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        found += [prefix + f for f in files if not f.startswith(".")]
    found.sort(key=lambda r: r.split("/"))
    return found


def discover(content: Path) -> Sources:
    letters_dir = content / "letters"
    sources: list[str] = []
    originals: dict[str, Path] = {}
    if letters_dir.is_dir():
        for rel in _walk(letters_dir):
            name = rel.rsplit("/", 1)[-1]
            stem, dot, suffix = name.rpartition(".")
            if not dot or not stem:
                continue
            suffix = "." + suffix.lower()
            if suffix in LETTER_SUFFIXES:
                sources.append("letters/" + rel)
            elif suffix in ORIGINAL_SUFFIXES:
                originals[stem] = letters_dir / rel
    pages_dir = content / "pages"
    pages = tuple(sorted(pages_dir.glob("*.md"))) if pages_dir.is_dir() else ()
    return Sources(
        root=content,
        letter_sources=tuple(sources),
        originals=originals,
        pages=pages,
        procedure_notes=_md(content / "procedures"),
        guideline_notes=_md(content / "guidelines"),
    )
