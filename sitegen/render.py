"""Jinja environment and ``render_*`` functions returning ``(path, html)``; no writing.

Autoescape is on for every template and undefined variables are errors, so letter
text (which contains ``<`` and ``&``) is always shown, never executed.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import jinja2
from markupsafe import Markup, escape

from sitegen import urls
from sitegen.charts import bar_chart, decision_donut
from sitegen.collect import Archive, Group, ItemRef, guideline_key, guideline_title
from sitegen.config import SiteConfig
from sitegen.errors import BuildError
from sitegen.markdown import Page
from sitegen.model import Letter

DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
DEFAULT_STATIC = Path(__file__).resolve().parent.parent / "static"


@dataclass(frozen=True)
class NavEntry:
    title: str
    url: str
    section: str


BROWSE_NAV = (
    NavEntry("Procedures", urls.PROCEDURES_INDEX, "procedures"),
    NavEntry("Guidelines", urls.GUIDELINES_INDEX, "guidelines"),
    NavEntry("Specialties", urls.SPECIALTIES_INDEX, "specialties"),
    NavEntry("Decisions", urls.DECISIONS_INDEX, "decisions"),
    NavEntry("Body regions", urls.REGIONS_INDEX, "regions"),
    NavEntry("All letters", urls.CASES_INDEX, "cases"),
)


def make_env(cfg: SiteConfig) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if cfg.templates_dir is not None:
        if not cfg.templates_dir.is_dir():
            raise BuildError(f"{cfg.config_file or 'config'}: templates_dir {cfg.templates_dir} is not a folder")
        loaders.append(jinja2.FileSystemLoader(str(cfg.templates_dir)))
    loaders.append(jinja2.FileSystemLoader(str(DEFAULT_TEMPLATES)))
    loaders.append(InlineStaticLoader([cfg.static_dir or cfg.content_dir / "static", DEFAULT_STATIC]))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["paragraphs"] = paragraphs
    env.globals["bar_chart"] = bar_chart
    env.globals["decision_donut"] = decision_donut
    env.globals["procedure_rows"] = procedure_rows
    overridden = cfg.templates_dir is not None and (cfg.templates_dir / MACROS).is_file()
    for name, fast in FAST_MACROS.items():
        # The built-in templates call these as globals (a Jinja macro call costs ~20 us, and an
        # item table calls ``badge`` per row); a site that overrides macros.html gets its macros.
        env.globals[name] = _site_macro(env, name, fast) if overridden else fast
    return env


# -- the helpers of macros.html, in Python -----------------------------------------
#
# Each returns exactly what the macro of the same name in templates/macros.html renders
# (tests/test_render_helpers.py compares them).

MACROS = "macros.html"
_BADGE_LABELS = {"upheld": "Upheld", "overturned": "Overturned"}
_BADGES: dict[str | None, Markup] = {}


def badge(decision: str | None) -> Markup:
    """``<span class="badge badge-upheld">Upheld</span>`` (``undecided``: "Not stated")."""
    got = _BADGES.get(decision)
    if got is None:
        d = decision or "undecided"
        got = Markup(f'<span class="badge badge-{escape(d)}">{_BADGE_LABELS.get(d, "Not stated")}</span>')
        if len(_BADGES) < 64:
            _BADGES[decision] = got
    return got


def pct(rate: float | None) -> Markup:
    return Markup("\u2014") if rate is None else Markup("%.0f%%" % (rate * 100))


def split(counts: Any) -> Markup:
    """The overturned/upheld bar of a group's decision counts."""
    over, up, und = _count(counts, "overturned"), _count(counts, "upheld"), _count(counts, "undecided")
    total = over + up + und
    label = f"{over} overturned, {up} upheld" + (f", {und} not stated" if und else "")
    bar = ""
    if total:
        bar = (f'<span class="split-over" style="width: {"%.1f" % (100 * over / total)}%"></span>'
               f'<span class="split-up" style="width: {"%.1f" % (100 * up / total)}%"></span>')
    return Markup(f'<span class="split" role="img" aria-label="{escape(label)}">{bar}</span>')


def _count(counts: Any, key: str) -> Any:
    return counts[key] if isinstance(counts, dict) else getattr(counts, key)


FAST_MACROS: dict[str, Callable[..., Markup]] = {"badge": badge, "pct": pct, "split": split}


def _site_macro(env: jinja2.Environment, name: str, fast: Callable[..., Markup]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        macro = getattr(env.get_template(MACROS).module, name, None)
        return (macro or fast)(*args)
    return call


def procedure_rows(refs: Sequence[ItemRef], titles: dict[str, str]) -> list[tuple[str, str, int, int]]:
    """(slug, title, items, overturned) per procedure of ``refs``, by slug (decision and region pages)."""
    by: dict[str, list[int]] = {}
    for ref in refs:
        slug = ref.item.procedure or "unmapped"
        row = by.get(slug)
        if row is None:
            row = by[slug] = [0, 0]
        row[0] += 1
        if ref.item.decision == "overturned":
            row[1] += 1
    return [(slug, titles.get(slug, slug), n, over) for slug, (n, over) in sorted(by.items(), key=_dictsort)]


def _dictsort(kv: tuple[str, Any]) -> str:
    return kv[0].lower()  # Jinja's dictsort: by key, case-insensitive


class InlineStaticLoader(jinja2.BaseLoader):
    """``static/site.css`` and ``static/favicon.svg`` as templates (the site's static folder
    first), verbatim, so a page can inline them with ``{% include %}`` (404.html does: a host
    serves it at any depth, where relative links to the stylesheet break).  Being templates,
    they are part of the render key of the pages that include them."""

    NAMES = ("static/site.css", "static/favicon.svg")

    def __init__(self, roots: Sequence[Path]) -> None:
        self.roots = roots

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        if template in self.NAMES:
            for root in self.roots:
                path = root / template.split("/", 1)[1]
                if path.is_file():
                    text = path.read_text(encoding="utf-8")
                    mtime = path.stat().st_mtime_ns
                    source = text if "{% endraw %}" in text else "{% raw %}" + text + "{% endraw %}"
                    return source, str(path), lambda: path.is_file() and path.stat().st_mtime_ns == mtime
        raise jinja2.TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        return list(self.NAMES)


class Renderer:
    """Renders pages with the shared base context (site, nav, root, section, build_date)."""

    def __init__(self, cfg: SiteConfig, env: jinja2.Environment, pages: Sequence[Page]) -> None:
        self.cfg = cfg
        self.env = env
        authored = [p for p in pages if p.nav_order is not None]
        authored.sort(key=lambda p: (p.nav_order, p.slug))
        self.nav = list(BROWSE_NAV) + [NavEntry(p.title, urls.page_url(p.slug), "page-" + p.slug) for p in authored]
        self.site = {"title": cfg.title, "description": cfg.description, "base_url": cfg.base_url}
        self._nav_html: dict[tuple[str, str], Markup] = {}

    def nav_html(self, root: str, section: str) -> Markup:
        """The main navigation's list items (one per page depth and section, memoised)."""
        key = (root, section)
        got = self._nav_html.get(key)
        if got is None:
            current = ' aria-current="page"'
            got = Markup("".join(
                f'      <li><a href="{escape(root)}{escape(e.url)}"{current if e.section == section else ""}>'
                f'{escape(e.title)}</a></li>\n' for e in self.nav))
            self._nav_html[key] = got
        return got

    def base_context(self, path: str, section: str = "") -> dict[str, Any]:
        root = urls.root_prefix(path)
        return {
            "site": self.site,
            "nav": self.nav,
            "nav_html": self.nav_html(root, section),
            "nav_for": self.nav_html,
            "root": root,
            "path": path,
            "section": section,
            "build_date": self.cfg.build_date,
            "url": lambda target: urls.relative(path, target),
        }

    def render(self, template: str, path: str, section: str = "", **context: Any) -> tuple[str, str]:
        ctx = self.base_context(path, section)
        ctx.update(context)
        try:
            html = self.env.get_template(template).render(ctx)
        except jinja2.TemplateSyntaxError as err:
            raise BuildError(f"{err.filename or err.name or template}:{err.lineno}: template error: {err.message}") from None
        except jinja2.TemplateNotFound as err:
            raise BuildError(f"template not found: {err.name} (needed for {path})") from None
        except Exception as err:  # noqa: BLE001 - any runtime error in a template names its file and line
            where = _template_frame(err) or template
            raise BuildError(f"{where}: template error while rendering {path}: {type(err).__name__}: {err}") from None
        return path, html


def _template_frame(err: BaseException) -> str | None:
    """"file:line" of the innermost template frame of a Jinja runtime error."""
    found = None
    for frame in traceback.extract_tb(err.__traceback__):
        if frame.filename.endswith((".html", ".xml", ".txt")) and not frame.filename.endswith(".py"):
            found = f"{frame.filename}:{frame.lineno}"
    return found


# -- letter text ---------------------------------------------------------------

_HEADING = re.compile(r"^[A-Z0-9][A-Z0-9 ,&/'()\-:]{2,90}$")


def paragraphs(text: str) -> list[tuple[str, str]]:
    """Letter text -> [("h"|"p", text)]: blank-line separated paragraphs with their
    line breaks joined, all-caps lines as headings (the PDF artefact of a blank line
    after every line is undone first)."""
    lines = [ln.strip() for ln in text.replace("\r\n", "\n").split("\n")]
    nonblank = [ln for ln in lines if ln]
    # PDF extraction artefact: every line followed by a blank line.  Rejoin on
    # sentence-ends instead of blank lines.
    artefact = len(nonblank) > 4 and sum(1 for a, b in zip(lines, lines[1:]) if a and not b) > 0.8 * len(nonblank)
    out: list[tuple[str, str]] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            out.append(("p", " ".join(buf)))
            buf.clear()

    for ln in lines:
        if not ln:
            if not artefact:
                flush()
            continue
        if _HEADING.match(ln) and any(c.isalpha() for c in ln) and ln.upper() == ln:
            flush()
            out.append(("h", ln.title() if len(ln) > 3 else ln))
            continue
        buf.append(ln)
        if artefact and ln.endswith((".", ":", "?")) and len(ln) < 85:
            flush()
    flush()
    return out


# -- page contexts ---------------------------------------------------------------


def letter_body(text: Sequence[tuple[str, str]]) -> Markup:
    """The letter's paragraphs as HTML: ``<h3>`` headings and ``<p>`` paragraphs, escaped."""
    return Markup("".join(f"<h3>{escape(para)}</h3>" if kind == "h" else f"<p>{escape(para)}</p>"
                          for kind, para in text))


def item_view(letter: Letter, index: int, procedure_titles: dict[str, str]) -> dict[str, Any]:
    item = letter.items[index]
    guides = []
    for c in item.guidelines.reviewer:
        key = guideline_key(c)
        guides.append({"key": key, "title": guideline_title(c), "url": urls.guideline_url(key) if key else None,
                       "topic": c.topic, "pages": c.pages, "raw": c.raw})
    slug = item.procedure or "unmapped"
    return {
        "n": index + 1,
        "anchor": f"item-{index + 1}",
        "item": item,
        "procedure_url": urls.procedure_url(slug),
        "procedure_title": procedure_titles.get(slug, slug.replace("-", " ").capitalize()),
        "guidelines": guides,
        "ua_guidelines": [c.raw or guideline_title(c) for c in item.guidelines.claims_administrator],
        "rationale": [p for _, p in paragraphs(item.rationale)] if item.rationale else [],
    }


def render_case(r: Renderer, letter: Letter, prev: Letter | tuple[str, str] | None,
                next_: Letter | tuple[str, str] | None, procedure_titles: dict[str, str],
                original: str | None) -> tuple[str, str]:
    path = urls.case_url(letter.id)

    def link(other: Letter | tuple[str, str] | None) -> dict[str, str] | None:
        if other is None:
            return None
        oid, label = (other.id, other.case_number or other.id) if isinstance(other, Letter) else other
        return {"url": urls.case_url(oid), "label": label}

    text = paragraphs(letter.text)
    return r.render(
        "case.html", path, "cases",
        letter=letter,
        text=text,
        text_html=letter_body(text),
        items=[item_view(letter, i, procedure_titles) for i in range(len(letter.items))],
        original=original,
        prev=link(prev), next=link(next_),
        description=f"IMR final determination {letter.case_number or letter.id}: "
        + "; ".join(f"{i.request} ({i.decision or 'not stated'})" for i in letter.items[:5]),
    )


def paginate(refs: Sequence[ItemRef], size: int) -> list[Sequence[ItemRef]]:
    return [refs[i:i + size] for i in range(0, len(refs), size)] or [[]]


def _ref_sort(r: ItemRef) -> tuple[int, str, str, int]:
    return (-(r.year or 0), r.case_number or "", r.letter_id, r.index)


def render_group_pages(r: Renderer, group: Group, kind: str, note: str | None, size: int,
                       archive: Archive) -> Iterator[tuple[str, str]]:
    """Procedure or guideline pages (paginated at ``size`` items a page)."""
    refs = sorted(group.refs, key=_ref_sort)
    chunks = paginate(refs, size)
    url_for = urls.procedure_url if kind == "procedure" else urls.guideline_url
    page_paths = [url_for(group.key, n) for n in range(1, len(chunks) + 1)]
    by_year: dict[int, dict[str, int]] = {}
    for ref in group.refs:
        y = ref.year or ref.item and 0
        row = by_year.setdefault(y or 0, {"overturned": 0, "upheld": 0, "undecided": 0})
        row[ref.decision_key] += 1
    procs: list[tuple[str, str, int]] = []
    if kind == "guideline":
        c: dict[str, int] = {}
        for ref in group.refs:
            c[ref.item.procedure or "unmapped"] = c.get(ref.item.procedure or "unmapped", 0) + 1
        procs = sorted(((archive.procedures[s].title if s in archive.procedures else s, s, n) for s, n in c.items()),
                       key=lambda t: (-t[2], t[0]))
    # Everything but the page's own rows is the same on every page of the group: computed
    # once, not per page (a group of 30,000 items has 300 pages).
    links = [urls.relative(page_paths[0], p) for p in page_paths]  # all pages share one folder
    years = sorted(by_year.items())
    by_guideline = group.counter("guideline_titles") if kind == "procedure" else []
    by_specialty = group.counter("specialty")
    description = f"{group.title}: {len(group.refs)} IMR decisions"
    for n, chunk in enumerate(chunks, 1):
        path = page_paths[n - 1]
        yield r.render(
            f"{kind}.html", path, kind + "s",
            group=group, refs=chunk, page=n, pages=links,
            first=(n - 1) * size + 1, note=note if n == 1 else None,
            by_year=years, procedures=procs,
            by_guideline=by_guideline,
            by_specialty=by_specialty,
            description=description,
        )


# -- what a page depends on ------------------------------------------------------


_REFS: dict[str, frozenset[str] | None] = {}


def _references(env: jinja2.Environment, source: str) -> frozenset[str] | None:
    """Templates ``source`` extends, includes or imports; None if one is dynamic (memoised)."""
    if source not in _REFS:
        from jinja2 import meta

        try:
            found = set(meta.find_referenced_templates(env.parse(source)))
        except jinja2.TemplateSyntaxError:
            found = set()  # the render reports the error; the hash only has to change with the source
        if len(_REFS) > 1000:
            _REFS.clear()
        _REFS[source] = None if None in found else frozenset(str(f) for f in found)
    return _REFS[source]


def template_hashes(env: jinja2.Environment, user_dir: Path | None = None) -> tuple[dict[str, str], set[str]]:
    """Template name -> hash of its source and of every template it extends, includes or
    imports (transitively); and the names whose closure holds a template of ``user_dir``
    (the site's overrides, which may show any field).  A template whose references cannot
    be resolved statically depends on every template."""
    import hashlib

    names = sorted(env.list_templates(filter_func=lambda n: not n.startswith(".")))
    sources: dict[str, str] = {}
    refs: dict[str, frozenset[str] | None] = {}
    for name in names:
        try:
            source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
        except jinja2.TemplateNotFound:
            continue
        sources[name] = source
        found = _references(env, source)
        # The macro globals (badge, pct, split) are macros.html's when a site overrides it.
        refs[name] = found | {MACROS} if found is not None and name != MACROS else found
    everything = hashlib.sha256("".join(f"{n}\0{s}\0" for n, s in sorted(sources.items())).encode()).hexdigest()
    out: dict[str, str] = {}
    user: set[str] = set()
    overridden = {n for n in sources if user_dir is not None and (user_dir / n).is_file()}
    for name in sources:
        seen: set[str] = set()
        todo = [name]
        dynamic = False
        while todo:
            n = todo.pop()
            if n in seen or n not in sources:
                seen.add(n)
                continue
            seen.add(n)
            r = refs.get(n)
            if r is None:
                dynamic = True
                break
            todo.extend(r)
        if dynamic:
            out[name] = everything
            if overridden:
                user.add(name)
            continue
        if seen & overridden:
            user.add(name)
        h = hashlib.sha256()
        for n in sorted(seen):
            h.update(f"{n}\0{sources.get(n, '<missing>')}\0".encode())
        out[name] = h.hexdigest()[:32]
    return out, user
