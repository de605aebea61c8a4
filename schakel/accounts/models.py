"""Organisations (the partners), their units, and the people who sign in."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.be import vat as be_vat
from stdnum.exceptions import ValidationError as StdnumError

from schakel.core.models import TimeStampedModel


def validate_kbo(value: str) -> None:
    """A KBO-BCE enterprise number: ten digits, mod-97 check (python-stdnum)."""
    if not value:
        return
    try:
        be_vat.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("%(value)s is geen geldig KBO-ondernemingsnummer."), code="invalid_kbo", params={"value": value}
        ) from exc


def format_kbo(value: str) -> str:
    """Canonical display form 0123.456.789."""
    digits = be_vat.compact(value)
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        CITY = "city", _("Stad of gemeente")
        POLICE = "police", _("Politiezone")
        PROSECUTOR = "prosecutor", _("Parket")
        OTHER = "other", _("Andere partner")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("naam"), max_length=200, unique=True)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    kbo_number = models.CharField(_("KBO-ondernemingsnummer"), max_length=16, blank=True, validators=[validate_kbo])
    active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        permissions = [("manage_all_organisations", _("Kan gebruikers van alle organisaties beheren"))]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.kbo_number:
            validate_kbo(self.kbo_number)
            self.kbo_number = format_kbo(self.kbo_number)


class Unit(TimeStampedModel):
    """A department or service inside an organisation (e.g. the LIEC of a police zone)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="units")
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("naam"), max_length=200)
    active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="unit_code_unique_per_org")]
        verbose_name = _("dienst")
        verbose_name_plural = _("diensten")

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.name})"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_superuser", True)
        extra.setdefault("is_staff", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Belongs to exactly one organisation.

    Roles are Django groups; code checks permissions, never group names.
    """

    email = models.EmailField(_("e-mailadres"), unique=True, max_length=254)
    first_name = models.CharField(_("voornaam"), max_length=100)
    last_name = models.CharField(_("familienaam"), max_length=100)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    units = models.ManyToManyField(Unit, blank=True, related_name="users", verbose_name=_("diensten"))
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    function_title = models.CharField(_("functie"), max_length=150, blank=True)
    is_active = models.BooleanField(_("actief"), default=True)
    is_staff = models.BooleanField(_("toegang tot beheer"), default=False)
    is_demo = models.BooleanField(
        _("demo-account"), default=False, help_text=_("Fictieve demo-account; MFA niet verplicht in demomodus.")
    )
    date_joined = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    failed_login_count = models.PositiveIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        permissions = [
            ("assign_role", _("Kan vrijgegeven rollen aan gebruikers toekennen")),
            ("assign_privileged_role", _("Kan beheerrollen toekennen en rollen vrijgeven voor toekenning")),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    def is_locked(self, now=None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or timezone.now()))


class RoleSetting(models.Model):
    """How a role (a Django group) may be handed out; see ADR 0008.

    A role without a row is releasable by default: functional administrators
    with ``accounts.assign_role`` may grant it unless it carries administrative
    permissions (``accounts.permissions.PRIVILEGED_APPS``). A holder of
    ``accounts.assign_privileged_role`` can withhold a role by setting
    ``assignable`` to False.
    """

    group = models.OneToOneField(
        "auth.Group", on_delete=models.CASCADE, primary_key=True, related_name="setting", verbose_name=_("rol")
    )
    assignable = models.BooleanField(_("toekenbaar door functioneel beheerders"), default=True)

    class Meta:
        verbose_name = _("rolinstelling")
        verbose_name_plural = _("rolinstellingen")
        # Changed through the role editor with accounts.assign_privileged_role.
        default_permissions = ()

    def __str__(self) -> str:
        return str(self.group)
