"""Golden records for the five real letters, checked by hand against content/letters/.

The goldens hold what the parser decides (normalisation fields are tested in the
normalisation tests); regenerate with tests/golden/regen.py only after checking
each change against the letter.
"""

from __future__ import annotations

import json

import pytest
from helpers import LETTERS, parser_view

from sitegen.parse import parse_path

GOLDEN = LETTERS.parent.parent / "tests" / "golden"
SEEDS = sorted(LETTERS.glob("*.txt"))


@pytest.mark.parametrize("path", SEEDS, ids=[p.stem for p in SEEDS])
def test_seed_matches_golden(path):
    record = parser_view(parse_path(path, source=f"content/letters/{path.name}").to_record())
    golden = parser_view(json.loads((GOLDEN / f"{path.stem}.json").read_text(encoding="utf-8")))
    assert record == golden


def test_seed_004_has_13_items_all_upheld():
    letter = parse_path(LETTERS / "004_3fe43a8dadac7218.txt")
    assert len(letter.items) == 13
    assert {i.decision for i in letter.items} == {"upheld"}
    assert letter.items[1].request == "Associated surgical service: Assistant surgeon"
    assert letter.items[-1].request == "Associated surgical service: Inpatient stay x 1 day"
    assert letter.reviewer.licensed_in == ("New York", "Montana", "California")
    assert letter.reviewer.specialties == ("Neurological Surgery",)
    assert letter.date_of_injury == "2003-05-12"


def test_seed_003_two_items_and_subspecialty():
    letter = parse_path(LETTERS / "003_d96140bb0b37d18b.txt")
    assert [i.request for i in letter.items] == ["X-ray exam of the thoracic spine", "MRI of the thoracic spine without dye"]
    assert letter.reviewer.subspecialties == ("Interventional Spine",)
    mri = letter.items[1].guidelines.reviewer
    assert [(c.source, c.document, c.chapter, c.pages) for c in mri] == [
        ("MTUS", "ACOEM", "8", "177-178"),
        ("ODG", "ODG", None, None),
    ]


def test_seed_000_odg_lumbar_alias_is_low_back():
    letter = parse_path(LETTERS / "000_bcb8e67797d4136f.txt")
    (item,) = letter.items
    ca, mx = item.guidelines.claims_administrator[0], item.guidelines.reviewer[0]
    assert (ca.chapter, ca.topic) == ("Low Back", "Vertebroplasty")  # written "Lumbar Chapter"
    assert (mx.source, mx.chapter, mx.topic) == ("ODG", "Low Back", "Vertebroplasty")
    assert letter.patient.age == 56 and letter.patient.sex == "female"


def test_seed_text_has_no_pdf_blank_lines():
    letter = parse_path(LETTERS / "001_d4249b9451ac33b9.txt")
    assert "\n\n\n" not in letter.text
    paragraphs = letter.text.split("\n\n")
    assert paragraphs[0] == "HOW THE IMR FINAL DETERMINATION WAS MADE"
    assert "screening study. The patient" in letter.text


def test_extract_cli_matches_golden_records():
    """`sitegen extract content/letters` (parser + normalisation) gives exactly the golden records."""
    import subprocess
    import sys

    root = LETTERS.parent.parent
    proc = subprocess.run(
        [sys.executable, "-m", "sitegen", "extract", "content/letters"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    goldens = [json.loads((GOLDEN / f"{p.stem}.json").read_text(encoding="utf-8")) for p in SEEDS]
    assert records == goldens
