import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserScope(models.Model):
    """What a login (or a system's token) may reach: the one record selectors read to decide scope."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Civil-affairs staff")
        UNIT = "unit", _("Supervising-unit staff")
        ORG = "org", _("Organization user")
        APPLICANT = "applicant", _("Applicant")
        SYSTEM = "system", _("Government system (API)")

    class Role(models.TextChoices):
        REGISTRAR = "registrar", _("Registrar")
        SUPERVISOR = "supervisor", _("Supervisor")
        PARTY_OFFICER = "party_officer", _("Party-work officer")
        INSTRUCTOR = "instructor", _("Party-building instructor")
        STATISTICIAN = "statistician", _("Statistician")
        ADMIN = "admin", _("Administrator")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scope")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    region = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    roles = models.JSONField(_("roles"), default=list, blank=True)
    scopes = models.JSONField(_("API scopes"), default=list, blank=True, help_text=_("System clients only."))
    supervising_unit = models.ForeignKey(
        "orgs.SupervisingUnit",
        verbose_name=_("supervising unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user_scopes",
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user_scopes",
    )

    class Meta:
        verbose_name = _("user scope")
        verbose_name_plural = _("user scopes")

    def __str__(self):
        return f"{self.user} ({self.get_kind_display()})"

    @property
    def region_code(self) -> str:
        return self.region_id or ""


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A system's token. Only its SHA-256 is stored; the key is shown once, when issued."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate_key() -> str:
        return secrets.token_hex(20)


class Notification(models.Model):
    """A message in the portal inbox of a user or of all users of an organization."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    organization = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    topic = models.CharField(_("topic"), max_length=50)
    message = models.TextField(_("message"))
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
