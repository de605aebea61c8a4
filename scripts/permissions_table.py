#!/usr/bin/env python
"""Print the roles × permissions table (Markdown) from the merged seed/roles.yaml files.

    .venv/bin/python scripts/permissions_table.py            # print it
    .venv/bin/python scripts/permissions_table.py --write    # refresh docs/permissions.md

Reads only the YAML files and the models' permission definitions (no database),
so it shows what `manage.py seed` grants on a fresh installation. An
administrator may change roles afterwards in the application.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "permissions.md"
BEGIN, END = "<!-- BEGIN permissions_table.py -->", "<!-- END permissions_table.py -->"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schakel.settings")


def main() -> int:
    import django

    django.setup()
    from django.apps import apps
    from django.contrib.auth.management import _get_all_permissions

    from schakel.accounts.seeding import demo_users
    from schakel.core.seeding import merged_roles

    descriptions: dict[str, str] = {}
    for model in apps.get_models():
        for codename, name in _get_all_permissions(model._meta):
            descriptions[f"{model._meta.app_label}.{codename}"] = str(name)

    roles = merged_roles()
    role_names = list(roles)  # accounts/seed/roles.yaml first: it defines every role
    personas: dict[str, list[str]] = {name: [] for name in role_names}
    for user in demo_users()["users"]:
        for role in user["roles"]:
            personas.setdefault(role, []).append(user["persona"])

    out = []
    out.append("| key | role | demo persona(s) | permissions |")
    out.append("|---|---|---|---|")
    for i, name in enumerate(role_names, 1):
        perms = ", ".join(f"`{p}`" for p in sorted(roles[name])) or "— (none yet)"
        who = ", ".join(f"`{p}`" for p in personas.get(name, [])) or "—"
        out.append(f"| R{i} | {name} | {who} | {perms} |")
    out.append("")
    all_perms = sorted({p for perms in roles.values() for p in perms})
    out.append("| permission | meaning | " + " | ".join(f"R{i}" for i in range(1, len(role_names) + 1)) + " |")
    out.append("|---|---|" + "---|" * len(role_names))
    for perm in all_perms:
        marks = " | ".join("✓" if perm in roles[name] else "" for name in role_names)
        out.append(f"| `{perm}` | {descriptions.get(perm, '?')} | {marks} |")
    table = "\n".join(out)
    if "--write" in sys.argv[1:]:
        text = DOC.read_text(encoding="utf-8")
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        if not rest or not tail and END not in rest:
            print(f"{DOC} lacks the {BEGIN} / {END} markers", file=sys.stderr)
            return 1
        DOC.write_text(f"{head}{BEGIN}\n{table}\n{END}{tail}", encoding="utf-8")
    else:
        print(table)
    unknown = [p for p in all_perms if p not in descriptions]
    if unknown:
        print(f"\nunknown permissions in roles.yaml: {unknown}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
