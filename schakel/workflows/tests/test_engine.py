import pytest

from schakel.workflows.engine import ENGINE, UnsafeExpression, check


@pytest.mark.parametrize(
    "expr",
    [
        "__import__('os').system('touch /tmp/pwned')",
        "().__class__.__bases__[0].__subclasses__()",
        "open('/etc/passwd').read()",
        "eval('1+1')",
        "getattr(route, 'upper')",
        "route.upper()",
        "(lambda: 1)()",
        "[x for x in range(10)]",
        "_secret",
        "len(x=1)",
    ],
)
def test_dangerous_expressions_are_refused(expr):
    with pytest.raises(UnsafeExpression):
        check(expr)


def test_import_statement_refused_in_scripts():
    with pytest.raises(UnsafeExpression):
        check("import os\nos.system('id')", mode="exec")


def test_evaluation_never_runs_the_injection(tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    with pytest.raises(UnsafeExpression):
        ENGINE.environment.evaluate(f"__import__('os').system('touch {marker}')", {})
    assert not marker.exists()


def test_allowed_conditions_evaluate():
    env = ENGINE.environment
    assert env.evaluate('route == "osp"', {"route": "osp"}) is True
    assert env.evaluate("len(items) > 2 and max(items) < 10", {"items": [1, 2, 3]}) is True
    assert env.evaluate('"P5D"', {}) == "P5D"


def test_script_assigns_into_task_data_only():
    data = {"a": 1}
    ENGINE.environment.execute('b = a + 1\nstatus = "klaar"', data)
    assert data == {"a": 1, "b": 2, "status": "klaar"}


def test_no_builtins_available():
    with pytest.raises(UnsafeExpression):
        ENGINE.environment.evaluate("print(1)", {})
    # and even if the check were bypassed, builtins are empty
    with pytest.raises(NameError):
        eval(compile("print(1)", "<t>", "eval"), {"__builtins__": {}})
