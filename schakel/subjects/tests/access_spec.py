"""Access matrix of the registry pages. The pages are for the roles that
register subjects (OSP, parket, handhaving, LIEC: ``subjects.view_subject``);
a single subject opens only for members of a case that holds it (the demo OBH
case: handhaving, liec, parket; the demo youth case: osp, parket). Everyone
else gets 403 (no registry role) or 404 (not visible, or no such subject)."""

from schakel.core.access import DENY, REDIRECT, Route, signed_in

REGISTRY_USERS = ("osp", "parket", "handhaving", "liec")
REGISTRY = dict.fromkeys(REGISTRY_USERS, "ok")
OBH_MEMBERS = {"handhaving": "ok", "liec": "ok", "parket": "ok"}
YOUTH_MEMBERS = {"osp": "ok", "parket": "ok"}


def _subject(title, role):
    def kwargs():
        from schakel.cases.models import CaseSubject

        row = CaseSubject.objects.get(case__title=title, case__is_demo=True, role=role)
        return {"pk": row.subject_id}

    return kwargs


OBH = "Nachtwinkel met opvallend weinig klanten"
YOUTH = "Jongere met signalen van rekrutering"

ROUTES = [
    Route("subjects:search", signed_in(DENY, **REGISTRY)),
    Route("subjects:search", signed_in(DENY, **REGISTRY), query="?q=Demo+Uitbater-Fictief"),
    Route("subjects:search", signed_in(DENY, **REGISTRY), query="?q=12345678901"),
    Route("subjects:create", signed_in(DENY, **REGISTRY), kwargs=lambda: {"kind": "persoon"}),
    Route("subjects:create", signed_in(DENY, **REGISTRY), kwargs=lambda: {"kind": "inrichting"}),
    Route("subjects:create", signed_in(DENY), kwargs=lambda: {"kind": "onbekend"}),
    # An invalid POST re-renders the form with its errors and saves nothing.
    Route("subjects:create", signed_in(DENY, **REGISTRY), kwargs=lambda: {"kind": "onderneming"}, method="POST"),
    Route("subjects:detail", signed_in(DENY, **OBH_MEMBERS), kwargs=_subject(OBH, "operator")),
    Route("subjects:detail", signed_in(DENY, **OBH_MEMBERS), kwargs=_subject(OBH, "premises")),
    # The young person: members see the page, by pseudonym.
    Route("subjects:detail", signed_in(DENY, **YOUTH_MEMBERS), kwargs=_subject(YOUTH, "young_person")),
    # A guessed id answers exactly like a subject of another circle.
    Route("subjects:detail", signed_in(DENY), kwargs=lambda: {"pk": 987654}),
    Route("subjects:edit", signed_in(DENY, **OBH_MEMBERS), kwargs=_subject(OBH, "operator")),
    Route(
        "subjects:edit",
        signed_in(DENY, **OBH_MEMBERS),
        kwargs=_subject(OBH, "enterprise"),
        method="POST",
        data={"name": "", "kbo_number": "123"},
    ),
    # Editing a pseudonymised person would show the name: back to the detail page.
    Route(
        "subjects:edit",
        signed_in(DENY, **dict.fromkeys(YOUTH_MEMBERS, REDIRECT)),
        kwargs=_subject(YOUTH, "young_person"),
    ),
    Route("subjects:edit", signed_in(DENY), kwargs=lambda: {"pk": 987654}),
    # The address autocomplete of the establishment form (public register data).
    Route("subjects:address_options", signed_in(DENY, **REGISTRY), query="?q=Demo"),
]

# --- REST API (schakel/subjects/api.py): the search of the registry page. ---
# A visitor gets 403 (the API does not redirect to a login page); an invalid
# national register number is a 400 with the form's message.
ROUTES += [
    Route("api:subject_search", signed_in(DENY, anonymous=403, **REGISTRY), query="?q=Demo+Uitbater-Fictief"),
    Route(
        "api:subject_search",
        signed_in(DENY, anonymous=403, **dict.fromkeys(REGISTRY_USERS, 400)),
        query="?q=12345678901",
    ),
]
