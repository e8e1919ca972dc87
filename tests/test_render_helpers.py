"""The Python versions of macros.html's helpers render exactly what the macros render, and a
site that overrides macros.html gets its own macros on every built-in page."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from site_samples import letters
from sitegen.build import build_site
from sitegen.collect import Group, collect
from sitegen.config import load_config
from sitegen.render import DEFAULT_TEMPLATES, badge, make_env, pct, procedure_rows, split, template_hashes


def _macros() -> jinja2.environment.TemplateModule:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(DEFAULT_TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    return env.get_template("macros.html").module


@pytest.mark.parametrize("decision", ["upheld", "overturned", None, "", "undecided", "partly <b>"])
def test_badge_equals_the_macro(decision: str | None) -> None:
    assert str(badge(decision)) == str(_macros().badge(decision))
    assert str(badge(decision)) == str(badge(decision))  # memoised: the same answer twice


@pytest.mark.parametrize("rate", [None, 0.0, 0.004, 0.005, 0.125, 0.5, 0.995, 1.0])
def test_pct_equals_the_macro(rate: float | None) -> None:
    assert str(pct(rate)) == str(_macros().pct(rate))


@pytest.mark.parametrize("counts", [
    {"overturned": 0, "upheld": 0, "undecided": 0},
    {"overturned": 3, "upheld": 7, "undecided": 0},
    {"overturned": 1, "upheld": 1, "undecided": 1},
    {"overturned": 0, "upheld": 12, "undecided": 5},
])
def test_split_equals_the_macro(counts: dict[str, int]) -> None:
    assert str(split(counts)) == str(_macros().split(counts))


def test_procedure_rows_equal_the_template_loop() -> None:
    archive = collect(letters(12))
    titles = {slug: g.title for slug, g in archive.procedures.items()}
    loop = jinja2.Environment(autoescape=True).from_string(
        '{% set procs = {} %}{% for ref in refs %}{% set _ = procs.setdefault(ref.item.procedure or "unmapped", [])'
        '.append(ref) %}{% endfor %}{% for slug, refs in procs|dictsort %}{{ slug }}|{{ titles.get(slug, slug) }}|'
        '{{ refs|length }}|{{ refs|selectattr("item.decision", "equalto", "overturned")|list|length }}\n{% endfor %}')
    for group in [*archive.decisions.values(), *archive.regions.values(), Group("x", "X")]:
        expected = loop.render(refs=group.refs, titles=titles)
        assert "".join(f"{s}|{t}|{n}|{o}\n" for s, t, n, o in procedure_rows(group.refs, titles)) == expected


def test_site_override_of_macros_is_used(tmp_path: Path) -> None:
    override = tmp_path / "tpl"
    override.mkdir()
    source = (DEFAULT_TEMPLATES / "macros.html").read_text()
    (override / "macros.html").write_text(source.replace('"Upheld"', '"Agreed"'))
    (tmp_path / "content").mkdir()
    (tmp_path / "sitegen.toml").write_text('[site]\ntemplates_dir = "tpl"\n')
    cfg = load_config(tmp_path / "sitegen.toml", tmp_path / "content", tmp_path / "out" / "_site")
    build_site(cfg, letters=letters(3), jobs=1)
    html = (cfg.out_dir / "cases/case-001.html").read_text()
    assert "badge-upheld\">Agreed</span>" in html and ">Upheld</span>" not in html
    # every built-in page depends on macros.html, so editing it re-renders them
    hashes, user = template_hashes(make_env(cfg), cfg.templates_dir)
    assert {"case.html", "item_table.html", "procedure.html", "listing.html"} <= user
