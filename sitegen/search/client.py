"""The browser client shipped with the index: ``static/search.js`` (and ``search-overlay.js``) without comments and indentation.

Written to ``site/search/client.js`` next to the index it reads, so the search page's start-up
stays small (``docs/search.md``).  The compaction is line-based and safe for the client's own
source: it drops blank lines, ``//`` comments and block comments, strips indentation, and drops
spaces around punctuation outside string and regex literals (a small per-line lexer; lines it
cannot split, e.g. with template strings, stay as they are); no line is joined to another, so
automatic semicolon insertion is unchanged.
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
    glue = False  # may the next line follow the last one without a line break?
    in_block = False
    for raw in source.splitlines():
        line = raw.strip()
        if in_block:
            if "*/" not in line:
                continue
            in_block = False
            line = line.split("*/", 1)[1].strip()
        if line.startswith("/*") and "*/" not in line:
            in_block = True
            continue
        text, lexed = _tighten(line)
        if not text or text.startswith("//"):
            continue
        if glue and out:
            out[-1] += text
        else:
            out.append(text)
        # after "{ ; , ( [" a line break never ends a statement (no semicolon insertion), so
        # the next line can follow at once; only after a line the lexer understood
        glue = lexed and text[-1] in "{;,(["
    return "\n".join(out) + "\n"


_PUNCT = re.compile(r"\s*([=+\-*/<>!&|?:,;{}()\[\]%^])\s*")

#: a "/" after one of these (or at the start of a line, or after ``return``/``typeof``) starts a
#: regex literal; after anything else it divides
_REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^")


def _lex(line: str) -> list[tuple[bool, str]] | None:
    """Split a line into (is_code, text) runs: string and regex literals are not code; ``//``
    comments and ``/* */`` comments closed on the line are dropped.  None when the line is
    beyond this small lexer (a template string, a block comment left open, an unclosed literal)."""
    if "`" in line:
        return None
    runs: list[tuple[bool, str]] = []
    code: list[str] = []
    i, n = 0, len(line)

    def flush() -> None:
        if code:
            runs.append((True, "".join(code)))
            code.clear()

    def before() -> str:
        text = ("".join(t for _, t in runs) + "".join(code)).rstrip()
        return text

    while i < n:
        ch = line[i]
        if ch in "\"'":
            j = i + 1
            while j < n and line[j] != ch:
                j += 2 if line[j] == "\\" else 1
            if j >= n:
                return None
            flush()
            runs.append((False, line[i:j + 1]))
            i = j + 1
        elif ch == "/" and line.startswith("//", i):
            break
        elif ch == "/" and line.startswith("/*", i):
            j = line.find("*/", i + 2)
            if j < 0:
                return None
            code.append(" ")
            i = j + 2
        elif ch == "/":
            prev = before()
            if not prev or prev[-1] in _REGEX_AFTER or re.search(r"\b(return|typeof)$", prev):
                j, in_class = i + 1, False
                while j < n and (in_class or line[j] != "/"):
                    if line[j] == "\\":
                        j += 1
                    elif line[j] == "[":
                        in_class = True
                    elif line[j] == "]":
                        in_class = False
                    j += 1
                if j >= n:
                    return None
                j += 1
                while j < n and line[j].isalpha():
                    j += 1
                flush()
                runs.append((False, line[i:j]))
                i = j
            else:
                code.append(ch)
                i += 1
        else:
            code.append(ch)
            i += 1
    flush()
    return runs


def _tighten(line: str) -> tuple[str, bool]:
    """Drop comments and the spaces around punctuation in code (not in string or regex
    literals); "- -"/"+ +" stay apart.  A line the lexer cannot split stays as it is
    (returned with False)."""
    runs = _lex(line)
    if runs is None:
        return line, False
    if any(is_code and re.search(r"[-+]\s+[-+]", t) for is_code, t in runs):
        return line, False
    return "".join(_PUNCT.sub(r"\1", t) if is_code else t for is_code, t in runs).strip(), True


def write_client(site_dir: Path, source: Path = SOURCE) -> int:
    """Write ``site_dir/search/client.js`` (and ``overlay.js``); returns client.js's size in bytes."""
    target = Path(site_dir) / "search" / NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    for src, name in ((source, NAME), (OVERLAY_SOURCE, OVERLAY_NAME)):
        data = compact(src.read_text(encoding="utf-8")).encode("utf-8")
        path = target.parent / name
        path.unlink(missing_ok=True)  # a new file (a build's copy of the index is hard-linked)
        path.write_bytes(data)
        size = size or len(data)
    return size
