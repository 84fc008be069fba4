"""Tumor text with look-alike letters never resolves to another tumor type (issue 18)."""

from __future__ import annotations

import pytest

from actionable.errors import UnknownTumorError
from actionable.tumors import all_codes, resolve_tumor

GREEK = dict(zip("ABEZHIKMNOPTYX", "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", strict=True))
CYRILLIC = dict(zip("ABEKMHOPCTXSIJ", "АВЕКМНОРСТХЅІЈ", strict=True))


def _swaps(code: str) -> list[str]:
    out = []
    for table in (GREEK, CYRILLIC):
        for i, char in enumerate(code):
            if char in table:
                out.append(code[:i] + table[char] + code[i + 1 :])
    return out


def test_every_code_with_a_look_alike_letter_resolves_to_itself() -> None:
    tried = wrong = 0
    for code in sorted(all_codes()):
        for text in _swaps(code):
            tried += 1
            if resolve_tumor(text).code != resolve_tumor(code).code:
                wrong += 1
    assert tried > 1_000
    assert wrong == 0


@pytest.mark.parametrize(("text", "code"), [("ΑCML", "ACML"), ("АBL", "ABL"), ("ＬＵＡＤ", "LUAD")])
def test_look_alikes_and_full_width_letters_read_as_latin(text: str, code: str) -> None:
    assert resolve_tumor(text).code == code


@pytest.mark.parametrize("text", ["βCML", "ЖCML", "ACMЛ"])
def test_greek_or_cyrillic_letters_without_a_latin_twin_are_refused(text: str) -> None:
    with pytest.raises(UnknownTumorError):
        resolve_tumor(text)


def test_very_long_tumor_text_is_refused_quickly() -> None:
    with pytest.raises(UnknownTumorError):
        resolve_tumor("carcinoma " * 10_000)
