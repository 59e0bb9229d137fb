from django.db import models
from django.utils.translation import gettext_lazy as _

LEVEL_BY_LENGTH = {2: "province", 4: "city", 6: "county", 9: "street"}


class Region(models.Model):
    """GB/T 2260 administrative division. The code is the significant prefix: 32, 3205, 320508, 320508001.

    "In region 3205" is a prefix match on the code, so a city includes its districts and streets."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County/district")
        STREET = "street", _("Street/town")

    code = models.CharField(_("code"), max_length=9, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    full_name = models.CharField(_("full name"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.full_name or self.name

    @property
    def choice_label(self) -> str:
        """As a select lists it: 江苏省苏州市 (3205)."""
        return f"{self.full_name or self.name} ({self.code})"

    @property
    def county_code(self) -> str:
        """The 6-digit county code used in credit codes (a city or province pads with zeros)."""
        return self.code[:6].ljust(6, "0")
