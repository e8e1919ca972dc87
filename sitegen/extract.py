"""`sitegen extract`: read -> clean -> parse -> normalise, one JSON record per letter on stdout.

Streams: one letter is read, printed and dropped before the next, so memory
stays flat however many letters a folder holds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from sitegen.errors import SitegenError
from sitegen.model import Letter
from sitegen.parse import parse_path


def iter_letter_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Every .txt file under the given files/folders, folders walked recursively in sorted order."""
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.lower().endswith(".txt") and not name.startswith("."):
                        yield Path(root) / name
        elif path.exists():
            yield path
        else:
            raise SitegenError(f"{path}: no such file or folder")


def load_normalizer(taxonomy_file: Path | None):  # type: ignore[no-untyped-def]
    """The normalisation step, or identity when the normalize package is not available."""
    try:
        from sitegen.normalize import load_taxonomy, normalize_letter
    except ImportError:
        return lambda letter: letter
    taxonomy = load_taxonomy(taxonomy_file)
    return lambda letter: normalize_letter(letter, taxonomy)


def extract(path: Path, normalize) -> Letter:  # type: ignore[no-untyped-def]
    return normalize(parse_path(path))


def run(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths]
    for p in paths:
        if not p.exists():
            raise SitegenError(f"{p}: no such file or folder")
    normalize = load_normalizer(Path(args.taxonomy) if args.taxonomy else None)
    out = sys.stdout
    letters = warned = 0
    for path in iter_letter_paths(paths):
        letter = extract(path, normalize)
        letters += 1
        if letter.warnings:
            warned += 1
        out.write(json.dumps(letter.to_record(), ensure_ascii=False))
        out.write("\n")
    out.flush()
    if letters == 0:
        print("sitegen extract: no .txt letters found", file=sys.stderr)
    elif warned:
        print(f"sitegen extract: {letters} letters, {warned} with warnings", file=sys.stderr)
    return 1 if (args.strict and warned) else 0
