"""The browser client shipped with the index: ``static/search.js`` without comments and indentation.

Written to ``site/search/client.js`` next to the index it reads, so the search page's start-up
stays small (``docs/search.md``).  The compaction is line-based and safe for the client's own
source: it drops blank lines, whole-line ``//`` comments and block comments that start a line,
strips indentation, and drops spaces around punctuation on lines without strings, regexes or
slashes; no line is joined to another, so automatic semicolon insertion is unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent.parent / "static" / "search.js"
NAME = "client.js"


def compact(source: str) -> str:
    out: list[str] = []
    in_block = False
    for raw in source.splitlines():
        line = raw.strip()
        if in_block:
            if "*/" in line:
                in_block = False
                rest = line.split("*/", 1)[1].strip()
                if rest:
                    out.append(rest)
            continue
        if not line or line.startswith("//"):
            continue
        if line.startswith("/*"):
            if "*/" not in line:
                in_block = True
                continue
            rest = line.split("*/", 1)[1].strip()
            if rest:
                out.append(rest)
            continue
        out.append(_tighten(line))
    return "\n".join(out) + "\n"


_PUNCT = re.compile(r"\s*([=+\-*<>!&|?:,;{}()\[\]%])\s*")


def _tighten(line: str) -> str:
    """Drop spaces around punctuation on a line holding no string, regex, comment or division
    (no quote, slash or backtick) and no "- -"/"+ +" (which must stay apart)."""
    if any(c in line for c in "\"'/`") or re.search(r"[-+]\s+[-+]", line):
        return line
    return _PUNCT.sub(r"\1", line)


def write_client(site_dir: Path, source: Path = SOURCE) -> int:
    """Write ``site_dir/search/client.js``; returns its size in bytes."""
    data = compact(source.read_text(encoding="utf-8")).encode("utf-8")
    target = Path(site_dir) / "search" / NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return len(data)
