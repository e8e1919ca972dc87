"""Build errors for the browser: find the file and line, render the overlay.

:func:`error_info` turns any exception raised by the build into an
:class:`ErrorInfo` naming the file and line when it can be found (exception
attributes such as Jinja's ``filename``/``lineno``, template frames in the
traceback, or a ``path:line`` in the message). :func:`overlay_html` is the
fragment injected into served pages; :func:`error_page` is a whole page for
when there is no good site to show yet.
"""

from __future__ import annotations

import html
import os
import re
import traceback
from pathlib import Path

from sitegen.errors import SitegenError
from sitegen.serve.state import ErrorInfo

OVERLAY_ID = "sitegen-overlay"
CSS_URL = "/__sitegen/overlay.css"

OVERLAY_CSS = """\
#sitegen-overlay{position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,24,.72);
display:flex;align-items:flex-start;justify-content:center;overflow:auto;padding:5vh 1rem;
font:16px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1b1f}
#sitegen-overlay[hidden]{display:none}
#sitegen-overlay .sitegen-overlay-box{background:#fff;max-width:60rem;width:100%;border-radius:6px;
border-top:6px solid #b3261e;padding:1.25rem 1.5rem;box-shadow:0 8px 30px rgba(0,0,0,.35)}
#sitegen-overlay h2{margin:0 0 .5rem;font-size:1.25rem;color:#b3261e}
#sitegen-overlay .sitegen-overlay-loc{margin:0 0 .75rem;font-weight:600}
#sitegen-overlay pre{white-space:pre-wrap;word-break:break-word;background:#f6f6f8;
padding:.75rem;border-radius:4px;font:14px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;margin:0 0 .75rem}
#sitegen-overlay .sitegen-overlay-note{margin:0;font-size:.9rem;color:#44444c}
#sitegen-overlay button{float:right;font:inherit;border:1px solid #888;background:#fff;border-radius:4px;
padding:.1rem .6rem;cursor:pointer}
"""

# "templates/case.html:12" (also Windows "C:\x\case.html:12")
_FILE_COLON_LINE = re.compile(r"(?P<file>(?:[A-Za-z]:)?[^\s:'\"()<>,]+\.[A-Za-z0-9]+):(?P<line>\d+)")
# "sitegen.toml, line 3" / "sitegen.toml: line 3" / "case.html line 3"
_FILE_WORD_LINE = re.compile(
    r"(?P<file>(?:[A-Za-z]:)?[^\s:'\"()<>,]+\.[A-Za-z0-9]+)['\"]?(?:,|:)?\s+(?:at\s+)?line\s+(?P<line>\d+)",
    re.IGNORECASE,
)
_FILE_ONLY = re.compile(
    r"(?P<file>(?:[A-Za-z]:)?[^\s:'\"()<>,]+\.(?:txt|html?|j2|jinja2?|toml|css|js|json|xml|md|ya?ml))\b"
)
_LINE_ONLY = re.compile(r"\bline\s+(?P<line>\d+)", re.IGNORECASE)

_CODE_SUFFIXES = (".py", ".pyc", ".pyx", ".so")


def _display_path(path: str) -> str:
    """Relative to the working directory when inside it, else as given."""
    try:
        p = Path(path)
        if p.is_absolute():
            rel = os.path.relpath(p, Path.cwd())
            if not rel.startswith(".."):
                return rel
    except (OSError, ValueError):
        pass
    return path


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in seen and len(seen) < 10:
        seen.append(cur)
        cur = cur.__cause__ or cur.__context__
    return seen


def _from_attributes(exc: BaseException) -> tuple[str | None, int | None]:
    for e in _chain(exc):
        filename = getattr(e, "filename", None) or getattr(e, "path", None)
        lineno = getattr(e, "lineno", None) or getattr(e, "line", None)
        if isinstance(filename, (str, os.PathLike)) and str(filename):
            line = lineno if isinstance(lineno, int) and lineno > 0 else None
            return str(filename), line
    return None, None


def _from_traceback(exc: BaseException) -> tuple[str | None, int | None]:
    """Innermost non-Python frame: Jinja rewrites template frames to the template file."""
    for e in _chain(exc):
        frames = traceback.extract_tb(e.__traceback__)
        for frame in reversed(frames):
            name = frame.filename
            if name and not name.endswith(_CODE_SUFFIXES) and not name.startswith("<"):
                return name, frame.lineno
    return None, None


def _from_message(message: str) -> tuple[str | None, int | None]:
    for pattern in (_FILE_COLON_LINE, _FILE_WORD_LINE):
        m = pattern.search(message)
        if m:
            return m.group("file"), int(m.group("line"))
    m = _FILE_ONLY.search(message)
    file = m.group("file") if m else None
    lm = _LINE_ONLY.search(message)
    return file, int(lm.group("line")) if lm else None


def error_info(exc: BaseException) -> ErrorInfo:
    """Describe a build failure for the overlay. Never raises."""
    message = str(exc) or type(exc).__name__
    file, line = _from_attributes(exc)
    if file is None:
        file, line = _from_message(message)
    if file is None or line is None:
        tb_file, tb_line = _from_traceback(exc)
        if tb_file is not None and (file is None or Path(tb_file).name == Path(file).name):
            file, line = tb_file, tb_line
    if line is None and file is not None:
        _, line = _from_message(message)
    if isinstance(exc, SitegenError):
        title, detail = "Build failed", ""
    else:
        title = f"Build failed: {type(exc).__name__}"
        detail = "".join(traceback.format_exception(exc)).rstrip()
    return ErrorInfo(
        title=title,
        message=message,
        file=_display_path(file) if file else None,
        line=line,
        detail=detail,
    )


def overlay_html(error: ErrorInfo) -> str:
    """The overlay fragment (valid inside <body>), all text escaped."""
    esc = html.escape
    loc = error.location()
    parts = [
        f'<link rel="stylesheet" href="{CSS_URL}">',
        f'<div id="{OVERLAY_ID}" role="alertdialog" aria-modal="true" aria-labelledby="{OVERLAY_ID}-title"'
        f' aria-describedby="{OVERLAY_ID}-message">',
        '<div class="sitegen-overlay-box">',
        '<button type="button" data-sitegen-close aria-label="Hide this message">&times;</button>',
        f'<h2 id="{OVERLAY_ID}-title">{esc(error.title)}</h2>',
    ]
    if loc:
        parts.append(f'<p class="sitegen-overlay-loc">in <code data-sitegen-location>{esc(loc)}</code></p>')
    parts.append(f'<pre id="{OVERLAY_ID}-message">{esc(error.message)}</pre>')
    if error.detail:
        parts.append(f"<details><summary>Traceback</summary><pre>{esc(error.detail)}</pre></details>")
    parts.append(
        '<p class="sitegen-overlay-note">You are seeing the last good build. Fix the file and save;'
        " this page reloads by itself.</p>"
    )
    parts.append("</div></div>")
    return "".join(parts)


def error_page(error: ErrorInfo | None, *, title: str = "sitegen", body: str = "") -> str:
    """A whole HTML page: the overlay when there is an error, else ``body`` (escaped)."""
    esc = html.escape
    content = overlay_html(error) if error else f"<p>{esc(body)}</p>"
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title></head><body><main><h1>{esc(title)}</h1>"
        f"{content}</main></body></html>\n"
    )
