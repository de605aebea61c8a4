import datetime as dt
from decimal import Decimal

import pytest

from schakel.core.exports import safe_cell, safe_row


@pytest.mark.parametrize("text", ["=1+1", "+32 15 00 00", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_is_neutralised(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Bethaniënstraat 3", "", "a=b", 42, Decimal("-1.5"), dt.date(2024, 1, 1)])
def test_other_values_pass_unchanged(value):
    assert safe_cell(value) == value


def test_none_becomes_empty_and_rows_are_mapped():
    assert safe_row([None, "=x", 3]) == ["", "'=x", 3]
