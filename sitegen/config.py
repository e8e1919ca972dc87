"""Site configuration: one TOML table loaded into one frozen dataclass.

``load_config`` reports every bad key at once (one :class:`ConfigError` naming the
file) and warns about unknown keys.  Command-line folders override the file.
"""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen.errors import ConfigError

DEFAULT_CONFIG = "sitegen.toml"

#: key -> (type, description); the documented ``[site]`` keys of sitegen.toml.
KEYS: dict[str, tuple[type, str]] = {
    "title": (str, "site title shown in the header and feed"),
    "description": (str, "one-line description for the home page and feed"),
    "base_url": (str, "absolute URL the site is published at (sitemap, feed)"),
    "templates_dir": (str, "folder of templates overriding the built-in ones"),
    "static_dir": (str, "folder of static files added to / overriding the built-in ones"),
    "cache_dir": (str, "cache folder (default: .sitegen-cache beside the output)"),
    "search_index_dir": (str, "Whoosh index folder (default: CACHE/whoosh)"),
    "taxonomy_file": (str, "extra taxonomy TOML (default: CONTENT/taxonomy.toml if present)"),
    "build_date": (str, "date used in the feed/sitemap (default: SOURCE_DATE_EPOCH or none)"),
    "latest_count": (int, "letters listed on the home page and in the feed"),
    "page_size": (int, "items per procedure/guideline page (<= 100)"),
}


@dataclass(frozen=True)
class SiteConfig:
    """Everything the build needs to know, resolved to absolute paths."""

    title: str
    base_url: str
    content_dir: Path
    out_dir: Path
    templates_dir: Path | None
    cache_dir: Path
    search_index_dir: Path
    taxonomy_file: Path | None
    static_dir: Path | None = None
    description: str = "Independent Medical Review final determinations, California workers' compensation"
    build_date: str | None = None
    latest_count: int = 20
    page_size: int = 100
    config_file: Path | None = None


def _build_date(value: str | None) -> str | None:
    if value:
        return value
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        import datetime as dt

        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return None


def load_config(config_path: Path | None, content: Path, out: Path) -> SiteConfig:
    """Load ``config_path`` (or ``sitegen.toml`` in the working folder if present)."""
    path = config_path
    if path is None and Path(DEFAULT_CONFIG).is_file():
        path = Path(DEFAULT_CONFIG)
    data: dict[str, Any] = {}
    base = Path.cwd()
    if path is not None:
        if not path.is_file():
            raise ConfigError(f"{path}: config file not found")
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise ConfigError(f"{path}: not valid TOML: {err}") from None
        except OSError as err:
            raise ConfigError(f"{path}: cannot read: {err.strerror}") from None
        base = path.resolve().parent
        unknown_tables = sorted(k for k in raw if k != "site")
        for name in unknown_tables:
            print(f"sitegen: warning: {path}: unknown table or key [{name}] ignored", file=sys.stderr)
        site = raw.get("site", {})
        if not isinstance(site, dict):
            raise ConfigError(f"{path}: 'site' must be a table")
        problems: list[str] = []
        for key, value in site.items():
            if key not in KEYS:
                print(f"sitegen: warning: {path}: unknown key site.{key} ignored", file=sys.stderr)
                continue
            want = KEYS[key][0]
            if not isinstance(value, want) or isinstance(value, bool):
                problems.append(f"site.{key} must be a {want.__name__}, not {type(value).__name__}")
                continue
            data[key] = value
        if "page_size" in data and not 1 <= data["page_size"] <= 100:
            problems.append("site.page_size must be between 1 and 100")
        if "latest_count" in data and not 1 <= data["latest_count"] <= 1000:
            problems.append("site.latest_count must be between 1 and 1000")
        if "base_url" in data and data["base_url"] and not data["base_url"].startswith(("http://", "https://")):
            problems.append("site.base_url must start with http:// or https://")
        if problems:
            raise ConfigError(f"{path}: " + "; ".join(problems))

    def rel(value: str | None) -> Path | None:
        if not value:
            return None
        p = Path(value)
        return (p if p.is_absolute() else base / p).resolve()

    content_dir = content.resolve()
    out_dir = out.resolve()
    cache_dir = rel(data.get("cache_dir")) or out_dir.parent / ".sitegen-cache"
    if cache_dir == out_dir or out_dir in cache_dir.parents:
        raise ConfigError(f"{path or 'options'}: cache_dir must not be inside the output folder {out_dir}")
    taxonomy = rel(data.get("taxonomy_file"))
    if taxonomy is None and (content_dir / "taxonomy.toml").is_file():
        taxonomy = content_dir / "taxonomy.toml"
    base_url = data.get("base_url", "").rstrip("/")
    return SiteConfig(
        title=data.get("title", "IMR Determinations Archive"),
        base_url=base_url + "/" if base_url else "",
        content_dir=content_dir,
        out_dir=out_dir,
        templates_dir=rel(data.get("templates_dir")),
        cache_dir=cache_dir,
        search_index_dir=rel(data.get("search_index_dir")) or cache_dir / "whoosh",
        taxonomy_file=taxonomy,
        static_dir=rel(data.get("static_dir")),
        description=data.get("description", SiteConfig.description),
        build_date=_build_date(data.get("build_date")),
        latest_count=data.get("latest_count", 20),
        page_size=data.get("page_size", 100),
        config_file=path.resolve() if path else None,
    )
