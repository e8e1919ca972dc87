"""The browser search client in headless Chromium, over http and from file://.

Uses the shared ``browser``/``page`` fixtures; the site is a small one of its own (the
search page rendered from templates/search.html + base.html, static/ copied, and the
static index of the hand-built sample letters) so expected results are exact.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterator

import pytest

from sitegen.search import build_indexes, update_indexes
from test_search_fixtures import sample_letters
from helpers import serve_folder

ROOT = Path(__file__).resolve().parent.parent


def _render_search_page(site: Path, subdir: str = "") -> None:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(ROOT / "templates")), autoescape=select_autoescape(["html"]))
    ctx = dict(
        root="../" * subdir.count("/"),
        site=SimpleNamespace(title="IMR archive", description="Test archive"),
        nav=[SimpleNamespace(url="search.html", title="Search", section="search")],
        section="search",
        build_date=None,
        description="",
    )
    (site / subdir).mkdir(parents=True, exist_ok=True)
    (site / subdir / "search.html").write_text(env.get_template("search.html").render(**ctx), encoding="utf-8")


@pytest.fixture(scope="module")
def search_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("search-site") / "_site"
    site.mkdir()
    shutil.copytree(ROOT / "static", site / "static")
    _render_search_page(site)
    for letter in sample_letters():
        (site / "cases").mkdir(exist_ok=True)
        (site / "cases" / f"{letter.id}.html").write_text(f"<!doctype html><title>{letter.id}</title><h1>{letter.id}</h1>")
    build_indexes(sample_letters(), site, site.parent / "whoosh")
    return site


@pytest.fixture(scope="module")
def search_url(search_site: Path) -> Iterator[str]:
    with serve_folder(search_site, probe="search.html") as url:
        yield url


def bench(page: Any, term: str, filters: dict[str, str] | None = None, facets: bool = False, n: int = 10) -> dict[str, Any]:
    return page.evaluate("o => window.benchRun(o)", {"term": term, "filters": filters or {}, "n": n, "facets": facets})


def ids(r: dict[str, Any]) -> list[str]:
    return sorted(u.removeprefix("cases/").removesuffix(".html") for u in r["urls"])


@pytest.fixture(params=["http", "file"])
def search_page(request: pytest.FixtureRequest, page: Any, search_site: Path) -> Any:
    if request.param == "http":
        url = request.getfixturevalue("search_url") + "search.html"
    else:
        url = (search_site / "search.html").as_uri()
    page.goto(url)
    page.wait_for_function("typeof window.benchRun === 'function'")
    return page


def test_words_and_stemming(search_page: Any) -> None:
    assert ids(bench(search_page, "injections")) == ["s2", "s3", "s6"]
    assert ids(bench(search_page, "injected")) == ["s2", "s3", "s6"]
    r = bench(search_page, "tramadol injections")
    assert ids(r) == ["s2", "s3"] and r["results"] == 2
    assert bench(search_page, "zzzunknown")["results"] == 0


def test_phrase(search_page: Any) -> None:
    assert ids(bench(search_page, '"red flags"')) == ["s1", "s4"]
    assert ids(bench(search_page, '"lumbar spine"')) == ["s1"]
    assert bench(search_page, '"spine lumbar"')["results"] == 0
    assert ids(bench(search_page, '"epidural steroid injection"')) == ["s3"]


def test_prefix_is_complete(search_page: Any) -> None:
    # radiculopathy (s1), radiculitis (s3), radicular (s5), radical (s5)
    assert ids(bench(search_page, "radic*")) == ["s1", "s3", "s5"]
    assert ids(bench(search_page, "radicul*")) == ["s1", "s3", "s5"]
    # a one-letter prefix loads every dictionary shard under it: red, radiculopathy, radicular ...
    assert ids(bench(search_page, "r*", n=50)) == ["s1", "s3", "s4", "s5"]


def test_filters_and_counts(search_page: Any) -> None:
    r = bench(search_page, "tramadol", facets=True)
    assert dict((v, c) for v, _, c in r["filters"]["decision"]) == {"upheld": 2, "overturned": 1}
    r = bench(search_page, "tramadol", {"decision": "overturned"}, facets=True)
    assert ids(r) == ["s3"]
    assert dict((v, c) for v, _, c in r["filters"]["procedure"]) == {"epidural-steroid-injection-lumbar": 1, "tramadol": 1}
    assert ids(bench(search_page, "", {"decision": "overturned", "year": "2012"})) == ["s1"]
    assert ids(bench(search_page, "medically", {"specialty": "orthopedic-surgery"})) == ["s1", "s4"]


def test_snippet_highlight_and_escaping(search_page: Any) -> None:
    r = bench(search_page, "injections")
    assert "<mark>" in r["excerpt0"]
    r = bench(search_page, "alert")
    assert "<mark>alert</mark>" in r["excerpt0"] and "&#60;script&#62;" in r["excerpt0"]


SNIP = "(a) => window.sgsSearch.snippet({text: a[0]}, new Set(a[1]))"


def test_snippet_marks_whole_tokens_in_any_case(search_page: Any) -> None:
    s = search_page.evaluate(SNIP, ["Levels L4.5 and l4 and C5.6, then L4 again.  ", ["l4", "c5.6"]])
    # "L4.5" is one token (as TOKEN and the index split it), so it is not a hit for "l4"
    assert s == "Levels L4.5 and <mark>l4</mark> and <mark>C5.6</mark>, then <mark>L4</mark> again."
    assert search_page.evaluate(SNIP, ["x <script>alert</script>", ["alert"]]) == "x &#60;script&#62;<mark>alert</mark>&#60;/script&#62;"


def test_snippet_shows_the_densest_run_of_query_words(search_page: Any) -> None:
    text = "Radiculopathy once. " + "filler words here. " * 200 + "Red flags with radiculopathy and red flags again. " + "tail " * 100
    s = search_page.evaluate(SNIP, [text, ["red", "flags", "radiculopathy"]])
    assert s.startswith("… ") and s.endswith(" …")
    assert s.count("<mark>") == 5 and "<mark>Red</mark> <mark>flags</mark> with <mark>radiculopathy</mark>" in s
    assert len(re.sub(r"<[^>]+>", "", s).split()) <= 32  # 30 words and the two ellipses
    # no query word in the text: the letter's start, without a leading ellipsis
    assert search_page.evaluate(SNIP, ["Short letter text.", ["absent"]]) == "Short letter text."
    # a prefix with 200 or more forms is matched token by token: same result
    many = ["red", "flags", "radiculopathy"] + [f"zz{i}" for i in range(300)]
    assert search_page.evaluate(SNIP, [text, many]) == s


def test_ranking_request_above_body(search_page: Any) -> None:
    # "arthroscopy" is s4's request and in its text; "tramadol": s2 request+text beats s3 second request
    r = bench(search_page, "tramadol")
    assert r["urls"][0] == "cases/s2.html"


def test_ui_url_state_and_back(search_page: Any) -> None:
    from playwright.sync_api import expect

    p = search_page
    p.fill("#sgs-q", "tramadol")
    p.press("#sgs-q", "Enter")
    expect(p.locator("#sgs-status")).to_have_text("2 letters match.")
    assert "q=tramadol" in p.url
    p.click('button[data-facet="decision"][data-value="overturned"]')
    expect(p.locator("#sgs-status")).to_have_text("1 letter matches.")
    assert "decision=overturned" in p.url
    expect(p.locator("#sgs-results a")).to_have_attribute("href", "cases/s3.html")
    p.go_back()
    expect(p.locator("#sgs-status")).to_have_text("2 letters match.")
    assert "decision" not in p.url


def test_url_state_loads_and_keyboard(page: Any, search_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(search_url + "search.html?q=medically&decision=upheld")
    expect(page.locator("#sgs-status")).to_have_text("3 letters match.")
    assert page.input_value("#sgs-q") == "medically"
    # keyboard: focus the input, then Tab to the first facet button, activate with Enter
    page.focus("#sgs-q")
    page.keyboard.press("Tab")  # submit button
    page.keyboard.press("Tab")  # status is not tabbable (tabindex -1): first facet button
    active = page.evaluate("document.activeElement.getAttribute('data-facet')")
    assert active == "decision"
    value = page.evaluate("document.activeElement.getAttribute('data-value')")
    assert value == "overturned"  # values are listed by archive-wide count, then name
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"decision=overturned"))
    expect(page.locator("#sgs-status")).to_have_text("3 letters match.")  # s1, s3, s5
    assert page.evaluate("document.activeElement.getAttribute('aria-pressed')") == "true"


def test_typing_prefix(page: Any, search_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(search_url + "search.html")
    page.type("#sgs-q", "radicul")
    expect(page.locator("#sgs-status")).to_have_text("3 letters match.")


def test_no_javascript_message(browser: Any, search_url: str) -> None:
    ctx = browser.new_context(java_script_enabled=False)
    try:
        p = ctx.new_page()
        p.goto(search_url + "search.html")
        assert p.is_visible("#sgs-nojs") and not p.is_visible("#sgs")
        assert p.locator("#sgs-nojs a").count() >= 3
    finally:
        ctx.close()


def test_subpath(page: Any, search_site: Path, search_url: str) -> None:
    _render_search_page(search_site, "deep/")
    shutil.copy(search_site / "search.html", search_site / "deep" / "ignored.html")
    # search.html rendered with root="../" inside deep/ finds the same index
    page.goto(search_url + "deep/search.html?q=injections")
    from playwright.sync_api import expect

    expect(page.locator("#sgs-status")).to_have_text("3 letters match.")
    assert page.get_attribute("#sgs-results a >> nth=0", "href").startswith("../cases/")


def test_incremental_update(page: Any, tmp_path: Path) -> None:
    from dataclasses import replace

    site = tmp_path / "_site"
    shutil.copytree(ROOT / "static", site / "static")
    _render_search_page(site)
    letters = sample_letters()
    build_indexes(letters, site, tmp_path / "ix")
    stats = update_indexes([replace(letters[0], text="Zygapophyseal joint injections.")], ["s2"], site, tmp_path / "ix")
    assert 0 < stats["written"] < stats["files"]
    page.goto((site / "search.html").as_uri())
    page.wait_for_function("typeof window.benchRun === 'function'")
    assert ids(bench(page, "zygapophyseal")) == ["s1"]
    assert ids(bench(page, "injections")) == ["s1", "s3", "s6"]
    assert ids(bench(page, "tramadol")) == ["s3"]


def test_first_pages_from_the_kept_top_impacts(page: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A word (or two-word phrase) whose postings keep only their best impacts apart (here
    every list longer than 2 keeps 2): its first results come from that short list alone and
    equal the full evaluation's (the same word twice, which is not one list), and later pages
    continue them."""
    from sitegen.search import static_index

    monkeypatch.setattr(static_index, "FULL", 2)
    monkeypatch.setattr(static_index, "TOP_K", 2)
    site = tmp_path / "_site"
    shutil.copytree(ROOT / "static", site / "static")
    _render_search_page(site)
    build_indexes(sample_letters(), site, tmp_path / "ix")
    page.goto((site / "search.html").as_uri())
    page.wait_for_function("typeof window.benchRun === 'function'")
    from collections import Counter

    df = Counter(w for l in sample_letters() for w in {t.lower() for t in static_index.tokens(l.text)} if len(w) > 3 and w.isalpha())
    common = [w for w, c in df.most_common(60) if c >= 3 and w not in static_index.STOP_WORDS][:6]
    checked = 0
    for word in common + ['"medically necessary"']:
        fast, full = bench(page, word, n=2), bench(page, f"{word} {word}", n=2)
        if fast["results"] <= 2:
            continue
        checked += 1
        assert fast["urls"] == full["urls"] and fast["results"] == full["results"], word
        longer = bench(page, word, n=fast["results"])
        assert longer["urls"][:2] == fast["urls"] and len(set(longer["urls"])) == fast["results"]
        assert longer["urls"] == bench(page, f"{word} {word}", n=fast["results"])["urls"]
        counted = bench(page, word, n=2, facets=True)  # counts need the full evaluation
        assert counted["urls"] == fast["urls"] and counted["filters"] == bench(page, f"{word} {word}", n=2, facets=True)["filters"]
        assert sum(r[2] for r in counted["filters"]["decision"]) >= fast["results"]
    assert checked >= 3


def _loaded(page: Any, site: Path) -> list[str]:
    """URLs of the index files a fresh page of ``site`` loads for an overlay word's query."""
    urls: list[str] = []
    page.on("requestfinished", lambda r: urls.append(r.url))
    page.goto((site / "search.html").as_uri())
    page.wait_for_function("typeof window.benchRun === 'function'")
    bench(page, "zygapophyseal")
    bench(page, "happ*")
    od = page.evaluate("window.sgsSearch.ready().then(m => m.od)")
    other = [w for w in ("bone", "cervical", "elbow", "gabapentin", "kidney", "lumbar", "neck", "opioid", "shoulder", "wrist") if w[0] not in od]
    assert other  # a word whose first character has no overlay forms: its o/d file is not asked for
    bench(page, other[0])
    bench(page, other[0][:2] + "*")
    return urls


def _facet_map(facets: dict[str, Any] | None) -> dict[str, dict[str, int]]:
    return {f: {r[0]: r[2] for r in rows} for f, rows in (facets or {}).items()}


@pytest.mark.parametrize("fc_min", [None, 1])
def test_update_results_equal_a_clean_build(page: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fc_min: int | None) -> None:
    """After updates (through the overlay), every query finds the letters, totals and facet
    counts a clean build of the changed archive finds (ranking may differ: average length and
    doc numbers stay as built).  ``fc_min=1``: counts from the precomputed per-stem counts."""
    from dataclasses import replace

    from sitegen.search import static_index

    if fc_min is not None:
        monkeypatch.setattr(static_index, "fc_min", lambda n: fc_min)
    letters = sample_letters()
    changed = [replace(letters[0], text="Zygapophyseal joint injections. Red flags absent; the patient is happy.",
                       items=(replace(letters[0].items[0], decision="upheld"),)),
               replace(letters[4], id="s9", source="s9.txt", text="Happiness: tramadol injected; red flags.")]
    after = [changed[0]] + [l for l in letters[1:] if l.id != "s2"] + [changed[1]]
    sites = {}
    for name in ("updated", "clean"):
        site = tmp_path / name / "_site"
        shutil.copytree(ROOT / "static", site / "static")
        _render_search_page(site)
        sites[name] = site
    build_indexes(letters, sites["updated"], tmp_path / "updated" / "ix")
    update_indexes(changed[:1], ["s2"], sites["updated"], tmp_path / "updated" / "ix")
    update_indexes(changed[1:], [], sites["updated"], tmp_path / "updated" / "ix")
    assert (sites["updated"] / "search" / "o" / "x.js").is_file()
    build_indexes(after, sites["clean"], tmp_path / "clean" / "ix")
    queries = [("zygapophyseal", {}), ("injections", {}), ("patient", {}), ("tramadol", {}), ("happy", {}), ("happiness", {}),
               ('"red flags"', {}), ("inj*", {}), ("radic*", {}), ("patient", {"decision": "upheld"}),
               ("injection", {"decision": "overturned"}), ("flags", {"year": "2012"})]
    got: dict[str, list[Any]] = {}
    failed: list[str] = []  # the client asks only for overlay files that exist (meta.od, o/x's ph and bh)
    page.on("requestfailed", lambda r: failed.append(r.url))
    for name, site in sites.items():
        page.goto((site / "search.html").as_uri())
        page.wait_for_function("typeof window.benchRun === 'function'")
        got[name] = [(r["results"], ids(r), _facet_map(r["filters"]))
                     for r in (bench(page, q, f, facets=True, n=20) for q, f in queries)]
    for (q, f), up, clean in zip(queries, got["updated"], got["clean"]):
        assert up == clean, (q, f)
    assert any("/search/o/d/" in u for u in _loaded(page, sites["updated"])), "overlay dictionary files were read"
    assert not [u for u in failed if "/search/o/" in u]
    assert got["clean"][0][1] == ["s1"] and got["clean"][3][1] == ["s3", "s9"]


# ---------------------------------------------------------------- the real build of the bundled letters

LETTERS = ROOT / "content" / "letters"


def _letters_with(pattern: str) -> list[str]:
    """Ids (file stems) of bundled letters whose text matches ``pattern`` (case-insensitive):
    an oracle independent of both indexes."""
    return sorted(p.stem for p in LETTERS.glob("*.txt")
                  if re.search(pattern, p.read_text(encoding="utf-8", errors="replace"), re.I))


@pytest.fixture(params=["http", "file"])
def built_search(request: pytest.FixtureRequest, page: Any, site_dir: Path) -> Any:
    url = request.getfixturevalue("site_url") + "search.html" if request.param == "http" else (site_dir / "search.html").as_uri()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_function("typeof window.benchRun === 'function'")
    yield page
    assert not errors


def test_real_build_queries(built_search: Any) -> None:
    expected = _letters_with(r"\bvertebroplasty\b")
    assert expected and ids(bench(built_search, "vertebroplasty")) == expected
    expected = _letters_with(r"\bmedically\s+necessary\b")
    assert len(expected) >= 2 and ids(bench(built_search, '"medically necessary"')) == expected
    expected = _letters_with(r"\bradicul")
    assert expected and ids(bench(built_search, "radicul*")) == expected


def test_real_build_agrees_with_whoosh(built_search: Any, site_dir: Path) -> None:
    from sitegen.config import load_config
    from sitegen.search import whoosh_index

    config = ROOT / "sitegen.toml"
    cfg = load_config(config if config.is_file() else None, ROOT / "content", site_dir)
    for query, filters, whoosh_q in [("mri", {}, "mri"), ("mri", {"decision": "upheld"}, "mri decision:upheld"),
                                     ("guidelines", {"decision": "overturned"}, "guidelines decision:overturned")]:
        total, hits = whoosh_index.search(cfg.search_index_dir, whoosh_q, 50)
        r = bench(built_search, query, filters, facets=True, n=50)
        assert r["results"] == total and ids(r) == sorted(h.id for h in hits), query
    labels = {v: label for v, label, _ in bench(built_search, "mri", facets=True)["filters"]["procedure"]}
    from sitegen.normalize import load_taxonomy

    names = {slug: proc.name for slug, proc in load_taxonomy(None).procedures.items()}
    assert labels and all(label == names[v] for v, label in labels.items() if v != "unmapped"), labels


def test_precomputed_facet_counts_match(page: Any, search_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A frequent word's postings carry its facet counts (so the big facet files are not
    loaded); they equal the counts intersected from the facet files."""
    from sitegen.search import static_index

    site = tmp_path / "_site"
    shutil.copytree(ROOT / "static", site / "static")
    _render_search_page(site)
    monkeypatch.setattr(static_index, "fc_min", lambda n: 2)
    build_indexes(sample_letters(), site, tmp_path / "ix")
    assert "fcmin" in (site / "search" / "meta.js").read_text()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto((site / "search.html").as_uri())
    page.wait_for_function("typeof window.benchRun === 'function'")
    with_fc = {w: bench(page, w, facets=True) for w in ["tramadol", "injections", "medically", "patient"]}
    assert not any("/v/decision" in u for u in requested) and any("/v/labels" in u for u in requested)
    page.goto(search_site.joinpath("search.html").as_uri())
    page.wait_for_function("typeof window.benchRun === 'function'")
    for w, got in with_fc.items():
        ref = bench(page, w, facets=True)
        assert got["results"] == ref["results"] and got["filters"] == ref["filters"], w


def test_long_dictionary_keys(page: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a tiny shard budget every first character gets longer keys: exact words go straight
    to their shard, shorter prefixes read the key list first; results are unchanged."""
    from sitegen.search import static_index

    site = tmp_path / "_site"
    shutil.copytree(ROOT / "static", site / "static")
    _render_search_page(site)
    monkeypatch.setattr(static_index, "DICT_BUDGET", 60)
    build_indexes(sample_letters(), site, tmp_path / "ix")
    assert list((site / "search" / "d").glob("_i*.js"))
    page.goto((site / "search.html").as_uri())
    page.wait_for_function("typeof window.benchRun === 'function'")
    assert ids(bench(page, "injections")) == ["s2", "s3", "s6"]
    assert ids(bench(page, "radic*")) == ["s1", "s3", "s5"]
    assert ids(bench(page, "r*", n=50)) == ["s1", "s3", "s4", "s5"]
    assert ids(bench(page, '"red flags"')) == ["s1", "s4"]
    assert bench(page, "zzz*")["results"] == 0
    depth = json.loads(re.search(r'"depth":(\{[^}]*\})', (site / "search" / "meta.js").read_text()).group(1))
    assert depth.get("r", 1) > 1
    page.reload()
    page.wait_for_function("typeof window.benchRun === 'function'")
    # cold: a prefix shorter than its key length reads the key list first (one more round)
    assert bench(page, "radic*")["rounds"] == (4 if len("radic") < depth["r"] else 3)
    assert bench(page, "radic*")["rounds"] == 0  # warm: nothing fetched


# ---------------------------------------------------------------- AND of frequent words, against an oracle

def _synthetic_letters(n: int = 243) -> list[Any]:
    """``n`` letters whose words have set frequencies ("common" in ~70%, "often" ~40%, "some"
    ~20%, "rare" ~5%, "filler" in ~97%), one decision each: frequent words get bitmap doc sets,
    "filler" a complement (the few letters without it; ``n`` is not a multiple of 8, so the
    complement's last byte is partly outside the archive)."""
    import random
    from dataclasses import replace

    rnd = random.Random(7)
    base = sample_letters()[0]
    vocab = [("common", 0.7), ("often", 0.4), ("some", 0.2), ("rare", 0.05), ("filler", 0.97)]
    out = []
    for i in range(n):
        words = [w for w, p in vocab if rnd.random() < p for _ in range(rnd.randint(1, 3))]
        rnd.shuffle(words)
        words += ["padding"] * rnd.randint(0, 30)  # document lengths vary: so do the impacts
        decision = "overturned" if rnd.random() < 0.6 else "upheld"
        out.append(replace(base, id=f"g{i:03d}", source=f"g{i:03d}.txt", case_number=f"CM13-{i:07d}",
                           items=(replace(base.items[0], request="Request", decision=decision),),
                           text=" ".join(words) + "."))
    return out


def _expected_ranking(search: Path, words: list[str], decision: str | None = None) -> list[str]:
    """What the client must show for ``words`` (AND), from the index files alone: a letter's
    score is the sum over its words of weight(df) x impact (rounded: summing order aside), where a letter
    outside a frequent word's kept best impacts gets that list's floor - 0.5 (docs/search.md);
    ranked by score, then doc number."""
    import math

    from test_search_static import _docset, _load

    meta = _load(search / "meta.js")
    forms: dict[str, str] = {}
    stems: dict[str, list[Any]] = {}
    for p in (search / "d").glob("*.js"):
        if not p.name.startswith("_i"):
            got = _load(p)
            forms.update(got["w"])
            stems.update(got["s"])
    clauses = []
    for w in words:
        stem = forms[w]
        df, shard = stems[stem]
        clauses.append((df, _load(search / "p" / f"{shard}.js")[stem]))
    clauses.sort(key=lambda c: c[0])
    score: dict[int, float] = {}
    live: set[int] | None = None
    for df, e in clauses:
        docs = _docset(e["d"])
        if "t" in e:
            top = dict(zip(_docset(e["t"]), __import__("base64").b64decode(e["i"])))
            imps = [top.get(d, e["f"] - 0.5) for d in docs]
        else:
            imps = list(__import__("base64").b64decode(e["i"]))
        w = math.log(1 + (meta["live"] - df + 0.5) / (df + 0.5)) * (meta["k1"] + 1) / 255
        live = set(docs) if live is None else live & set(docs)
        for d, imp in zip(docs, imps):
            score[d] = score.get(d, 0.0) + w * imp
    if decision:
        row = next(r for r in _load(search / "v" / "decision.js") if r[0] == decision)
        live &= set(_docset(row[2]))
    assert live is not None
    ranked = sorted(live, key=lambda d: (-round(score[d], 9), d))
    urls = {}
    for p in (search / "f").rglob("*.js"):
        urls[int(p.stem)] = _load(p)["u"]
    return [urls[d] for d in ranked]


def test_and_of_frequent_words_matches_the_oracle(page: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Several words (and a word with a decision filter), frequent words' doc sets being bitmaps
    with their best impacts kept apart: the totals, the ranking of every result and the facet
    counts equal an independent computation from the index files."""
    from sitegen.search import static_index

    monkeypatch.setattr(static_index, "FULL", 20)  # lists longer than 20 keep their 10 best impacts apart
    monkeypatch.setattr(static_index, "TOP_K", 10)
    site = tmp_path / "_site"
    shutil.copytree(ROOT / "static", site / "static")
    _render_search_page(site)
    build_indexes(_synthetic_letters(), site, tmp_path / "ix")
    search = site / "search"
    from test_search_static import _load

    bitmapped = [w for w in ("common", "often", "some") if any(
        (e := _load(p).get(w)) and e["d"][0] == "b" and "t" in e for p in (search / "p").glob("*.js"))]
    assert {"common", "often"} <= set(bitmapped)
    for w in ("filler", "padd"):  # stems of complements: "filler padding" ANDs two of them, last bytes included
        assert any((e := _load(p).get(w)) and e["d"][0] == "c" and "t" in e for p in (search / "p").glob("*.js")), w
    rows = _load(search / "v" / "decision.js")
    assert next(r for r in rows if r[0] == "overturned")[2][0] == "b"
    page.goto((site / "search.html").as_uri())
    page.wait_for_function("typeof window.benchRun === 'function'")
    for query, decision in [("rare common", None), ("common rare", None), ("some often", None), ("often common", None),
                            ("some often common", None), ("rare some often common", None), ("some", "overturned"), ("often", "overturned"),
                            ("common often", "overturned"), ("filler", None), ("filler rare", None), ("common filler", None), ("filler padding", None),
                            ("filler often", "upheld"), ("filler", "overturned")]:
        expected = _expected_ranking(search, query.split(), decision)
        filters = {"decision": decision} if decision else {}
        got = bench(page, query, filters, n=len(expected) or 1, facets=True)
        assert got["results"] == len(expected) and (expected or "rare" in query), query
        if not expected:
            continue
        assert got["urls"] == expected, query
        counts = {r[0]: r[2] for r in got["filters"]["decision"]}
        assert sum(counts.values()) == len(expected) and (not decision or counts[decision] == len(expected)), query
