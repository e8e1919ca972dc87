"""`sitegen report`: how much of the archive the taxonomy maps, and what it misses, most frequent first.

    sitegen report                      # CONTENT/letters with CONTENT/taxonomy.toml when present
    sitegen report letters/ --top 20    # given files or folders (searched recursively for .txt)

The numbers tell a curator where extending ``content/taxonomy.toml`` pays off most
(docs/taxonomy.md).  :func:`summary_line` is the one-line form for the build summary.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from sitegen.errors import LetterError
from sitegen.normalize import Coverage, coverage, load_taxonomy, normalize_letter


def summary_line(cov: Coverage) -> str:
    """"taxonomy: 97.4% of 1,234 items mapped (32 unmapped)" for the build summary."""
    unmapped = cov.items - cov.mapped
    return f"taxonomy: {cov.share:.1%} of {cov.items:,} items mapped ({unmapped:,} unmapped)"


def format_report(cov: Coverage, top: int = 50, letters: int | None = None) -> str:
    lines = []
    if letters is not None:
        lines.append(f"letters:   {letters:,}")
    lines.append(f"items:     {cov.items:,}")
    lines.append(f"mapped:    {cov.mapped:,} ({cov.share:.1%}) to a specific procedure")
    if cov.citations:
        lines.append(f"citations: {cov.citations:,}, {cov.keyed:,} with a guideline key ({cov.keyed / cov.citations:.1%})")
    if cov.keys:
        lines.append("")
        lines.append("reviewer citations by guideline:")
        for key, n in cov.keys[:top]:
            lines.append(f"  {n:>7,}  {key}")
    lines.append("")
    if not cov.unmapped:
        lines.append("unmapped requests: none")
    else:
        shown = cov.unmapped[:top] if top > 0 else ()
        kinds = len(cov.unmapped)
        lines.append(f"unmapped requests ({kinds:,} distinct; numbers ignored when grouping), most frequent first:")
        for request, n in shown:
            lines.append(f"  {n:>7,}  {request}")
        if kinds > len(shown):
            lines.append(f"  ... and {kinds - len(shown):,} more (use --top N)")
    return "\n".join(lines) + "\n"


def _letter_files(paths: Iterable[Path]) -> Iterator[Path]:
    for p in paths:
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*.txt") if q.is_file() and not q.name.startswith("."))
        elif p.is_file():
            yield p
        else:
            raise LetterError(f"{p}: no such file or folder")


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from sitegen.parse import parse_path

    out = out or sys.stdout
    content = Path(getattr(args, "content", None) or "content")
    paths = [Path(p) for p in (getattr(args, "paths", None) or [])]
    if not paths:
        letters_dir = content / "letters"
        if not letters_dir.is_dir():
            raise LetterError(f"{letters_dir}: no letters folder (give letter files or folders, or --content)")
        paths = [letters_dir]
    tax = load_taxonomy(content / "taxonomy.toml")
    top = getattr(args, "top", 50)
    top = 50 if top is None else max(0, int(top))

    def letters() -> Iterator:  # type: ignore[type-arg]
        for f in _letter_files(paths):
            yield normalize_letter(parse_path(f), tax)

    count = 0

    def counted() -> Iterator:  # type: ignore[type-arg]
        nonlocal count
        for letter in letters():
            count += 1
            yield letter

    cov = coverage(counted())
    if count == 0:
        raise LetterError(f"{', '.join(str(p) for p in paths)}: no letter files (.txt) found")
    sources = " + ".join(tax.sources)
    out.write(f"taxonomy:  {len(tax):,} procedures ({sources})\n")
    out.write(format_report(cov, top, letters=count))
    return 0
