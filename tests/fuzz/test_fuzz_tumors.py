"""Fuzz tumor text: random text, and codes with Greek/Cyrillic look-alike letters
(which must resolve to the code itself or be refused, never to another code)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actionable.tumors import all_codes, resolve_tumor

from . import _corpus, _tally

SETTINGS = settings(
    max_examples=_tally.EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck)
)
LOOKALIKES = {
    "A": "ΑА",
    "B": "ΒВ",
    "C": "С",
    "E": "ΕЕ",
    "H": "ΗН",
    "I": "ΙІ",
    "K": "ΚК",
    "M": "ΜМ",
    "N": "Ν",
    "O": "ΟО",
    "P": "ΡР",
    "T": "ΤТ",
    "X": "ΧХ",
    "Y": "Υ",
}
CODES = sorted(all_codes())


@SETTINGS
@given(st.text(max_size=120) | st.sampled_from(_corpus.lines("tumors.tsv")))
def test_random_tumor_text(text: str) -> None:
    _tally.guard(lambda: resolve_tumor(text), f"resolve_tumor({text[:60]!r})")


@SETTINGS
@given(st.sampled_from(CODES), st.data())
def test_look_alike_letters_never_change_the_code(code: str, data: st.DataObject) -> None:
    swapped = "".join(data.draw(st.sampled_from([c, *LOOKALIKES.get(c, "")])) for c in code)
    got = _tally.guard(lambda: resolve_tumor(swapped), f"resolve_tumor({swapped!r})")
    if got is not None:
        assert got.code == resolve_tumor(code).code, (swapped, got.code)
