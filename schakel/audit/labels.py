"""Readable Dutch labels for what the audit trail stores as codes.

The event log keeps stable, English codes (``cases.meeting_item_viewed``) and
the purposes that services in other apps pass as English literals ("case
network view"). Both are part of the hash chain and are never rewritten; they
are translated here, at display time, for the data-protection officer's page
and CSV. Presentation only: nothing in this module is written to the log.

Maintenance: every action code and every literal purpose written anywhere in
``schakel/`` must have an entry below. ``audit/tests/test_labels.py`` reads the
source code and fails for a code or purpose that has none, so a new one cannot
be forgotten. Codes that are not known (old releases, other installations) fall
back to the code itself.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# --- Actions -------------------------------------------------------------------

ACTION_LABELS: dict[str, str] = {
    # accounts
    "accounts.organisation_changed": _("Organisatie gewijzigd"),
    "accounts.organisation_created": _("Organisatie aangemaakt"),
    "accounts.role_assignability_changed": _("Toewijsbaarheid van een rol gewijzigd"),
    "accounts.role_grant_refused": _("Toekennen van een rol geweigerd"),
    "accounts.role_change_refused": _("Wijziging van een rol geweigerd"),
    "accounts.role_permissions_changed": _("Rechten van een rol gewijzigd"),
    "accounts.roles_changed": _("Rollen van een gebruiker gewijzigd"),
    "accounts.user_change_refused": _("Wijziging van een beheerdersaccount geweigerd"),
    "accounts.user_changed": _("Gebruiker gewijzigd"),
    "accounts.user_created": _("Gebruiker aangemaakt"),
    # audit
    "audit.events_exported": _("Audittrail geëxporteerd"),
    # auth
    "auth.login_failed": _("Aanmelding mislukt"),
    "auth.login_refused_locked": _("Aanmelding geweigerd (account tijdelijk geblokkeerd)"),
    "auth.login_succeeded": _("Aangemeld"),
    "auth.logout": _("Afgemeld"),
    "auth.mfa_enrolled": _("Tweestapsverificatie ingesteld"),
    "auth.mfa_enrolment_failed": _("Instellen tweestapsverificatie mislukt"),
    "auth.mfa_failed": _("Tweestapsverificatie mislukt"),
    "auth.mfa_verified": _("Tweestapsverificatie geslaagd"),
    "auth.session_expired": _("Sessie verlopen"),
    # cases
    "cases.action_created": _("Actiepunt aangemaakt"),
    "cases.action_status": _("Status actiepunt gewijzigd"),
    "cases.agenda_item_added": _("Casus op de agenda gezet"),
    "cases.case_access_refused": _("Toegang tot casus geweigerd"),
    "cases.case_deleted_retention": _("Casus verwijderd (bewaartermijn verstreken)"),
    "cases.case_opened": _("Casus geopend"),
    "cases.case_opened_view": _("Casus ingezien"),
    "cases.decision_recorded": _("Beslissing vastgelegd"),
    "cases.exit_goal_added": _("Exitdoel toegevoegd"),
    "cases.exit_goal_status": _("Status exitdoel gewijzigd"),
    "cases.hit_decided": _("Hit beoordeeld"),
    "cases.hit_raised": _("Hit gemeld"),
    "cases.identity_revealed": _("Identiteit van een jongere getoond"),
    "cases.intervention_added": _("Interventie toegevoegd"),
    "cases.intervention_status": _("Status interventie gewijzigd"),
    "cases.meeting_created": _("Casusoverleg aangemaakt"),
    "cases.meeting_item_viewed": _("Agendapunt casusoverleg ingezien"),
    "cases.member_added": _("Lid toegevoegd aan casuskring"),
    "cases.member_removed": _("Lid verwijderd uit casuskring"),
    "cases.minutes_pdf": _("Verslag als PDF gedownload"),
    "cases.minutes_saved": _("Verslag opgeslagen"),
    "cases.network_viewed": _("Netwerk van een casus ingezien"),
    "cases.retention_rule_saved": _("Bewaartermijn casussen opgeslagen"),
    "cases.signal_linked": _("Signaal aan casus gekoppeld"),
    "cases.signal_unlinked": _("Signaal van casus losgekoppeld"),
    "cases.status_changed": _("Status casus gewijzigd"),
    "cases.subject_added": _("Betrokkene aan casus toegevoegd"),
    "cases.twophase_decided": _("Beslissing tweefasenstrategie"),
    "cases.twophase_proposed": _("Tweefasenstrategie voorgesteld"),
    # legal
    "legal.code_accepted": _("Deontologische code aanvaard"),
    "legal.code_published": _("Deontologische code gepubliceerd"),
    "legal.instrument_saved": _("Juridisch instrument opgeslagen"),
    "legal.legal_ground_saved": _("Rechtsgrond opgeslagen"),
    # neighbourhoods
    "neighbourhoods.behangtafel_created": _("Behangtafel aangemaakt"),
    "neighbourhoods.checklist_template_changed": _("Schouwsjabloon gewijzigd"),
    "neighbourhoods.checklist_template_created": _("Schouwsjabloon aangemaakt"),
    "neighbourhoods.followup_created": _("Opvolgactie aangemaakt"),
    "neighbourhoods.followup_status_changed": _("Status opvolgactie gewijzigd"),
    "neighbourhoods.incident_changed": _("Incident gewijzigd"),
    "neighbourhoods.incident_created": _("Incident aangemaakt"),
    "neighbourhoods.proposal_added": _("Voorstel toegevoegd"),
    "neighbourhoods.proposal_status_changed": _("Status voorstel gewijzigd"),
    "neighbourhoods.proposal_theme_changed": _("Thema behangtafel gewijzigd"),
    "neighbourhoods.proposal_theme_created": _("Thema behangtafel aangemaakt"),
    "neighbourhoods.qrt_activity_changed": _("QRT-activiteit gewijzigd"),
    "neighbourhoods.qrt_activity_created": _("QRT-activiteit aangemaakt"),
    "neighbourhoods.retention_erased": _("Gegevens gewist (bewaartermijn verstreken)"),
    "neighbourhoods.retention_rule_changed": _("Bewaartermijn wijkgegevens gewijzigd"),
    "neighbourhoods.walk_created": _("Wijkschouw aangemaakt"),
    "neighbourhoods.walk_photo_viewed": _("Foto van een wijkschouw ingezien"),
    "neighbourhoods.walk_score_added": _("Schouwscore toegevoegd"),
    "neighbourhoods.walk_score_withdrawn": _("Schouwscore ingetrokken"),
    # places
    "places.addresses_imported": _("Adressen geïmporteerd"),
    "places.area_changed": _("Gebied gewijzigd"),
    "places.area_created": _("Gebied aangemaakt"),
    # plan
    "plan.action_created": _("Actie aangemaakt"),
    "plan.action_progress_added": _("Voortgang van een actie bijgewerkt"),
    "plan.group_member_added": _("Groepslid toegevoegd"),
    "plan.group_member_linked": _("Groepslid aan gebruiker gekoppeld"),
    "plan.group_member_removed": _("Groepslid verwijderd"),
    "plan.group_member_unlinked": _("Groepslid van gebruiker losgekoppeld"),
    "plan.indicator_target_set": _("Streefwaarde indicator vastgelegd"),
    "plan.indicators_computed": _("Berekende indicatoren bijgewerkt"),
    "plan.measurement_added": _("Meting toegevoegd"),
    "plan.measurement_corrected": _("Meting gecorrigeerd"),
    "plan.meeting_added": _("Vergadering toegevoegd"),
    "plan.objective_status_changed": _("Status doelstelling gewijzigd"),
    "plan.plan_imported": _("Actieplan geïmporteerd"),
    # signals
    "signals.category_saved": _("Signaalcategorie opgeslagen"),
    "signals.deadline_reminder_sent": _("Herinnering termijn verstuurd"),
    "signals.feedback_approved": _("Terugkoppeling aan de melder goedgekeurd"),
    "signals.feedback_rejected": _("Terugkoppeling aan de melder geweigerd"),
    "signals.feedback_written": _("Terugkoppeling aan de melder geschreven"),
    "signals.invitation_created": _("Uitnodigingslink aangemaakt"),
    "signals.invitation_revoked": _("Uitnodigingslink ingetrokken"),
    "signals.note_added": _("Notitie bij signaal toegevoegd"),
    "signals.routingrule_deleted": _("Routeringsregel verwijderd"),
    "signals.routingrule_saved": _("Routeringsregel opgeslagen"),
    "signals.signal_created": _("Signaal aangemaakt"),
    "signals.signal_deleted_retention": _("Signaal verwijderd (bewaartermijn verstreken)"),
    "signals.signal_step_completed": _("Stap van een signaal afgerond"),
    "signals.status_lookup": _("Status van een signaal opgevraagd met opvolgcode"),
    "signals.status_lookup_refused": _("Opvragen van een status met opvolgcode geweigerd"),
    # subjects
    "subjects.enterprise_created": _("Onderneming aangemaakt"),
    "subjects.establishment_created": _("Inrichting aangemaakt"),
    "subjects.link_created": _("Band tussen subjecten aangemaakt"),
    "subjects.merged": _("Subjecten samengevoegd"),
    "subjects.person_created": _("Persoon aangemaakt"),
    "subjects.reindexed": _("Zoekindex subjecten herbouwd"),
    "subjects.subject_access_refused": _("Toegang tot subject geweigerd"),
    "subjects.subject_changed": _("Subject gewijzigd"),
    "subjects.subject_viewed": _("Subject ingezien"),
    "subjects.vehicle_created": _("Voertuig aangemaakt"),
    # workflows
    "workflows.definition_created": _("Procesdefinitie aangemaakt"),
    "workflows.instance_started": _("Proces gestart"),
    "workflows.lane_team_set": _("Team aan procesbaan gekoppeld"),
    "workflows.timer_fired": _("Procestermijn verstreken"),
    "workflows.work_item_completed": _("Werkitem afgerond"),
}

# Codes built with an f-string in the code base, with every value they can take.
# The key is the f-string's template with each placeholder written as "{}".
DYNAMIC_ACTIONS: dict[str, tuple[str, ...]] = {
    "neighbourhoods.checklist_template_{}": (
        "neighbourhoods.checklist_template_created",
        "neighbourhoods.checklist_template_changed",
    ),
    "neighbourhoods.proposal_theme_{}": (
        "neighbourhoods.proposal_theme_created",
        "neighbourhoods.proposal_theme_changed",
    ),
    "signals.{}_saved": ("signals.category_saved", "signals.routingrule_saved"),
}

# Codes that audit.services derives from the object type when the caller
# names no action: "<app>.<model>.viewed" and "<app>.<model>.disclosed".
DERIVED_SUFFIXES: dict[str, str] = {
    "viewed": _("%(object)s ingezien"),
    "disclosed": _("%(object)s verstrekt aan andere organisatie"),
}

# --- Object types --------------------------------------------------------------

# Models whose verbose name is not (yet) Dutch, and types that are no model.
OBJECT_TYPE_LABELS: dict[str, str] = {
    "auth.group": _("rol"),
    "audit.chainhead": _("kop van de auditketen"),
    "cases.actionitem": _("actiepunt"),
    "cases.agendaitem": _("agendapunt"),
    "cases.casemember": _("lid casuskring"),
    "cases.casesignallink": _("koppeling casus-signaal"),
    "cases.casestatuschange": _("statuswijziging casus"),
    "cases.casesubject": _("betrokkene in casus"),
    "cases.decision": _("beslissing"),
    "cases.exitgoal": _("exitdoel"),
    "cases.exitgoalstatuschange": _("statuswijziging exitdoel"),
    "cases.hit": _("hit"),
    "cases.identityreveal": _("identiteitsonthulling"),
    "cases.intervention": _("interventie"),
    "cases.interventionstatuschange": _("statuswijziging interventie"),
    "cases.minutesrevision": _("versie verslag"),
    "cases.notification": _("melding"),
    "core.seedgrant": _("standaardrecht"),
    "neighbourhoods.followupstatuschange": _("statuswijziging opvolgactie"),
    "signals.signalaccess": _("toegang tot signaal"),
    "subjects.subjectmerge": _("samenvoeging subjecten"),
    "subjects.subjectnamekey": _("zoeksleutel naam"),
    "subjects.subjectnamepair": _("zoeksleutelpaar naam"),
    "subjects.subjectrevision": _("versie subject"),
}


def object_type_label(object_type: str) -> str:
    """A readable Dutch name for an object type code ("cases.case" -> "Casus");
    the code itself when it is unknown."""
    if not object_type:
        return ""
    code = object_type.lower()
    label = OBJECT_TYPE_LABELS.get(code)
    if label is None:
        try:
            label = apps.get_model(code)._meta.verbose_name
        except (LookupError, ValueError):
            return object_type
    text = str(label)
    return text[:1].upper() + text[1:]


def action_label(code: str) -> str:
    """A readable Dutch label for an action code; the code itself when unknown."""
    if not code:
        return ""
    label = ACTION_LABELS.get(code)
    if label is not None:
        return str(label)
    object_type, _sep, suffix = code.rpartition(".")
    template = DERIVED_SUFFIXES.get(suffix)
    if template is not None and object_type:
        name = object_type_label(object_type)
        if name != object_type:
            return str(template) % {"object": name}
    return code


def known_action_codes() -> list[str]:
    """Every code with a label, including the derived ones for each model."""
    codes = set(ACTION_LABELS)
    for model in apps.get_models():
        for suffix in DERIVED_SUFFIXES:
            codes.add(f"{model._meta.label_lower}.{suffix}")
    return sorted(codes)


def action_codes_matching(text: str) -> list[str]:
    """Codes whose Dutch label contains ``text`` (case-insensitive), so the DPO
    can filter on the words shown on the page as well as on the code."""
    needle = (text or "").strip().lower()
    if not needle:
        return []
    return [code for code in known_action_codes() if needle in action_label(code).lower()]


# --- Purposes ------------------------------------------------------------------

# The purposes other apps pass to record_access / record_disclosure as literals.
PURPOSE_LABELS: dict[str, str] = {
    "attachment download": _("Bijlage gedownload"),
    "audit export": _("Export van de audittrail"),
    "case circle (API)": _("Casuskring (API)"),
    "case circle membership": _("Lidmaatschap van de casuskring"),
    "case consultation": _("Casusoverleg: casus raadplegen"),
    "case consultation (API)": _("Casusoverleg: casus raadplegen (API)"),
    "case meeting item": _("Agendapunt van een casusoverleg"),
    "case network view": _("Netwerk van een casus bekijken"),
    "case subjects (API)": _("Betrokkenen van een casus (API)"),
    "PDF minutes": _("Verslag als PDF"),
    "refused: not a member or no such case": _("Geweigerd: geen lid of onbestaande casus"),
    "refused: not visible or no such subject": _("Geweigerd: niet zichtbaar of onbestaand subject"),
    "signal handling (triage and follow-up)": _("Behandeling van een signaal (triage en opvolging)"),
    "status lookup by the reporter (reference and code)": _(
        "Status opgevraagd door de melder (referentie en opvolgcode)"
    ),
    "subject registry: detail page": _("Subjectenregister: detailpagina"),
    # Stored in Dutch already; mapped so that fr/en readers get their language.
    "Adreslijst impactcirkel voor bewonersbrief": _("Adreslijst impactcirkel voor bewonersbrief"),
    "Foto van een wijkschouw ingezien": _("Foto van een wijkschouw ingezien"),
    "Interne notities incident ingezien": _("Interne notities incident ingezien"),
    "opvolging van een signaal": _("opvolging van een signaal"),
}

# Purposes built with an f-string: template -> the values they can take.
DYNAMIC_PURPOSES: dict[str, tuple[str, ...]] = {
    "export {}": ("export csv", "export xlsx"),
}

_EXPORT_PREFIX = "export "


def purpose_label(purpose: str) -> str:
    """The purpose in the reader's language when it is a known literal; free
    text typed by a user (e.g. the reason for revealing an identity) as is."""
    if not purpose:
        return ""
    label = PURPOSE_LABELS.get(purpose)
    if label is not None:
        return str(label)
    if purpose.startswith(_EXPORT_PREFIX) and purpose[len(_EXPORT_PREFIX) :].isalnum():
        return gettext("Export (%(format)s)") % {"format": purpose[len(_EXPORT_PREFIX) :].upper()}
    return purpose


# --- Summaries -------------------------------------------------------------------

# Summaries are stored as the services wrote them ("roles: QRT-medewerker",
# "added: X; removed: Y"): the trail is never rewritten. The page shows their
# keys in the reader's language; the CSV export keeps them as stored.
SUMMARY_KEYS = {
    "added": _("erbij"),
    "assignable": _("toewijsbaar"),
    "fields": _("velden"),
    "removed": _("weggenomen"),
    "role": _("rol"),
    "roles": _("rollen"),
}


def summary_label(summary: str) -> str:
    """The summary with its known keys translated, part by part ("; ")."""
    if not summary or ":" not in summary:
        return summary or ""
    parts = []
    for part in summary.split("; "):
        key, sep, rest = part.partition(": ")
        label = SUMMARY_KEYS.get(key) if sep else None
        parts.append(f"{label}: {rest}" if label is not None else part)
    return "; ".join(parts)
