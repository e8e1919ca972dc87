"""The open-data lines of every letter, kept on disk instead of in the main process.

A letter's line of ``data/cases.jsonl`` (about 4 kB) and its rows of ``data/items.csv`` are
written, UTF-8 encoded and back to back, into a spool file of the build cache by the process
that parsed it; its slim record keeps only ``(file name, offset, jsonl bytes, csv bytes)``.
The two export files are then assembled by streaming those bytes in archive order, so a
100,000-letter build never holds 400 MB of export text in memory (and the output is
byte-identical to joining the strings: the same UTF-8 encoding of the same lines).

Spool files live in ``cache/build/spool-<content folder>/``; a file no slim record of the
saved letter index refers to is deleted when the index is saved (:func:`prune`).  A spool file
that is missing or short (a partly deleted cache) only costs a re-derivation from the record.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO, Callable, Iterable

SpoolRef = tuple[str, int, int, int]
"""(spool file name, offset, bytes of the jsonl line, bytes of the csv rows)."""


class SpoolWriter:
    """Appends letters' export lines to one new spool file (opened on the first line)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.name = f"{os.getpid()}-{os.urandom(6).hex()}.spool"
        self._fh: BinaryIO | None = None
        self._offset = 0

    def add(self, jsonl: str, csv: str) -> SpoolRef:
        if self._fh is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.folder / self.name, "wb")
        a, b = jsonl.encode("utf-8"), csv.encode("utf-8")
        self._fh.write(a)
        self._fh.write(b)
        ref = (self.name, self._offset, len(a), len(b))
        self._offset += len(a) + len(b)
        return ref

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


class SpoolReader:
    """Reads export lines back; keeps the spool files open until :meth:`close`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._fds: dict[str, int | None] = {}

    def read(self, ref: SpoolRef) -> tuple[bytes, bytes] | None:
        """The (jsonl, csv) bytes of ``ref``, or None when its spool file is gone or short."""
        name, offset, nj, nc = ref
        fd = self._fds.get(name, -1)
        if fd == -1:
            try:
                fd = os.open(self.folder / name, os.O_RDONLY)
            except OSError:
                fd = None
            self._fds[name] = fd
        if fd is None:
            return None
        data = os.pread(fd, nj + nc, offset)
        if len(data) != nj + nc:
            return None
        return data[:nj], data[nj:]

    def close(self) -> None:
        for fd in self._fds.values():
            if fd is not None:
                os.close(fd)
        self._fds.clear()


def stream_exports(outputs: dict[int, BinaryIO], entries: Iterable[tuple[SpoolRef | None, str, str]],
                   folder: Path | None, rebuild: Callable[[int], tuple[str, str]]) -> None:
    """Write each entry's jsonl (output 0) and/or csv (output 1) bytes, in order.

    ``entries``: (spool ref or None, jsonl text, csv text) per letter, the texts used when the
    ref is None; ``rebuild(i)`` gives entry ``i``'s lines when its spool bytes are lost."""
    reader = SpoolReader(folder) if folder is not None else None
    out_j, out_c = outputs.get(0), outputs.get(1)
    try:
        for i, (ref, jsonl, csv) in enumerate(entries):
            got = reader.read(ref) if ref is not None and reader is not None else None
            if got is None:
                if ref is not None:
                    jsonl, csv = rebuild(i)
                got = (jsonl.encode("utf-8"), csv.encode("utf-8"))
            if out_j is not None:
                out_j.write(got[0])
            if out_c is not None:
                out_c.write(got[1])
    finally:
        if reader is not None:
            reader.close()


def prune(folder: Path, live: Iterable[SpoolRef | None]) -> None:
    """Delete the spool files none of ``live`` refers to."""
    if not folder.is_dir():
        return
    keep = {ref[0] for ref in live if ref is not None}
    for entry in os.scandir(folder):
        if entry.name not in keep and entry.name.endswith(".spool"):
            try:
                os.unlink(entry.path)
            except OSError:
                pass
