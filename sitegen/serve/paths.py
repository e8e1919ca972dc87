"""Map a request target to a file inside the output folder, or refuse.

Only files that resolve (symlinks followed) inside the output folder are served.
``..`` segments, encoded or not (``%2e%2e``, ``..%2f``), backslashes (also
``%5c``), NUL bytes and absolute Windows-style segments are refused outright,
before touching the file system. The output folder is resolved on every call,
because the build swaps in a new folder atomically.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit


class Forbidden(Exception):
    """The request target tries to leave the output folder."""


@dataclass(frozen=True)
class Resolved:
    kind: str
    """"file" | "redirect" (folder without trailing slash) | "missing"."""
    path: Path | None = None
    """The file to serve (kind == "file")."""
    location: str = ""
    """Where to redirect (kind == "redirect")."""


def url_path(target: str) -> str:
    """The decoded path of a request target ("/a%20b/?q=1" -> "/a b/"). Raises Forbidden."""
    raw = urlsplit(target).path or "/"
    if not raw.startswith("/"):
        raise Forbidden(target)
    decoded = unquote(raw, errors="strict")
    if "\x00" in decoded or "\\" in decoded:
        raise Forbidden(target)
    return decoded


def _segments(path: str) -> list[str]:
    segs = [s for s in path.split("/") if s not in ("", ".")]
    for s in segs:
        if s == ".." or (len(s) >= 2 and s[1] == ":"):
            raise Forbidden(path)
    return segs


def resolve(root: Path, target: str) -> Resolved:
    """Resolve ``target`` (the raw request target) against ``root``.

    Raises :class:`Forbidden` for traversal attempts, including symlinks that
    resolve outside ``root``.
    """
    path = url_path(target)
    segs = _segments(path)
    try:
        base = root.resolve(strict=True)
    except (OSError, RuntimeError):
        return Resolved("missing")
    candidate = base.joinpath(*segs)
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return Resolved("missing")
    if real != base and not real.is_relative_to(base):
        raise Forbidden(target)
    if real.is_dir():
        if not path.endswith("/"):
            # Rebuilt from the checked segments: never "//host" (an open redirect).
            query = urlsplit(target).query
            loc = "/" + "".join(quote(s) + "/" for s in segs) + (f"?{query}" if query else "")
            return Resolved("redirect", location=loc)
        index = real / "index.html"
        try:
            index_real = index.resolve(strict=True)
        except (OSError, RuntimeError):
            return Resolved("missing")
        if not index_real.is_relative_to(base):
            raise Forbidden(target)
        return Resolved("file", index_real) if index_real.is_file() else Resolved("missing")
    if real.is_file():
        return Resolved("file", real)
    return Resolved("missing")
