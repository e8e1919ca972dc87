"""Request targets map only to files inside the output folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen.serve.paths import Forbidden, resolve


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "cases" / "a").mkdir(parents=True)
    (root / "index.html").write_text("<p>home</p>")
    (root / "cases" / "a" / "index.html").write_text("<p>a</p>")
    (root / "empty").mkdir()
    (root / "style.css").write_text("body{}")
    (root / "with space.txt").write_text("x")
    (tmp_path / "secret.txt").write_text("top secret")
    return root


@pytest.mark.parametrize(
    "target",
    [
        "/../secret.txt",
        "/cases/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "/..%2Fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/cases/%2e%2e/%2e%2e/secret.txt",
        "/C:/Windows/win.ini",
        "/index.html%00.css",
    ],
)
def test_traversal_is_refused(site: Path, target: str) -> None:
    with pytest.raises(Forbidden):
        resolve(site, target)


def test_symlink_out_of_the_folder_is_refused(site: Path) -> None:
    (site / "leak.txt").symlink_to(site.parent / "secret.txt")
    (site / "leakdir").symlink_to(site.parent, target_is_directory=True)
    with pytest.raises(Forbidden):
        resolve(site, "/leak.txt")
    with pytest.raises(Forbidden):
        resolve(site, "/leakdir/secret.txt")


def test_symlink_inside_the_folder_is_served(site: Path) -> None:
    (site / "alias.css").symlink_to(site / "style.css")
    found = resolve(site, "/alias.css")
    assert found.kind == "file" and found.path == (site / "style.css").resolve()


def test_files_folders_and_missing(site: Path) -> None:
    assert resolve(site, "/").path == (site / "index.html").resolve()
    assert resolve(site, "/style.css?x=1#y").path == (site / "style.css").resolve()
    assert resolve(site, "/with%20space.txt").path == (site / "with space.txt").resolve()
    assert resolve(site, "/cases/a/").path == (site / "cases/a/index.html").resolve()
    assert resolve(site, "/nope.html").kind == "missing"
    # A folder without index.html is not listed.
    assert resolve(site, "/empty/").kind == "missing"


def test_folder_without_slash_redirects_on_the_same_host(site: Path) -> None:
    found = resolve(site, "/cases/a?q=1")
    assert (found.kind, found.location) == ("redirect", "/cases/a/?q=1")
    # "//host/..." must never become a protocol-relative redirect to another host.
    found = resolve(site, "//cases/a")
    assert found.kind in ("redirect", "missing", "file")
    assert not found.location.startswith("//")


def test_output_folder_resolved_per_request(site: Path, tmp_path: Path) -> None:
    """The build swaps in a new folder; the next request sees the new files."""
    assert resolve(site, "/style.css").kind == "file"
    new = tmp_path / "new"
    new.mkdir()
    (new / "fresh.css").write_text("")
    old = tmp_path / "old"
    os.replace(site, old)
    os.replace(new, site)
    assert resolve(site, "/fresh.css").kind == "file"
    assert resolve(site, "/style.css").kind == "missing"


def test_missing_output_folder(tmp_path: Path) -> None:
    assert resolve(tmp_path / "nothing", "/").kind == "missing"
