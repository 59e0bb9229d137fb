"""The registration certificate (登记证书) as an A4 PDF, with its Chinese font embedded (a subset of Noto Sans
CJK SC under the SIL Open Font License, shipped in fonts/) and a QR code opening the public page."""

from pathlib import Path

import qrcode
from django.conf import settings
from django.utils.translation import gettext as _
from fpdf import FPDF

from ..models import Organization

FONT = Path(__file__).resolve().parent / "fonts" / "NotoSansSC-Regular-GB2312.ttf"
TITLES = {
    Organization.OrgType.SOCIAL_GROUP: "社会团体法人登记证书",
    Organization.OrgType.SOCIAL_SERVICE_AGENCY: "民办非企业单位登记证书",
    Organization.OrgType.FOUNDATION: "基金会法人登记证书",
}
FILING_TITLE = "社区社会组织备案证明"
RED = (176, 24, 30)


def public_url(organization: Organization) -> str:
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}/public/organizations/{organization.pk}/"


def issuing_authority(organization: Organization) -> str:
    return f"{organization.region.name}民政局"


def _yuan(amount) -> str:
    return f"{amount:,.2f} 元"


def render(organization: Organization) -> bytes:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(f"{TITLES.get(organization.org_type, '')} {organization.name}")
    pdf.set_author(issuing_authority(organization))
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    pdf.add_font("noto", "", str(FONT))
    # A double red frame, like the printed certificate.
    pdf.set_draw_color(*RED)
    pdf.set_line_width(1.2)
    pdf.rect(12, 12, 186, 273)
    pdf.set_line_width(0.4)
    pdf.rect(15, 15, 180, 267)

    filed = organization.is_filed_only
    pdf.set_text_color(*RED)
    pdf.set_font("noto", size=26)
    pdf.set_xy(15, 30)
    pdf.cell(180, 14, FILING_TITLE if filed else TITLES.get(organization.org_type, "登记证书"), align="C")
    pdf.set_font("noto", size=11)
    pdf.set_xy(15, 46)
    pdf.cell(180, 7, "（正本）", align="C")

    code_label = "备案编号" if filed else "统一社会信用代码"
    code = organization.filing_number if filed else organization.credit_code
    rows = [
        (code_label, code or ""),
        ("名　　称", organization.name),
        ("法定代表人" if not filed else "负　责　人", organization.legal_representative or ""),
        ("住　　所", organization.address or ""),
        ("业务范围", organization.business_scope or ""),
        (_registered_capital_label(organization), _yuan(organization.registered_capital)),
        ("业务主管单位", str(organization.supervising_unit or "无")),
        (
            "登记日期" if not filed else "备案日期",
            f"{organization.registered_on:%Y年%m月%d日}" if organization.registered_on else "",
        ),
    ]
    pdf.set_text_color(20, 20, 20)
    y = 66
    for label, value in rows:
        pdf.set_font("noto", size=12)
        pdf.set_xy(28, y)
        pdf.cell(34, 9, label)
        pdf.set_font("noto", size=13)
        pdf.set_xy(64, y)
        pdf.multi_cell(118, 9, value, new_x="LMARGIN", new_y="NEXT")
        y = max(pdf.get_y(), y + 9) + 4

    qr = qrcode.QRCode(border=1, box_size=8, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(public_url(organization))
    qr.make(fit=True)
    pdf.image(qr.make_image().get_image(), x=28, y=222, w=38, h=38)
    pdf.set_font("noto", size=9)
    pdf.set_xy(28, 261)
    pdf.cell(38, 5, "扫码查看公示信息", align="C")

    pdf.set_font("noto", size=14)
    pdf.set_xy(100, 236)
    pdf.cell(82, 9, "登记管理机关：" + issuing_authority(organization), align="R")
    pdf.set_xy(100, 248)
    pdf.cell(82, 9, f"发证日期：{organization.registered_on or ''}", align="R")
    return bytes(pdf.output())


def _registered_capital_label(organization: Organization) -> str:
    return {
        Organization.OrgType.SOCIAL_GROUP: "活动资金",
        Organization.OrgType.SOCIAL_SERVICE_AGENCY: "开办资金",
        Organization.OrgType.FOUNDATION: "原始基金",
    }.get(organization.org_type, _("Registered capital"))
