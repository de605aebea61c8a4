"""The restricted script engine for BPMN conditions, scripts and timer expressions.

SpiffWorkflow's default engine calls ``eval``/``exec`` with full builtins: a
condition like ``__import__('os').system('rm -rf /')`` would run. Here every
expression is parsed to an AST first and only a small, side-effect-free subset
of Python is accepted:

- literals, names, comparisons, boolean and arithmetic operators, ``if/else``
  expressions, subscripts, list/tuple/dict/set displays;
- calls only to the whitelisted functions below, by bare name;
- in scripts also plain assignments (``x = ...``), nothing else;
- no imports, no attribute access at all (so no ``().__class__`` escapes),
  no lambdas, comprehensions, ``def``, ``class``, ``global``, ``with``, loops.

Evaluation runs with empty ``__builtins__``. The same check runs when a
definition is uploaded, so an injected condition is refused before it is
stored, and again at run time (defence in depth).
"""

from __future__ import annotations

import ast
import copy

from django.utils.translation import gettext as _
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

SAFE_FUNCTIONS = {
    "len": len,
    "min": min,
    "max": max,
    "abs": abs,
    "int": int,
    "str": str,
    "bool": bool,
    "round": round,
    "sum": sum,
    "any": any,
    "all": all,
}

_EXPR_NODES = (
    ast.Expression,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.FloorDiv,
    ast.Mod,
    ast.Compare,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Is,
    ast.IsNot,
    ast.IfExp,
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.Call,
    ast.Subscript,
    ast.Slice,
    ast.List,
    ast.Tuple,
    ast.Dict,
    ast.Set,
)
_SCRIPT_NODES = _EXPR_NODES + (ast.Module, ast.Assign, ast.Store, ast.Expr)


class UnsafeExpression(ValueError):
    """An expression or script uses something outside the whitelist."""


def check(source: str, *, mode: str = "eval") -> ast.AST:
    """Parse ``source`` and raise ``UnsafeExpression`` unless every node is allowed."""
    if not isinstance(source, str) or len(source) > 2000:
        raise UnsafeExpression(_("de expressie ontbreekt of is langer dan 2000 tekens"))
    try:
        tree = ast.parse(source.strip(), mode="eval" if mode == "eval" else "exec")
    except SyntaxError as exc:
        raise UnsafeExpression(_("syntaxfout bij teken %(n)s") % {"n": exc.offset or 1}) from exc
    allowed = _EXPR_NODES if mode == "eval" else _SCRIPT_NODES
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            raise UnsafeExpression(_("%(construct)s is niet toegelaten") % {"construct": type(node).__name__})
        if isinstance(node, ast.Name) and (node.id.startswith("_") or node.id in {"eval", "exec", "open"}):
            raise UnsafeExpression(_("de naam %(name)s is niet toegelaten") % {"name": node.id})
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in SAFE_FUNCTIONS:
                raise UnsafeExpression(
                    _("alleen deze functies mogen worden aangeroepen: %(names)s")
                    % {"names": ", ".join(sorted(SAFE_FUNCTIONS))}
                )
            if node.keywords:
                raise UnsafeExpression(_("benoemde argumenten zijn niet toegelaten"))
        if isinstance(node, ast.Assign) and not all(isinstance(t, ast.Name) for t in node.targets):
            raise UnsafeExpression(_("alleen eenvoudige toekenningen zijn toegelaten"))
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)) and len(node.value) > 500:
            raise UnsafeExpression(_("een tekst is langer dan 500 tekens"))
    return tree


def _globals(context: dict, external: dict | None) -> dict:
    env = {"__builtins__": {}}
    env.update(SAFE_FUNCTIONS)
    env.update(external or {})
    env.update({k: v for k, v in context.items() if not k.startswith("_")})
    return env


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    def evaluate(self, expression, context, external_context=None):
        tree = check(expression, mode="eval")
        code = compile(tree, "<condition>", "eval")
        return eval(code, _globals(context, external_context))  # noqa: S307 - AST-whitelisted, no builtins

    def execute(self, script, context, external_context=None):
        tree = check(script, mode="exec")
        code = compile(tree, "<script>", "exec")
        scope = _globals(copy.copy(context), external_context)
        before = set(scope)
        exec(code, scope)  # noqa: S102 - AST-whitelisted, no builtins
        for name in set(scope) - before | {k for k in before if k in context}:
            if not name.startswith("_") and name not in SAFE_FUNCTIONS and not callable(scope[name]):
                context[name] = scope[name]
        return True

    def call_service(self, context, **kwargs):
        raise UnsafeExpression(_("servicetaken worden niet ondersteund"))


class RestrictedScriptEngine(PythonScriptEngine):
    def __init__(self):
        super().__init__(environment=RestrictedEnvironment())

    def validate(self, expression):
        check(expression, mode="exec")


ENGINE = RestrictedScriptEngine()
