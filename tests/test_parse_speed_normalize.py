"""Behaviour kept by the parse-stage speed-ups: normalised items keep every field; copy_with is replace."""

from __future__ import annotations

from dataclasses import fields, replace

from sitegen.model import Citation, Guidelines, Item
from sitegen.normalize import load_taxonomy, normalize_citation, normalize_item, normalize_request


def _item() -> Item:
    """An item with every field set to a non-default value."""
    values = {}
    for f in fields(Item):
        if f.name == "guidelines":
            values[f.name] = Guidelines(
                (Citation("MTUS", "ACOEM", "12", None, "303-304", "MTUS ACOEM Chapter 12 Page(s): 303-304"),),
                (Citation("ODG", "ODG", "Lumbar", "Vertebroplasty", None, "ODG Lumbar Chapter, Vertebroplasty"),),
            )
        elif f.name in ("quantity", "visits", "associated_with"):
            values[f.name] = 3
        elif f.name == "request":
            values[f.name] = "Norco 10/325 mg #120"
        else:
            values[f.name] = f"some {f.name}"
    return Item(**values)


def test_normalize_item_keeps_every_field() -> None:
    tax = load_taxonomy(None)
    item = _item()
    got = normalize_item(item, tax)
    g = item.guidelines
    expected = replace(
        item,
        guidelines=Guidelines(
            tuple(normalize_citation(c) for c in g.claims_administrator),
            tuple(normalize_citation(c) for c in g.reviewer),
        ),
        **vars(normalize_request(item.request, tax)),
    )
    assert got == expected
    assert got.associated_with == 3 and got.rationale == "some rationale"


def test_normalize_citation_cached_result_equals_fresh() -> None:
    c = Citation("ODG", "ODG", "Lumbar", "Vertebroplasty", None, "ODG Lumbar Chapter, Vertebroplasty")
    first = normalize_citation(c)
    again = normalize_citation(replace(c))  # an equal, distinct record
    assert first == again
    assert first.chapter == "Low Back" and first.key == "odg-low-back"
    assert normalize_citation(first) == first


def test_copy_with_equals_dataclasses_replace() -> None:
    import pickle

    import pytest

    from sitegen.model import Letter, copy_with

    item = _item()
    letter = Letter(id="a", source="s", format="determination", items=(item,), warnings=("w",), text="body")
    for record, changes in ((letter, {"text": ""}), (letter, {"items": ()}), (item, {"associated_with": 0}),
                            (item.guidelines.reviewer[0], {"topic": None})):
        got, want = copy_with(record, **changes), replace(record, **changes)
        assert got == want and type(got) is type(want)
        assert list(vars(got).items()) == list(vars(want).items())
        assert pickle.dumps(got) == pickle.dumps(want)
        assert record == replace(record)  # the original is untouched
    with pytest.raises(TypeError):
        copy_with(letter, txt="")
