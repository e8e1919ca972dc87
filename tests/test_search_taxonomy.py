"""The search facets name procedures as the site does: with the archive's content/taxonomy.toml."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

from sitegen.build import build_site
from sitegen.config import load_config

ROOT = Path(__file__).resolve().parent.parent
NEW_NAME = "Renamed by the archive"


def _piece(site: Path, name: str) -> object:
    text = (site / "search" / f"{name}.js").read_text(encoding="utf-8")
    m = re.fullmatch(r'sgsReg\("[^"]+",(.*)\);\n', text, re.S)
    assert m, name
    return json.loads(m.group(1))


def _procedure_labels(site: Path) -> dict[str, str]:
    rows = _piece(site, "v/procedure")
    assert isinstance(rows, list)
    return {slug: label for slug, label, _ in rows}


def test_procedure_facet_labels_follow_the_archive_taxonomy(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    cfg = load_config(None, content, tmp_path / "_site")
    build_site(cfg, search=True, incremental=False)
    before = _procedure_labels(cfg.out_dir)
    slug = next(s for s in sorted(before) if s != "unmapped")
    assert before[slug] != NEW_NAME
    shipped = tomllib.loads((ROOT / "sitegen" / "data" / "taxonomy.toml").read_text(encoding="utf-8"))
    proc = dict(next(p for p in shipped["procedure"] if p["slug"] == slug))
    proc["name"] = NEW_NAME  # the same procedure (rules, category), renamed by the archive
    (content / "taxonomy.toml").write_text("[[procedure]]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in proc.items()),
                                           encoding="utf-8")
    cfg = load_config(None, content, tmp_path / "_site")  # now with content/taxonomy.toml
    build_site(cfg, search=True)
    assert _procedure_labels(cfg.out_dir)[slug] == NEW_NAME
    labels = _piece(cfg.out_dir, "v/labels")
    assert isinstance(labels, dict)
    assert [row[1] for row in labels["procedure"] if row[0] == slug] == [NEW_NAME]
    # the site's own procedure page uses the same name
    assert NEW_NAME in (cfg.out_dir / "procedures" / f"{slug}.html").read_text(encoding="utf-8")
