"""Parsing: cleaned letter text -> :class:`sitegen.model.Letter` (pure, no file access
except in :func:`parse_path`, which reads one file and never raises)."""

from __future__ import annotations

from pathlib import Path

from sitegen.model import Letter


def letter_id(path: Path) -> str:
    """Stable slug of the file name stem."""
    import re

    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", path.stem).strip("-.").lower()
    return slug or "letter"


def parse_path(path: Path, source: str | None = None) -> Letter:
    """Read, clean and parse one letter file. Never raises: problems become warnings.

    PLACEHOLDER until the real parser lands: returns the text only.
    """
    text = path.read_text(encoding="utf-8", errors="replace")
    return Letter(id=letter_id(path), source=source or str(path), text=text)
