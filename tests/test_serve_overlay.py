"""Build failures become an overlay naming the file and line."""

from __future__ import annotations

import tomllib
from pathlib import Path

import jinja2
import pytest

from sitegen.errors import BuildError, ConfigError
from sitegen.serve.overlay import error_info, error_page, overlay_html
from sitegen.serve.state import ErrorInfo


def raised(fn) -> BaseException:
    try:
        fn()
    except BaseException as exc:  # noqa: BLE001
        return exc
    raise AssertionError("did not raise")


@pytest.fixture()
def env(tmp_path: Path) -> jinja2.Environment:
    (tmp_path / "bad.html").write_text("<p>\n{{ x }}\n{% if %}\n")
    (tmp_path / "runtime.html").write_text("<p>\n\n{{ item.missing.deeper }}\n")
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), undefined=jinja2.StrictUndefined)


def test_template_syntax_error(env: jinja2.Environment, tmp_path: Path) -> None:
    info = error_info(raised(lambda: env.get_template("bad.html")))
    assert Path(info.file or "").name == "bad.html" and info.line == 3
    assert info.title.startswith("Build failed")


def test_template_runtime_error_found_in_the_traceback(env: jinja2.Environment) -> None:
    tpl = env.get_template("runtime.html")
    info = error_info(raised(lambda: tpl.render(item={})))
    assert Path(info.file or "").name == "runtime.html" and info.line == 3
    assert "Traceback" in info.detail


def test_wrapped_template_error_keeps_the_location(env: jinja2.Environment) -> None:
    def build() -> None:
        try:
            env.get_template("bad.html")
        except jinja2.TemplateSyntaxError as err:
            raise BuildError(f"template error: {err.message}") from err

    info = error_info(raised(build))
    assert Path(info.file or "").name == "bad.html" and info.line == 3
    assert info.title == "Build failed" and info.detail == ""


@pytest.mark.parametrize(
    ("message", "file", "line"),
    [
        ("templates/case.html:12: unexpected '}'", "templates/case.html", 12),
        ("content/letters/003_x.txt:40: no decision found", "content/letters/003_x.txt", 40),
        ("content/taxonomy.toml, line 7: unknown category 'imagin'", "content/taxonomy.toml", 7),
        ("sitegen.toml: not valid TOML: Expected '=' after a key in a key/value pair (at line 3, column 5)",
         "sitegen.toml", 3),
        ("content/letters/x.txt: cannot read: Permission denied", "content/letters/x.txt", None),
        ("something went wrong", None, None),
    ],
)
def test_location_from_the_message(message: str, file: str | None, line: int | None) -> None:
    info = error_info(BuildError(message))
    assert (info.file, info.line) == (file, line)
    assert info.message == message


def test_real_toml_error_through_config_error(tmp_path: Path) -> None:
    bad = "[site]\ntitle = 'x'\npage_size = = 3\n"
    err = raised(lambda: tomllib.loads(bad))
    info = error_info(ConfigError(f"sitegen.toml: not valid TOML: {err}"))
    assert (info.file, info.line) == ("sitegen.toml", 3)


def test_internal_error_has_a_traceback() -> None:
    info = error_info(raised(lambda: {}["k"]))
    assert info.title == "Build failed: KeyError" and "Traceback" in info.detail


def test_overlay_escapes_everything() -> None:
    info = ErrorInfo("Build <b>", "x <script>alert(1)</script>", "a<b>.html", 2, "tb <i>")
    html = overlay_html(info)
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "a&lt;b&gt;.html:2" in html and 'role="alertdialog"' in html
    page = error_page(info)
    assert page.startswith("<!doctype html>") and "a&lt;b&gt;.html:2" in page
