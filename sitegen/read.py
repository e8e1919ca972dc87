"""Stage 1, read: bytes on disk -> text, with the problems found as warnings.

Letters arrive as UTF-8 (sometimes with a BOM, curly quotes and U+00A0) or as
cp1252; a few are not letters at all (empty, binary, huge).  Nothing here
raises for bad content: the caller gets text (possibly empty) and warnings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: Real letters are 3-60 KB; anything beyond this is parsed only up to the limit.
MAX_BYTES = 1_000_000


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


@dataclass(frozen=True)
class RawText:
    text: str
    """Decoded text ("" when the file could not be used)."""
    encoding: str
    """"utf-8", "utf-16", "cp1252" or "binary"."""
    warnings: tuple[str, ...] = ()


def decode(data: bytes) -> RawText:
    """Decode a letter's bytes: UTF-8 (BOM stripped), UTF-16 with a BOM, else cp1252."""
    warnings: list[str] = []
    if len(data) > MAX_BYTES:
        warnings.append(
            f"file is {len(data) / 1_000_000:.1f} MB, far larger than any IMR letter; "
            f"only the first {MAX_BYTES // 1000} KB were parsed"
        )
        data = data[:MAX_BYTES]
    if not data.strip():
        return RawText("", "utf-8", (*warnings, "file is empty"))
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return RawText(data.decode("utf-16", errors="replace"), "utf-16", tuple(warnings))
    if _looks_binary(data):
        return RawText("", "binary", (*warnings, "file is binary, not a text letter"))
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    try:
        return RawText(data.decode("utf-8"), "utf-8", tuple(warnings))
    except UnicodeDecodeError as err:
        # A file cut at MAX_BYTES may end inside a multi-byte character.
        if len(data) == MAX_BYTES and err.start >= len(data) - 3:
            return RawText(data[: err.start].decode("utf-8"), "utf-8", tuple(warnings))
    # cp1252 leaves five bytes undefined; map them to U+FFFD rather than fail.
    return RawText(data.decode("cp1252", errors="replace"), "cp1252", tuple(warnings))


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return control > len(sample) * 0.05


def read_letter(path: Path) -> RawText:
    """Read one letter file. An unreadable file gives empty text and a warning."""
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            # read() sized by the file: read(MAX_BYTES + 1) would allocate a megabyte per letter.
            data = fh.read() if size <= MAX_BYTES else fh.read(MAX_BYTES + 1)
    except OSError as err:
        return RawText("", "binary", (f"cannot read file: {err.strerror or err}",))
    raw = decode(data)
    if size > MAX_BYTES and raw.warnings:
        # Report the real size, not the truncated read.
        fixed = tuple(
            w.replace(f"{len(data) / 1_000_000:.1f} MB", f"{size / 1_000_000:.1f} MB") for w in raw.warnings
        )
        return RawText(raw.text, raw.encoding, fixed)
    return raw
