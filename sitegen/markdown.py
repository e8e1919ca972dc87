"""Authored pages through one configured markdown-it-py instance."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

from sitegen.errors import BuildError

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True}).enable("table").enable("strikethrough")
_FRONT = re.compile(r"\A(?:---|\+\+\+)\s*\n(.*?)\n(?:---|\+\+\+)\s*(?:\n|\Z)", re.S)


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    nav_order: int | None
    """Position in the site navigation; None keeps the page out of the nav."""
    html: str
    source: str


def render_markdown(text: str) -> str:
    """Markdown -> HTML (raw HTML in the source is escaped, tables on)."""
    return _MD.render(text)


def _front_matter(block: str, path: Path) -> dict[str, object]:
    """Front matter as ``key: value`` lines (YAML-like) or TOML."""
    data: dict[str, object] = {}
    try:
        return dict(tomllib.loads(block))
    except tomllib.TOMLDecodeError:
        pass
    for n, line in enumerate(block.splitlines(), 2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if ":" not in line:
            raise BuildError(f"{path}:{n}: front matter line is not 'key: value': {line.strip()!r}")
        key, value = line.split(":", 1)
        data[key.strip()] = value.strip().strip("\"'")
    return data


def load_page(path: Path) -> Page:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise BuildError(f"{path}: cannot read page: {err}") from None
    meta: dict[str, object] = {}
    m = _FRONT.match(text)
    if m:
        meta = _front_matter(m.group(1), path)
        text = text[m.end():]
    title = str(meta.get("title") or path.stem.replace("-", " ").title())
    order_raw = meta.get("nav_order", meta.get("order"))
    nav_order: int | None = None
    if order_raw not in (None, ""):
        try:
            nav_order = int(str(order_raw))
        except ValueError:
            raise BuildError(f"{path}: nav_order must be a whole number, not {order_raw!r}") from None
    return Page(slug=path.stem.lower(), title=title, nav_order=nav_order, html=render_markdown(text), source=str(path))


def load_note(path: Path) -> str:
    """A curator note (Markdown, optional front matter) -> HTML."""
    return load_page(path).html
