"""Import and export of a whole action plan as YAML (schema: docs/plan-yaml-schema.md).

``parse_plan(text)`` validates the whole file first and collects every error
with its path and line (``strategic_objectives[0].operational_objectives[2].end
(regel 45): ...``); ``import_plan`` then writes everything in one transaction,
so an invalid file saves nothing. ``export_plan`` writes the same schema, so
importing an export gives the same plan.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

import yaml
from django.core.exceptions import PermissionDenied
from django.db import transaction

from schakel.accounts.models import Organisation
from schakel.audit import services as audit

from .models import (
    Action,
    ActionPlan,
    FundingLine,
    GroupMember,
    Indicator,
    Measurement,
    Meeting,
    ObjectiveStatus,
    OperationalObjective,
    PlanGroup,
    StrategicObjective,
)

SCHEMA = "schakel-plan/1"
MISSING = object()


class PlanFileError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


# ---------------------------------------------------------------- YAML with line numbers


def _load_with_lines(text: str) -> tuple[object, dict[str, int]]:
    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_cls(text)
    lines: dict[str, int] = {}
    try:
        node = loader.get_single_node()
        if node is None:
            return None, lines

        def walk(n, path):
            lines[path] = n.start_mark.line + 1
            if isinstance(n, yaml.MappingNode):
                out = {}
                for key_node, value_node in n.value:
                    key = loader.construct_object(key_node, deep=True)
                    if not isinstance(key, str):
                        raise PlanFileError(
                            [f"{path or '/'} (regel {key_node.start_mark.line + 1}): sleutels zijn tekst"]
                        )
                    if key in out:
                        raise PlanFileError(
                            [f"{_join(path, key)} (regel {key_node.start_mark.line + 1}): sleutel komt twee keer voor"]
                        )
                    out[key] = walk(value_node, _join(path, key))
                return out
            if isinstance(n, yaml.SequenceNode):
                return [walk(item, f"{path}[{i}]") for i, item in enumerate(n.value)]
            return loader.construct_object(n, deep=True)

        return walk(node, ""), lines
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"regel {mark.line + 1}, kolom {mark.column + 1}" if mark else "onbekende plaats"
        problem = getattr(exc, "problem", None) or str(exc)
        raise PlanFileError([f"({where}): geen geldige YAML: {problem}"]) from exc
    finally:
        loader.dispose()


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# ---------------------------------------------------------------- validation


class _Checker:
    def __init__(self, lines: dict[str, int]):
        self.lines = lines
        self.errors: list[str] = []

    def line_of(self, path: str) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path.rsplit(".", 1)[0] if "." in path else ""
        return self.lines.get("")

    def error(self, path: str, message: str) -> None:
        line = self.line_of(path)
        self.errors.append(f"{path or '/'} (regel {line}): {message}" if line else f"{path or '/'}: {message}")

    def mapping(self, data, path: str) -> dict:
        if not isinstance(data, dict):
            self.error(path, "verwacht een mapping (sleutel: waarde)")
            return {}
        return data

    def seq(self, d: dict, key: str, path: str, required=False) -> list:
        value = d.get(key, MISSING)
        p = _join(path, key)
        if value is MISSING or value is None:
            if required:
                self.error(p, "ontbreekt")
            return []
        if not isinstance(value, list):
            self.error(p, "verwacht een lijst")
            return []
        return value

    def text(self, d: dict, key: str, path: str, *, required=True, max_length=None, default="") -> str:
        value = d.get(key, MISSING)
        p = _join(path, key)
        if value is MISSING or value is None or value == "":
            if required:
                self.error(p, "ontbreekt")
            return default
        if isinstance(value, (bool, dict, list)):
            self.error(p, "verwacht tekst")
            return default
        value = str(value).strip()
        if max_length and len(value) > max_length:
            self.error(p, f"te lang (maximaal {max_length} tekens)")
        return value

    def date(self, d: dict, key: str, path: str, *, required=False) -> date | None:
        value = d.get(key, MISSING)
        p = _join(path, key)
        if value is MISSING or value is None or value == "":
            if required:
                self.error(p, "ontbreekt")
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.error(p, f"geen geldige datum (jjjj-mm-dd): {value!r}")
        return None

    def number(self, d: dict, key: str, path: str, *, required=False, percent=False, minimum=None) -> Decimal | None:
        value = d.get(key, MISSING)
        p = _join(path, key)
        if value is MISSING or value is None or value == "":
            if required:
                self.error(p, "ontbreekt")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.error(p, f"geen getal: {value!r}")
            return None
        try:
            result = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            self.error(p, f"geen getal: {value!r}")
            return None
        if not result.is_finite() or abs(result) >= Decimal("1e11"):
            self.error(p, f"geen geldig getal: {value!r}")
            return None
        if result != result.quantize(Decimal("0.001")):
            self.error(p, "maximaal drie cijfers na de komma")
        if percent and not (0 <= result <= 100):
            self.error(p, f"een percentage ligt tussen 0 en 100, niet {value}")
        if minimum is not None and result < minimum:
            self.error(p, f"mag niet kleiner zijn dan {minimum}")
        return result

    def choice(self, d: dict, key: str, path: str, choices, *, default=None) -> str | None:
        value = d.get(key, MISSING)
        p = _join(path, key)
        if value is MISSING or value is None:
            if default is None:
                self.error(p, "ontbreekt")
            return default
        if value not in choices:
            self.error(p, f"onbekende waarde {value!r}; kies uit: {', '.join(choices)}")
            return default
        return value

    def flag(self, d: dict, key: str, path: str) -> bool:
        value = d.get(key, False)
        if not isinstance(value, bool):
            self.error(_join(path, key), "verwacht true of false")
            return False
        return value

    def period(self, start, end, path: str, end_key: str) -> None:
        if start and end and end < start:
            self.error(_join(path, end_key), "het einde ligt vóór het begin")

    def unknown_keys(self, d: dict, allowed: set[str], path: str) -> None:
        for key in d:
            if key not in allowed:
                self.error(_join(path, key), f"onbekende sleutel; toegestaan: {', '.join(sorted(allowed))}")


def parse_plan(text: str) -> dict:
    """Validate a plan file; return a normalised dict or raise PlanFileError with every error."""
    data, lines = _load_with_lines(text)
    c = _Checker(lines)
    root = c.mapping(data, "")
    if not root:
        raise PlanFileError(c.errors or ["/ (regel 1): het bestand is leeg"])
    c.unknown_keys(
        root, {"schema", "organisations", "plan", "strategic_objectives", "groups", "funding_lines", "indicators"}, ""
    )
    if root.get("schema") != SCHEMA:
        c.error("schema", f"verwacht {SCHEMA!r}")

    # Organisations: those in the file plus those already in the database.
    orgs: dict[str, dict] = {}
    for i, row in enumerate(c.seq(root, "organisations", "")):
        p = f"organisations[{i}]"
        row = c.mapping(row, p)
        c.unknown_keys(row, {"code", "name", "kind"}, p)
        code = c.text(row, "code", p, max_length=50)
        org = {
            "code": code,
            "name": c.text(row, "name", p, max_length=200),
            "kind": c.choice(row, "kind", p, Organisation.Kind.values, default="other"),
        }
        if code in orgs:
            c.error(_join(p, "code"), f"dubbele code {code!r}")
        orgs[code] = org
    known_orgs = set(orgs) | set(Organisation.objects.values_list("code", flat=True))

    def org_ref(d, key, path, required=True):
        code = c.text(d, key, path, required=required)
        if code and code not in known_orgs:
            c.error(_join(path, key), f"onbekende organisatie {code!r}")
        return code or None

    p = "plan"
    plan_in = c.mapping(root.get("plan"), p) if "plan" in root else {}
    if "plan" not in root:
        c.error("plan", "ontbreekt")
    c.unknown_keys(
        plan_in, {"code", "title", "city", "description", "start", "end", "status", "backbone", "partners"}, p
    )
    plan = {
        "code": c.text(plan_in, "code", p, max_length=80),
        "title": c.text(plan_in, "title", p, max_length=250),
        "city": c.text(plan_in, "city", p, max_length=120),
        "description": c.text(plan_in, "description", p, required=False),
        "start": c.date(plan_in, "start", p, required=True),
        "end": c.date(plan_in, "end", p, required=True),
        "status": c.choice(plan_in, "status", p, ActionPlan.Status.values, default="actief"),
        "backbone": org_ref(plan_in, "backbone", p),
        "partners": [],
    }
    if plan["code"] and not _is_slug(plan["code"]):
        c.error("plan.code", "alleen kleine letters, cijfers en koppeltekens")
    c.period(plan["start"], plan["end"], p, "end")
    for i, code in enumerate(c.seq(plan_in, "partners", p)):
        pp = f"plan.partners[{i}]"
        if not isinstance(code, str) or code not in known_orgs:
            c.error(pp, f"onbekende organisatie {code!r}")
        elif code in plan["partners"]:
            c.error(pp, f"dubbele partner {code!r}")
        else:
            plan["partners"].append(code)

    sd_codes: set[str] = set()
    od_codes: set[str] = set()
    sds = []
    for i, row in enumerate(c.seq(root, "strategic_objectives", "", required=True)):
        p = f"strategic_objectives[{i}]"
        row = c.mapping(row, p)
        c.unknown_keys(row, {"code", "title", "text", "operational_objectives"}, p)
        sd = {
            "code": c.text(row, "code", p, max_length=20),
            "title": c.text(row, "title", p, max_length=250),
            "text": c.text(row, "text", p),
            "operational_objectives": [],
        }
        if sd["code"] in sd_codes:
            c.error(_join(p, "code"), f"dubbele code {sd['code']!r}")
        sd_codes.add(sd["code"])
        for j, orow in enumerate(c.seq(row, "operational_objectives", p)):
            op = f"{p}.operational_objectives[{j}]"
            orow = c.mapping(orow, op)
            c.unknown_keys(
                orow,
                {"code", "title", "text", "lead_organisation", "lead_function", "status", "start", "end", "actions"},
                op,
            )
            od = {
                "code": c.text(orow, "code", op, max_length=20),
                "title": c.text(orow, "title", op, max_length=400),
                "text": c.text(orow, "text", op),
                "lead_organisation": org_ref(orow, "lead_organisation", op, required=False),
                "lead_function": c.text(orow, "lead_function", op, required=False, max_length=200),
                "status": c.choice(orow, "status", op, ObjectiveStatus.values, default="niet_gestart"),
                "start": c.date(orow, "start", op),
                "end": c.date(orow, "end", op),
                "actions": [],
            }
            c.period(od["start"], od["end"], op, "end")
            if od["code"] in od_codes or od["code"] in sd_codes:
                c.error(_join(op, "code"), f"dubbele code {od['code']!r}")
            od_codes.add(od["code"])
            for k, arow in enumerate(c.seq(orow, "actions", op)):
                ap = f"{op}.actions[{k}]"
                arow = c.mapping(arow, ap)
                c.unknown_keys(
                    arow,
                    {
                        "title",
                        "description",
                        "owner_organisation",
                        "owner_function",
                        "due_date",
                        "status",
                        "progress",
                        "completed_on",
                        "demo",
                    },
                    ap,
                )
                status = c.choice(arow, "status", ap, Action.Status.values, default="gepland")
                action = {
                    "title": c.text(arow, "title", ap, max_length=300),
                    "description": c.text(arow, "description", ap, required=False),
                    "owner_organisation": org_ref(arow, "owner_organisation", ap),
                    "owner_function": c.text(arow, "owner_function", ap, required=False, max_length=200),
                    "due_date": c.date(arow, "due_date", ap),
                    "status": status,
                    "progress": c.number(arow, "progress", ap, percent=True),
                    "completed_on": c.date(arow, "completed_on", ap),
                    "demo": c.flag(arow, "demo", ap),
                }
                progress = action["progress"]
                if progress is not None and progress != progress.to_integral_value():
                    c.error(_join(ap, "progress"), "een geheel getal")
                action["progress"] = int(progress) if progress is not None else (100 if status == "afgerond" else 0)
                if action["completed_on"] and status != "afgerond":
                    c.error(_join(ap, "completed_on"), "alleen voor een afgeronde actie")
                od["actions"].append(action)
            sd["operational_objectives"].append(od)
        sds.append(sd)

    groups = []
    group_names: set[str] = set()
    wg_sds: set[str] = set()
    for i, row in enumerate(c.seq(root, "groups", "")):
        p = f"groups[{i}]"
        row = c.mapping(row, p)
        c.unknown_keys(row, {"kind", "name", "strategic_objective", "members", "meetings"}, p)
        g = {
            "kind": c.choice(row, "kind", p, PlanGroup.Kind.values),
            "name": c.text(row, "name", p, max_length=200),
            "strategic_objective": c.text(row, "strategic_objective", p, required=False),
            "members": [],
            "meetings": [],
        }
        if g["name"] in group_names:
            c.error(_join(p, "name"), f"dubbele naam {g['name']!r}")
        group_names.add(g["name"])
        if g["kind"] == "werkgroep":
            if not g["strategic_objective"]:
                c.error(_join(p, "strategic_objective"), "een werkgroep hoort bij een strategische doelstelling")
            elif g["strategic_objective"] not in sd_codes:
                c.error(
                    _join(p, "strategic_objective"), f"onbekende strategische doelstelling {g['strategic_objective']!r}"
                )
            elif g["strategic_objective"] in wg_sds:
                c.error(_join(p, "strategic_objective"), "deze doelstelling heeft al een werkgroep")
            wg_sds.add(g["strategic_objective"])
        elif g["kind"] == "kerngroep" and g["strategic_objective"]:
            c.error(_join(p, "strategic_objective"), "de kerngroep hoort niet bij één doelstelling")
        for j, mrow in enumerate(c.seq(row, "members", p)):
            mp = f"{p}.members[{j}]"
            mrow = c.mapping(mrow, mp)
            c.unknown_keys(mrow, {"function", "organisation", "lead"}, mp)
            g["members"].append(
                {
                    "function": c.text(mrow, "function", mp, max_length=200),
                    "organisation": org_ref(mrow, "organisation", mp),
                    "lead": c.flag(mrow, "lead", mp),
                }
            )
        for j, mrow in enumerate(c.seq(row, "meetings", p)):
            mp = f"{p}.meetings[{j}]"
            mrow = c.mapping(mrow, mp)
            c.unknown_keys(mrow, {"date", "location", "attendees", "decisions", "report", "demo"}, mp)
            g["meetings"].append(
                {
                    "date": c.date(mrow, "date", mp, required=True),
                    "location": c.text(mrow, "location", mp, required=False, max_length=200),
                    "attendees": c.text(mrow, "attendees", mp, required=False),
                    "decisions": c.text(mrow, "decisions", mp, required=False),
                    "report": c.text(mrow, "report", mp, required=False, max_length=250),
                    "demo": c.flag(mrow, "demo", mp),
                }
            )
        groups.append(g)

    funding = []
    for i, row in enumerate(c.seq(root, "funding_lines", "")):
        p = f"funding_lines[{i}]"
        row = c.mapping(row, p)
        c.unknown_keys(
            row, {"source", "decree_reference", "amount_eur", "fte", "start", "end", "organisation", "purpose"}, p
        )
        f = {
            "source": c.text(row, "source", p, max_length=200),
            "decree_reference": c.text(row, "decree_reference", p, required=False, max_length=200),
            "amount_eur": c.number(row, "amount_eur", p, minimum=0),
            "fte": c.number(row, "fte", p, minimum=0),
            "start": c.date(row, "start", p),
            "end": c.date(row, "end", p),
            "organisation": org_ref(row, "organisation", p),
            "purpose": c.text(row, "purpose", p),
        }
        if f["fte"] is not None and abs(f["fte"]) >= 1000:
            c.error(_join(p, "fte"), "te groot")
        if f["fte"] is not None and f["fte"] != f["fte"].quantize(Decimal("0.01")):
            c.error(_join(p, "fte"), "maximaal twee cijfers na de komma")
        if f["amount_eur"] is not None and f["amount_eur"] != f["amount_eur"].quantize(Decimal("0.01")):
            c.error(_join(p, "amount_eur"), "maximaal twee cijfers na de komma")
        c.period(f["start"], f["end"], p, "end")
        funding.append(f)

    indicators = []
    ind_codes: set[str] = set()
    for i, row in enumerate(c.seq(root, "indicators", "")):
        p = f"indicators[{i}]"
        row = c.mapping(row, p)
        c.unknown_keys(
            row,
            {
                "code",
                "name",
                "definition",
                "objective",
                "level",
                "rba_question",
                "kind",
                "unit",
                "direction",
                "baseline",
                "target",
                "frequency",
                "source",
                "computed",
                "measurements",
                "demo",
            },
            p,
        )
        unit = c.text(row, "unit", p, max_length=30)
        percent = unit == "%"
        ind = {
            "code": c.text(row, "code", p, max_length=30),
            "name": c.text(row, "name", p, max_length=300),
            "definition": c.text(row, "definition", p, required=False),
            "objective": c.text(row, "objective", p, required=False),
            "level": c.choice(row, "level", p, Indicator.Level.values),
            "rba_question": c.choice(row, "rba_question", p, Indicator.RbaQuestion.values),
            "kind": c.choice(row, "kind", p, Indicator.Kind.values),
            "unit": unit,
            "direction": c.choice(row, "direction", p, Indicator.Direction.values),
            "frequency": c.choice(row, "frequency", p, Indicator.Frequency.values),
            "source": c.choice(row, "source", p, Indicator.Source.values, default="manueel"),
            "computed_key": "",
            "computed_params": {},
            "baseline": None,
            "target": None,
            "measurements": [],
            "demo": c.flag(row, "demo", p),
        }
        if ind["code"] in ind_codes:
            c.error(_join(p, "code"), f"dubbele code {ind['code']!r}")
        ind_codes.add(ind["code"])
        if ind["objective"] and ind["objective"] not in sd_codes | od_codes:
            c.error(_join(p, "objective"), f"onbekende doelstelling {ind['objective']!r}")
        if "baseline" in row:
            b = c.mapping(row["baseline"], _join(p, "baseline"))
            bp = _join(p, "baseline")
            c.unknown_keys(b, {"value", "date", "source"}, bp)
            ind["baseline"] = {
                "value": c.number(b, "value", bp, required=True, percent=percent),
                "date": c.date(b, "date", bp),
                "source": c.text(b, "source", bp, required=False, max_length=250),
            }
        if "target" in row:
            t = c.mapping(row["target"], _join(p, "target"))
            tp = _join(p, "target")
            c.unknown_keys(t, {"value", "date"}, tp)
            ind["target"] = {
                "value": c.number(t, "value", tp, required=True, percent=percent),
                "date": c.date(t, "date", tp),
            }
        if ind["source"] == "berekend":
            comp = c.mapping(row.get("computed"), _join(p, "computed"))
            cp = _join(p, "computed")
            ind["computed_key"] = c.text(comp, "key", cp, max_length=120)
            params = comp.get("params") or {}
            if not isinstance(params, dict):
                c.error(_join(cp, "params"), "verwacht een mapping")
                params = {}
            ind["computed_params"] = params
        elif "computed" in row:
            c.error(_join(p, "computed"), "alleen voor source: berekend")
        periods = []
        for j, mrow in enumerate(c.seq(row, "measurements", p)):
            mp = f"{p}.measurements[{j}]"
            mrow = c.mapping(mrow, mp)
            c.unknown_keys(mrow, {"period_start", "period_end", "value", "note", "source", "demo"}, mp)
            m = {
                "period_start": c.date(mrow, "period_start", mp, required=True),
                "period_end": c.date(mrow, "period_end", mp, required=True),
                "value": c.number(mrow, "value", mp, required=True, percent=percent),
                "note": c.text(mrow, "note", mp, required=False),
                "source": c.text(mrow, "source", mp, required=False, max_length=250),
                "demo": c.flag(mrow, "demo", mp),
            }
            c.period(m["period_start"], m["period_end"], mp, "period_end")
            if m["period_start"] and m["period_end"]:
                for other_start, other_end, other_j in periods:
                    if m["period_start"] <= other_end and m["period_end"] >= other_start:
                        c.error(mp, f"periode overlapt met measurements[{other_j}]")
                        break
                periods.append((m["period_start"], m["period_end"], j))
            ind["measurements"].append(m)
        indicators.append(ind)

    if plan["code"] and ActionPlan.objects.filter(code=plan["code"]).exists():
        c.error("plan.code", f"er bestaat al een plan met code {plan['code']!r}")
    if c.errors:
        raise PlanFileError(c.errors)
    return {
        "organisations": list(orgs.values()),
        "plan": plan,
        "strategic_objectives": sds,
        "groups": groups,
        "funding_lines": funding,
        "indicators": indicators,
    }


def _is_slug(value: str) -> bool:
    import re

    return bool(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", value))


# ---------------------------------------------------------------- import


@transaction.atomic
def import_plan(*, actor, text: str) -> ActionPlan:
    """Validate and import. ``actor=None`` is the system (management command, seed)."""
    if actor is not None and not actor.has_perm("plan.manage_plan"):
        raise PermissionDenied
    data = parse_plan(text)
    for org in data["organisations"]:
        Organisation.objects.get_or_create(code=org["code"], defaults={"name": org["name"], "kind": org["kind"]})
    orgs = {o.code: o for o in Organisation.objects.all()}
    p = data["plan"]
    plan = ActionPlan.objects.create(
        code=p["code"],
        title=p["title"],
        city=p["city"],
        description=p["description"],
        period_start=p["start"],
        period_end=p["end"],
        status=p["status"],
        backbone=orgs[p["backbone"]],
    )
    plan.partners.set([orgs[code] for code in p["partners"]])
    sds: dict[str, StrategicObjective] = {}
    ods: dict[str, OperationalObjective] = {}
    for i, sd_in in enumerate(data["strategic_objectives"]):
        sd = StrategicObjective.objects.create(
            plan=plan, code=sd_in["code"], title=sd_in["title"], text=sd_in["text"], order=i
        )
        sds[sd.code] = sd
        for j, od_in in enumerate(sd_in["operational_objectives"]):
            od = OperationalObjective.objects.create(
                strategic_objective=sd,
                code=od_in["code"],
                title=od_in["title"],
                text=od_in["text"],
                order=j,
                lead_organisation=orgs.get(od_in["lead_organisation"]),
                lead_function=od_in["lead_function"],
                status=od_in["status"],
                start=od_in["start"],
                end=od_in["end"],
            )
            ods[od.code] = od
            Action.objects.bulk_create(
                [
                    Action(
                        objective=od,
                        title=a["title"],
                        description=a["description"],
                        owner_organisation=orgs[a["owner_organisation"]],
                        owner_function=a["owner_function"],
                        due_date=a["due_date"],
                        status=a["status"],
                        progress=a["progress"],
                        completed_on=a["completed_on"],
                        is_demo=a["demo"],
                    )
                    for a in od_in["actions"]
                ]
            )
    for g_in in data["groups"]:
        group = PlanGroup.objects.create(
            plan=plan, kind=g_in["kind"], name=g_in["name"], strategic_objective=sds.get(g_in["strategic_objective"])
        )
        GroupMember.objects.bulk_create(
            [
                GroupMember(
                    group=group,
                    function=m["function"],
                    organisation=orgs[m["organisation"]],
                    is_lead=m["lead"],
                    order=k,
                )
                for k, m in enumerate(g_in["members"])
            ]
        )
        Meeting.objects.bulk_create(
            [
                Meeting(
                    group=group,
                    date=m["date"],
                    location=m["location"],
                    attendees=m["attendees"],
                    decisions=m["decisions"],
                    report_discussed=m["report"],
                    is_demo=m["demo"],
                )
                for m in g_in["meetings"]
            ]
        )
    FundingLine.objects.bulk_create(
        [
            FundingLine(
                plan=plan,
                source=f["source"],
                decree_reference=f["decree_reference"],
                amount_eur=f["amount_eur"],
                fte=f["fte"],
                period_start=f["start"],
                period_end=f["end"],
                organisation=orgs[f["organisation"]],
                purpose=f["purpose"],
                order=k,
            )
            for k, f in enumerate(data["funding_lines"])
        ]
    )
    for ind_in in data["indicators"]:
        objective = ind_in["objective"]
        indicator = Indicator.objects.create(
            plan=plan,
            code=ind_in["code"],
            name=ind_in["name"],
            definition=ind_in["definition"],
            strategic_objective=sds.get(objective),
            operational_objective=ods.get(objective),
            level=ind_in["level"],
            rba_question=ind_in["rba_question"],
            kind=ind_in["kind"],
            unit=ind_in["unit"],
            direction=ind_in["direction"],
            baseline_value=(ind_in["baseline"] or {}).get("value"),
            baseline_date=(ind_in["baseline"] or {}).get("date"),
            baseline_source=(ind_in["baseline"] or {}).get("source", ""),
            target_value=(ind_in["target"] or {}).get("value"),
            target_date=(ind_in["target"] or {}).get("date"),
            frequency=ind_in["frequency"],
            source=ind_in["source"],
            computed_key=ind_in["computed_key"],
            computed_params=ind_in["computed_params"],
            is_demo=ind_in["demo"],
        )
        for m in ind_in["measurements"]:
            Measurement.objects.create(
                indicator=indicator,
                period_start=m["period_start"],
                period_end=m["period_end"],
                value=m["value"],
                note=m["note"],
                source=m["source"],
                is_demo=m["demo"],
            )
    audit.record_write(actor=actor, action="plan.plan_imported", obj=plan, summary=f"plan {plan.code} imported")
    return plan


# ---------------------------------------------------------------- export


def _num(value: Decimal | None):
    if value is None:
        return None
    value = Decimal(value).normalize()
    if value == value.to_integral_value():
        return int(value)
    return float(str(value))


def _clean(d: dict) -> dict:
    """Drop empty optional values so an export stays readable."""
    return {k: v for k, v in d.items() if not (v is None or v is False or (isinstance(v, (str, list, dict)) and not v))}


def export_plan_data(plan: ActionPlan) -> dict:
    plan = (
        ActionPlan.objects.select_related("backbone")
        .prefetch_related(
            "partners",
            "strategic_objectives__operational_objectives__lead_organisation",
            "strategic_objectives__operational_objectives__actions__owner_organisation",
            "groups__members__organisation",
            "groups__meetings",
            "groups__strategic_objective",
            "funding_lines__organisation",
        )
        .get(pk=plan.pk)
    )
    org_codes = {plan.backbone.code} | {o.code for o in plan.partners.all()}
    sds = []
    for sd in plan.strategic_objectives.all():
        ods = []
        for od in sd.operational_objectives.all():
            actions = []
            for a in sorted(od.actions.all(), key=lambda a: a.pk):
                org_codes.add(a.owner_organisation.code)
                actions.append(
                    _clean(
                        {
                            "title": a.title,
                            "description": a.description,
                            "owner_organisation": a.owner_organisation.code,
                            "owner_function": a.owner_function,
                            "due_date": a.due_date,
                            "status": a.status,
                            "progress": a.progress,
                            "completed_on": a.completed_on,
                            "demo": a.is_demo,
                        }
                    )
                )
            if od.lead_organisation:
                org_codes.add(od.lead_organisation.code)
            ods.append(
                _clean(
                    {
                        "code": od.code,
                        "title": od.title,
                        "text": od.text,
                        "lead_organisation": od.lead_organisation.code if od.lead_organisation else None,
                        "lead_function": od.lead_function,
                        "status": od.status,
                        "start": od.start,
                        "end": od.end,
                        "actions": actions,
                    }
                )
            )
        sds.append(_clean({"code": sd.code, "title": sd.title, "text": sd.text, "operational_objectives": ods}))
    groups = []
    for g in plan.groups.all():
        members = []
        for m in g.members.all():
            if m.is_demo:
                continue  # demo memberships link demo accounts; they are not part of the plan
            org_codes.add(m.organisation.code)
            members.append(_clean({"function": m.function, "organisation": m.organisation.code, "lead": m.is_lead}))
        meetings = [
            _clean(
                {
                    "date": m.date,
                    "location": m.location,
                    "attendees": m.attendees,
                    "decisions": m.decisions,
                    "report": m.report_discussed,
                    "demo": m.is_demo,
                }
            )
            for m in sorted(g.meetings.all(), key=lambda m: (m.date, m.pk))
        ]
        groups.append(
            _clean(
                {
                    "kind": g.kind,
                    "name": g.name,
                    "strategic_objective": g.strategic_objective.code if g.strategic_objective else None,
                    "members": members,
                    "meetings": meetings,
                }
            )
        )
    funding = []
    for f in plan.funding_lines.all():
        org_codes.add(f.organisation.code)
        funding.append(
            _clean(
                {
                    "source": f.source,
                    "decree_reference": f.decree_reference,
                    "amount_eur": _num(f.amount_eur),
                    "fte": _num(f.fte),
                    "start": f.period_start,
                    "end": f.period_end,
                    "organisation": f.organisation.code,
                    "purpose": f.purpose,
                }
            )
        )
    indicators = []
    effective = Measurement.objects.filter(indicator__plan=plan, corrected_by__isnull=True).order_by(
        "indicator_id", "period_start", "id"
    )
    by_indicator: dict[int, list] = {}
    for m in effective:
        by_indicator.setdefault(m.indicator_id, []).append(m)
    for ind in plan.indicators.select_related("strategic_objective", "operational_objective").order_by("code"):
        objective = ind.operational_objective or ind.strategic_objective
        row = {
            "code": ind.code,
            "name": ind.name,
            "definition": ind.definition,
            "objective": objective.code if objective else None,
            "level": ind.level,
            "rba_question": ind.rba_question,
            "kind": ind.kind,
            "unit": ind.unit,
            "direction": ind.direction,
            "frequency": ind.frequency,
            "source": ind.source,
            "demo": ind.is_demo,
        }
        if ind.baseline_value is not None:
            row["baseline"] = _clean(
                {"value": _num(ind.baseline_value), "date": ind.baseline_date, "source": ind.baseline_source}
            )
        if ind.target_value is not None:
            row["target"] = _clean({"value": _num(ind.target_value), "date": ind.target_date})
        if ind.source == Indicator.Source.COMPUTED:
            row["computed"] = _clean({"key": ind.computed_key, "params": ind.computed_params})
        row["measurements"] = [
            _clean(
                {
                    "period_start": m.period_start,
                    "period_end": m.period_end,
                    "value": _num(m.value),
                    "note": m.note,
                    "source": m.source,
                    "demo": m.is_demo,
                }
            )
            for m in by_indicator.get(ind.pk, [])
        ]
        indicators.append(_clean(row))
    organisations = [
        {"code": o.code, "name": o.name, "kind": o.kind}
        for o in Organisation.objects.filter(code__in=org_codes).order_by("code")
    ]
    return _clean(
        {
            "schema": SCHEMA,
            "organisations": organisations,
            "plan": _clean(
                {
                    "code": plan.code,
                    "title": plan.title,
                    "city": plan.city,
                    "description": plan.description,
                    "start": plan.period_start,
                    "end": plan.period_end,
                    "status": plan.status,
                    "backbone": plan.backbone.code,
                    "partners": sorted(o.code for o in plan.partners.all()),
                }
            ),
            "strategic_objectives": sds,
            "groups": groups,
            "funding_lines": funding,
            "indicators": indicators,
        }
    )


def export_plan(plan: ActionPlan) -> str:
    return yaml.safe_dump(export_plan_data(plan), sort_keys=False, allow_unicode=True, width=100)
