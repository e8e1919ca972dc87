"""Open data and feeds: data/cases.jsonl, data/items.csv, sitemap.xml, robots.txt, feed.xml.

Every function returns ``(path, text)``; output is deterministic (sorted keys, no clock)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable, Sequence
from xml.sax.saxutils import escape

from sitegen import urls
from sitegen.collect import Archive, guideline_key, guideline_title
from sitegen.config import SiteConfig
from sitegen.model import Letter

ITEM_COLUMNS = ("letter_id", "case_number", "item_index", "request", "decision", "procedure", "category",
                "body_region", "laterality", "drug", "strength", "quantity", "visits", "guideline_keys",
                "guidelines", "reviewer_specialty", "patient_age", "patient_sex", "date_of_injury", "url")


_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def jsonl_line(letter: Letter, record: dict[str, Any] | None = None) -> str:
    """One letter's line of data/cases.jsonl (with its newline).  ``record``: the letter's
    ``to_record()`` when the caller has it already (it is not modified)."""
    rec = dict(record) if record is not None else letter.to_record()
    rec["url"] = urls.case_url(letter.id)
    return _JSON.encode(rec) + "\n"


def csv_rows(letter: Letter) -> str:
    """One letter's rows of data/items.csv (no header)."""
    if not letter.items:
        return ""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    lid, case, url = letter.id, letter.case_number or "", urls.case_url(letter.id)
    specialty = "; ".join(letter.reviewer.specialties)
    age = "" if letter.patient.age is None else letter.patient.age
    sex, doi = letter.patient.sex or "", letter.date_of_injury or ""
    w.writerows([
        lid, case, i, it.request, it.decision or "", it.procedure or "",
        it.category or "", it.body_region or "", it.laterality or "", it.drug or "", it.strength or "",
        "" if it.quantity is None else it.quantity, "" if it.visits is None else it.visits,
        ";".join(k for c in it.guidelines.reviewer if (k := guideline_key(c))),
        ";".join(guideline_title(c) for c in it.guidelines.reviewer if c.source != "none"),
        specialty, age, sex, doi, url,
    ] for i, it in enumerate(letter.items))
    return out.getvalue()


def csv_header() -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(ITEM_COLUMNS)
    return out.getvalue()


CASES_JSONL = "data/cases.jsonl"
ITEMS_CSV = "data/items.csv"


def cases_jsonl(letters: Sequence[Letter]) -> tuple[str, str]:
    return CASES_JSONL, "".join(jsonl_line(l) for l in letters)


def items_csv(letters: Sequence[Letter]) -> tuple[str, str]:
    return ITEMS_CSV, csv_header() + "".join(csv_rows(l) for l in letters)


def sitemap(cfg: SiteConfig, paths: Iterable[str]) -> tuple[str, str]:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for p in sorted(paths):
        loc = cfg.base_url + ("" if p == urls.INDEX else p)
        lines.append(f"  <url><loc>{escape(loc)}</loc></url>")
    lines.append("</urlset>")
    return "sitemap.xml", "\n".join(lines) + "\n"


def robots(cfg: SiteConfig) -> tuple[str, str]:
    text = "User-agent: *\nAllow: /\n"
    if cfg.base_url:
        text += f"Sitemap: {cfg.base_url}sitemap.xml\n"
    return "robots.txt", text


def atom_feed(cfg: SiteConfig, archive: Archive) -> tuple[str, str]:
    base = cfg.base_url or ""
    updated = cfg.build_date or "1970-01-01T00:00:00Z"
    if len(updated) == 10:
        updated += "T00:00:00Z"
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
             f"  <title>{escape(cfg.title)}: latest letters</title>",
             f"  <id>{escape(base or 'urn:sitegen:')}feed.xml</id>",
             f'  <link rel="self" href="{escape(base)}feed.xml"/>', f'  <link href="{escape(base)}"/>',
             f"  <updated>{updated}</updated>", "  <author><name>" + escape(cfg.title) + "</name></author>"]
    for letter in archive.latest[: cfg.latest_count]:
        link = base + urls.case_url(letter.id)
        summary = "; ".join(f"{i.request}: {i.decision or 'not stated'}" for i in letter.items)
        lines += ["  <entry>", f"    <title>{escape(letter.case_number or letter.id)}</title>",
                  f"    <id>{escape(link if base else 'urn:sitegen:case:' + letter.id)}</id>",
                  f'    <link href="{escape(link)}"/>', f"    <updated>{updated}</updated>",
                  f"    <summary>{escape(summary or 'No items found')}</summary>", "  </entry>"]
    lines.append("</feed>")
    return "feed.xml", "\n".join(lines) + "\n"
