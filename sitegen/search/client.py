"""The browser client shipped with the index: ``static/search.js`` (and ``search-overlay.js``) without comments and indentation.

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
OVERLAY_SOURCE = SOURCE.with_name("search-overlay.js")
"""The overlay helpers (``search/overlay.js``), loaded only while the index has an overlay."""
OVERLAY_NAME = "overlay.js"


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


_STRING = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")


def _tighten(line: str) -> str:
    """Drop spaces around punctuation outside string literals, on a line holding no regex,
    comment or division (no slash outside strings) and no template string (backtick);
    "- -"/"+ +" stay apart."""
    if "`" in line:
        return line
    parts = _STRING.split(line)
    if any(p.count('"') % 2 or p.count("'") % 2 or "/" in p for p in parts[::2]):  # a regex, division or odd quote
        return line
    if any(re.search(r"[-+]\s+[-+]", p) for p in parts[::2]):
        return line
    return "".join(_PUNCT.sub(r"\1", p) if i % 2 == 0 else p for i, p in enumerate(parts))


def write_client(site_dir: Path, source: Path = SOURCE) -> int:
    """Write ``site_dir/search/client.js`` (and ``overlay.js``); returns client.js's size in bytes."""
    target = Path(site_dir) / "search" / NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    for src, name in ((source, NAME), (OVERLAY_SOURCE, OVERLAY_NAME)):
        data = compact(src.read_text(encoding="utf-8")).encode("utf-8")
        (target.parent / name).write_bytes(data)
        size = size or len(data)
    return size
