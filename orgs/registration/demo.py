"""Demo registration applications for 苏州市 (3205), in several states. Idempotent: seed(stdout) does nothing
when the city already has applications. Acts through the services, as the demo logins would."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from .. import calendar as workdays
from ..codes import id_number_check_char
from ..models import RegistrationApplication, SupervisingUnit, UserScope
from . import services
from .defaults import ensure_defaults
from .rules import checklist_for


def _pdf(title: str) -> bytes:
    """A small, valid one-page PDF (a viewer opens it inline), with the material's name in Chinese."""
    from fpdf import FPDF

    from .certificate import FONT

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.add_font("noto", "", str(FONT))
    pdf.set_font("noto", size=20)
    pdf.cell(0, 20, title)
    pdf.set_font("noto", size=11)
    pdf.set_xy(10, 40)
    pdf.cell(0, 8, "演示材料（demo）")
    return bytes(pdf.output())


def _id(region6: str, born: date, seq: int) -> str:
    first17 = f"{region6}{born:%Y%m%d}{seq:03d}"
    return first17 + id_number_check_char(first17)


def _user(username: str, kind: str = "applicant", **scope):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username, password="demo-pass-2026", email=f"{username}@example.com"
        )
        UserScope.objects.create(user=user, kind=kind, **scope)
    return user


def _upload_all(actor, application):
    for entry in checklist_for(application.kind, application.org_type):
        if entry.required:
            services.material_upload(
                actor=actor,
                application=application,
                item=entry.item,
                file=ContentFile(_pdf(entry.name), name=f"{entry.item}.pdf"),
            )


def seed(stdout) -> None:
    ensure_defaults()
    if RegistrationApplication.objects.filter(region__code__startswith="3205").exists():
        stdout.write("registration: demo applications already there")
        return
    User = get_user_model()
    applicant = User.objects.filter(username="applicant").first() or _user("applicant")
    registrar = User.objects.filter(username="city_registrar").first()
    unit_user = User.objects.filter(username="unit_user").first()
    if registrar is None or unit_user is None:
        stdout.write("registration: demo logins missing; skipped")
        return
    unit = SupervisingUnit.objects.get(pk=unit_user.scope.supervising_unit_id)
    founders = [_user(f"demo_founder_{n}") for n in range(1, 5)]

    def particulars(n, name, org_type="social_service_agency", category="other", **extra):
        return {
            "name": name,
            "org_type": org_type,
            "category": category,
            "region": "320506" if "吴中区" in name else "320508",
            "legal_representative": ["陈晓东", "林雪", "周建国", "吴敏", "孙海燕", "何志强", "郑丽"][n % 7],
            "legal_representative_id_number": _id("320508", date(1970 + n * 3, 1 + n, 10 + n), 100 + n),
            "registered_capital": "100000.00",
            "address": f"苏州市吴中区东吴北路{100 + n}号"
            if "吴中区" in name
            else f"苏州市姑苏区干将西路{100 + n}号",
            "phone": f"0512-6777{1000 + n}",
            "business_scope": "为老年人提供日间照料、助餐助浴、康复护理和精神慰藉服务。",
            **({"supervising_unit": unit.pk} if category == "other" else {}),
            **extra,
        }

    with transaction.atomic():
        # 1. A draft, being filled in.
        services.application_create(
            actor=applicant, kind="establish", proposed=particulars(1, "苏州市姑苏区颐乐养老服务中心")
        )
        # 2. Submitted, waiting for the supervising unit's consent.
        waiting = services.application_create(
            actor=applicant, kind="establish", proposed=particulars(2, "苏州市吴中区青禾社会工作服务中心")
        )
        _upload_all(applicant, waiting)
        services.application_submit(actor=applicant, application=waiting)
        # 3. Sent back for correction (一次性告知).
        fix = services.application_create(
            actor=applicant,
            kind="establish",
            proposed=particulars(3, "苏州市姑苏区启明康复中心", category="charity"),
        )
        _upload_all(applicant, fix)
        services.application_submit(actor=applicant, application=fix)
        services.application_request_correction(
            actor=registrar,
            application=fix,
            items=["charter", "premises"],
            comment="章程第十二条与示范文本不一致；场所证明已过期。",
        )
        # 4. Accepted (one overdue), 5. approved (a new organization), 6. refused.
        for n, (name, end) in enumerate(
            [
                ("苏州市吴中区光明助学基金会", "accepted"),
                ("苏州市姑苏区乐龄社会工作服务中心", "overdue"),
                ("苏州市姑苏区晨曦社会工作服务中心", "approved"),
                ("苏州市吴中区阳光养老服务中心", "refused"),
            ],
            start=4,
        ):
            founder = founders[n - 4]
            extra = (
                {"org_type": "foundation", "category": "charity", "registered_capital": "2000000.00"}
                if "基金会" in name
                else {"category": "charity"}
            )
            app = services.application_create(
                actor=founder, kind="establish", proposed=particulars(n, name, **extra)
            )
            _upload_all(founder, app)
            services.application_submit(actor=founder, application=app)
            services.application_accept(actor=registrar, application=app)
            if end == "overdue":
                past = timezone.localdate() - timedelta(days=75)
                RegistrationApplication.objects.filter(pk=app.pk).update(
                    submitted_at=timezone.now() - timedelta(days=77),
                    accepted_at=timezone.now() - timedelta(days=75),
                    due_on=past + timedelta(days=60),
                    promised_on=workdays.add_working_days(past, services.promised_days("establish")),
                )
            elif end == "approved":
                services.application_approve(actor=registrar, application=app, comment="材料齐全，准予登记。")
            elif end == "refused":
                services.application_refuse(
                    actor=registrar, application=app, reason="拟任负责人不符合任职条件。"
                )
    stdout.write(f"registration: {RegistrationApplication.objects.count()} demo applications")
