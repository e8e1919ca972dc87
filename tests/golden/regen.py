"""Regenerate the golden records: python tests/golden/regen.py

Only after checking every changed line by hand against the letters in
content/letters/ (git diff tests/golden): the goldens are the parser's contract.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sitegen.extract import load_normalizer  # noqa: E402
from sitegen.parse import parse_path  # noqa: E402


def golden_record(path: Path) -> dict:
    normalize = load_normalizer(None)
    record = normalize(parse_path(path, source=f"content/letters/{path.name}")).to_record()
    return record


if __name__ == "__main__":
    for path in sorted((ROOT / "content" / "letters").glob("*.txt")):
        out = Path(__file__).parent / f"{path.stem}.json"
        out.write_text(json.dumps(golden_record(path), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print("wrote", out.relative_to(ROOT))
