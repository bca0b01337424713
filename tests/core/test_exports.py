from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fleetops.core.exports import FORMULA_STARTS, csv_safe


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("#g-mdm", "#g-mdm"),
        (-3, -3),
        (4.5, 4.5),
        (None, None),
    ],
)
def test_csv_safe_neutralises_formulas_only(cell, safe):
    assert csv_safe(cell) == safe


@given(st.text(max_size=40))
def test_csv_safe_never_leaves_a_formula_first(text):
    assert not str(csv_safe(text)).startswith(FORMULA_STARTS)
