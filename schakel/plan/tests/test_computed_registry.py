from datetime import date
from decimal import Decimal

import pytest

from schakel.plan import computed
from schakel.plan.computed import ComputedQuery, ComputedQueryError, register


def _sum(*, start, end, params):
    return Decimal("1.5") * int(params.get("factor", 1))


def _nothing(*, start, end, params):
    return None


def _text(*, start, end, params):
    return "veel"


@pytest.fixture
def registered():
    keys = []

    def _reg(key, func):
        register(ComputedQuery(key=key, label="Test", description="test query", unit="n", func=func))
        keys.append(key)
        return computed.get(key)

    yield _reg
    for key in keys:
        computed.unregister(key)


def test_register_and_evaluate(registered):
    q = registered("testapp.sum", _sum)
    assert q in computed.all_queries()
    assert ("testapp.sum", "Test (testapp.sum)") in computed.choices()
    assert q.evaluate(start=date(2026, 1, 1), end=date(2026, 1, 31), params={"factor": 2}) == Decimal("3.0")


def test_none_means_nothing_to_measure(registered):
    q = registered("testapp.none", _nothing)
    assert q.evaluate(start=date(2026, 1, 1), end=date(2026, 1, 31)) is None


def test_non_numeric_result_is_refused(registered):
    q = registered("testapp.text", _text)
    with pytest.raises(ComputedQueryError):
        q.evaluate(start=date(2026, 1, 1), end=date(2026, 1, 31))


def test_end_before_start_is_refused(registered):
    q = registered("testapp.sum2", _sum)
    with pytest.raises(ComputedQueryError):
        q.evaluate(start=date(2026, 2, 1), end=date(2026, 1, 1))


def test_duplicate_key_with_other_func_is_refused(registered):
    registered("testapp.dup", _sum)
    register(ComputedQuery(key="testapp.dup", label="Test", description="d", unit="n", func=_sum))  # same func: ok
    with pytest.raises(ComputedQueryError):
        register(ComputedQuery(key="testapp.dup", label="Test", description="d", unit="n", func=_nothing))


@pytest.mark.parametrize("key", ["nodot", "App.name", "app.", ".name", "app.na-me"])
def test_bad_keys_are_refused(key):
    with pytest.raises(ComputedQueryError):
        ComputedQuery(key=key, label="x", description="x", unit="n", func=_sum)


def test_unknown_key():
    with pytest.raises(ComputedQueryError):
        computed.get("nobody.nothing")
