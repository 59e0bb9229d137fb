"""Pages: the organization's filing, the staff's overview, review queue, ratings, credit lists and the public
register. Thin: parse, call one selector or one service, render. Scope: the selectors (404 outside it)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from ..access import access_for
from ..codes import normalize_code
from ..exceptions import InvalidState
from ..models import AnnualReport, CreditListEntry, Organization, Region, UserScope
from ..models.annual_reports import REPORT_SECTIONS
from ..selectors import organizations_visible_to, regions_in_scope
from ..web import apply_validation_error, run_service
from ..widgets import region_select
from . import selectors, services, spreadsheets
from .deadlines import deadline_for, report_year_on
from .forms import (
    SECTION_TITLES,
    AttachmentForm,
    CreditEntryForm,
    ImportForm,
    OverviewForm,
    RatingForm,
    RemovalForm,
    ReviewForm,
    section_form,
)
from .tables import CreditEntryTable, OverviewTable, QueueTable, RatingTable

Kind = UserScope.Kind
PER_PAGE = 50
FIELD_SECTION = {name: section for section, names in REPORT_SECTIONS.items() for name in names}


def _require(request, scope: str):
    if not access_for(request.user).can(scope):
        raise PermissionDenied(_("You do not have the right to do this (%(scope)s).") % {"scope": scope})


def _own_organization(request) -> Organization:
    access = access_for(request.user)
    if access.kind != Kind.ORG:
        raise PermissionDenied(_("This page is for the users of an organization."))
    return Organization.objects.select_related("region", "supervising_unit").get(pk=access.organization_id)


def _own_report(request, year: int) -> tuple[Organization, AnnualReport | None]:
    organization = _own_organization(request)
    return organization, AnnualReport.objects.filter(organization=organization, year=year).first()


# The organization's own pages


@login_required
def my_home(request):
    organization = _own_organization(request)
    today = timezone.localdate()
    year = report_year_on(today)
    deadline = deadline_for(year)
    reports = list(AnnualReport.objects.filter(organization=organization).order_by("-year"))
    current = next((r for r in reports if r.year == year), None)
    return render(
        request,
        "orgs/annual_reports/my_home.html",
        {
            "organization": organization,
            "year": year,
            "deadline": deadline,
            "days_left": (deadline - today).days,
            "current": current,
            "reports": reports,
            "can_open": organization.registered_on is None or organization.registered_on.year <= year,
            "ratings": list(organization.ratings.all()[:3]),
            "entries": list(organization.credit_entries.filter(removed_on__isnull=True)),
            "notifications": list(organization.notifications.all()[:5]),
        },
    )


def _form_context(request, organization, report, year, forms=None, attachment_form=None):
    forms = forms or {}
    sections = [
        {
            "name": name,
            "title": SECTION_TITLES[name],
            "form": forms.get(name) or section_form(name, report),
            "saved": False,
        }
        for name in REPORT_SECTIONS
    ]
    deadline = deadline_for(year)
    return {
        "organization": organization,
        "report": report,
        "year": year,
        "deadline": deadline,
        "days_left": (deadline - timezone.localdate()).days,
        "sections": sections,
        "attachment_form": attachment_form or AttachmentForm(),
        "returned": selectors.last_return(report) if report and report.status == "returned" else None,
    }


@login_required
def my_report(request, year):
    organization, report = _own_report(request, year)
    if report is None:
        if request.method == "POST":
            try:
                report = services.annual_report_create(
                    actor=request.user, organization=organization, year=year
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
                return redirect("annual_reports:my_home")
            return redirect("annual_reports:my_report", year=year)
        return render(
            request,
            "orgs/annual_reports/my_report_start.html",
            {"organization": organization, "year": year, "deadline": deadline_for(year)},
        )
    if report.status not in services.EDITABLE:
        return redirect("annual_reports:detail", pk=report.pk)
    return render(
        request, "orgs/annual_reports/my_report.html", _form_context(request, organization, report, year)
    )


@login_required
@require_POST
def my_report_section(request, year, section):
    if section not in REPORT_SECTIONS:
        raise Http404()
    organization, report = _own_report(request, year)
    if report is None:
        raise Http404()
    form = section_form(section, report, request.POST)
    saved = False
    if form.is_valid():
        changes = {name: form.cleaned_data[name] for name in REPORT_SECTIONS[section]}
        updated, refused = run_service(
            request, form, lambda: services.annual_report_update(actor=request.user, report=report, **changes)
        )
        if refused:
            return refused
        saved = updated is not None
    if not request.htmx:
        if saved:
            messages.success(request, _("Saved."))
            return redirect("annual_reports:my_report", year=year)
        context = _form_context(request, organization, report, year, forms={section: form})
        return render(request, "orgs/annual_reports/my_report.html", context, status=400)
    context = {
        "report": report,
        "year": year,
        "section": {"name": section, "title": SECTION_TITLES[section], "form": form, "saved": saved},
        "now": timezone.localtime(),
    }
    return render(request, "orgs/annual_reports/_section.html", context)


@login_required
@require_POST
def my_report_attachment(request, year):
    organization, report = _own_report(request, year)
    if report is None:
        raise Http404()
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["audited_statement"]
        updated, refused = run_service(
            request,
            form,
            lambda: services.annual_report_attach(actor=request.user, report=report, upload=upload),
        )
        if refused:
            return refused
        if updated:
            messages.success(request, _("The audited financial statement is attached."))
            return redirect("annual_reports:my_report", year=year)
    context = _form_context(request, organization, report, year, attachment_form=form)
    return render(request, "orgs/annual_reports/my_report.html", context, status=400)


@login_required
@require_POST
def my_report_submit(request, year):
    organization, report = _own_report(request, year)
    if report is None:
        raise Http404()
    try:
        services.annual_report_submit(actor=request.user, report=report)
    except InvalidState as error:
        messages.error(request, str(error.message))
        return redirect("annual_reports:my_report", year=year)
    except ValidationError as error:
        forms = {name: section_form(name, report) for name in REPORT_SECTIONS}
        attachment_form = AttachmentForm()
        for field, errors in error.message_dict.items():
            if field in FIELD_SECTION:
                _show_error(forms[FIELD_SECTION[field]], field, errors)
            else:
                _show_error(
                    attachment_form, "audited_statement" if field == "audited_statement" else None, errors
                )
        messages.error(request, _("The report is not submitted: correct the fields marked below."))
        context = _form_context(
            request, organization, report, year, forms=forms, attachment_form=attachment_form
        )
        return render(request, "orgs/annual_reports/my_report.html", context, status=400)
    messages.success(request, _("The report for %(year)d is submitted.") % {"year": year})
    return redirect("annual_reports:my_home")


def _show_error(form, field, errors) -> None:
    """An error from the service beside the field of an unbound form (it shows the saved values)."""
    form.errors  # noqa: B018  (sets up the error dict of an unbound form)
    form.cleaned_data = getattr(form, "cleaned_data", {})
    form.add_error(field, errors)


# A report, printable; staff and the organization alike


def _figure_rows(report, previous=None):
    """Per section: (label, this year, last year, change in percent)."""
    sections = []
    for name, fields in REPORT_SECTIONS.items():
        rows = []
        for field in fields:
            value = getattr(report, field)
            before = getattr(previous, field) if previous is not None else None
            change = None
            if before not in (None, 0) and before != Decimal(0):
                change = round((Decimal(value) - Decimal(before)) * 100 / abs(Decimal(before)), 1)
            rows.append(
                {
                    "field": field,
                    "label": AnnualReport._meta.get_field(field).verbose_name,
                    "value": value,
                    "before": before,
                    "change": change,
                }
            )
        sections.append({"name": name, "title": SECTION_TITLES[name], "rows": rows})
    return sections


def _get_report(request, pk) -> AnnualReport:
    try:
        return selectors.reports_visible_to(request.user).get(pk=pk)
    except AnnualReport.DoesNotExist:
        raise Http404(_("No such report in your scope.")) from None


@login_required
def report_detail(request, pk):
    _require(request, "reports:read")
    report = _get_report(request, pk)
    return render(
        request,
        "orgs/annual_reports/report_detail.html",
        {
            "report": report,
            "organization": report.organization,
            "sections": _figure_rows(report),
            "reviews": selectors.report_reviews(report),
            "history": selectors.report_history(report),
            "can_review": services.can_review(request.user, report),
        },
    )


def statement_response(report: AnnualReport) -> FileResponse:
    """The audited financial statement, inline, never cached by a shared proxy."""
    response = FileResponse(
        report.audited_statement.open("rb"),
        content_type="application/pdf",
        filename=report.audited_statement.name.rsplit("/", 1)[-1],
    )
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline", 1)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def statement(request, pk):
    _require(request, "reports:read")
    try:
        report = selectors.report_statement(user=request.user, pk=pk)
    except AnnualReport.DoesNotExist:
        raise Http404() from None
    return statement_response(report)


# Staff: overview, export, import


def _regions_for(access):
    if not access.is_staff_kind:
        return []
    return list(regions_in_scope(access).order_by("code").values_list("code", "name"))


def _overview_params(request):
    access = access_for(request.user)
    if not access.is_staff_kind:
        raise PermissionDenied(_("The filing overview is for civil-affairs staff."))
    _require(request, "reports:read")
    data = request.GET.copy()
    data.setdefault("year", str(report_year_on(timezone.localdate())))
    form = OverviewForm(data, regions=_regions_for(access))
    form.fields["region"].widget = region_select(
        regions_in_scope(access), data.get("region", ""), empty_label=_("All")
    )
    if not form.is_valid():
        return form, report_year_on(timezone.localdate()), "", ""
    return form, form.cleaned_data["year"], form.cleaned_data["region"], form.cleaned_data["state"]


@login_required
def overview(request):
    # "Annual reports" in the navigation: an organization files, a supervising unit reviews.
    kind = access_for(request.user).kind
    if kind == Kind.ORG:
        return redirect("annual_reports:my_home")
    if kind == Kind.UNIT:
        return redirect("annual_reports:queue")
    form, year, region, state = _overview_params(request)
    counts, organizations = selectors.filing_overview(
        user=request.user, year=year, region=region, state=state
    )
    table = OverviewTable(organizations, row_count=None if state else counts["total"])
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    access = access_for(request.user)
    context = {
        "form": form,
        "year": year,
        "counts": counts,
        "table": table,
        "state": state,
        "query": request.GET.urlencode(),
        "can_import": access.has_role(UserScope.Role.REGISTRAR),
        "queue_size": selectors.review_queue(request.user).count(),
    }
    if request.htmx and request.htmx.target == "overview-table":
        return render(request, "orgs/annual_reports/_overview_table.html", context)
    return render(request, "orgs/annual_reports/overview.html", context)


@login_required
def export(request):
    form, year, region, _state = _overview_params(request)
    output = spreadsheets.write_reports(selectors.export_reports(user=request.user, year=year, region=region))
    return FileResponse(
        output,
        as_attachment=True,
        filename=f"annual-reports-{year}{'-' + region if region else ''}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
def import_reports(request):
    _require(request, "reports:review")
    if not access_for(request.user).has_role(UserScope.Role.REGISTRAR):
        raise PermissionDenied(_("Only registrars import annual reports."))
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            rows = spreadsheets.read_rows(form.cleaned_data["file"])
            count = services.annual_reports_import(actor=request.user, rows=rows)
        except ValidationError as error:
            status = 400
            if "file" in error.message_dict:
                apply_validation_error(form, error)
            else:
                row_errors = list(error.message_dict.items())
        else:
            messages.success(request, _("%(count)d reports imported.") % {"count": count})
            return redirect("annual_reports:overview")
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "orgs/annual_reports/import.html",
        {"form": form, "row_errors": row_errors, "columns": spreadsheets.HEAD},
        status=status,
    )


# Reviewers


@login_required
def queue(request):
    _require(request, "reports:review")
    table = QueueTable(selectors.review_queue(request.user))
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(request, "orgs/annual_reports/queue.html", {"table": table})


@login_required
def review(request, pk):
    _require(request, "reports:review")
    report = _get_report(request, pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, refused = run_service(
            request,
            form,
            lambda: services.annual_report_review(
                actor=request.user, report=report, decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            ),
        )  # fmt: skip
        if refused:
            return refused
        if done:
            messages.success(
                request,
                _("%(org)s %(year)d: %(status)s.")
                % {"org": report.organization.name, "year": report.year, "status": done.get_status_display()},
            )
            return redirect("annual_reports:queue")
        report.refresh_from_db()
    step = services.review_step(report)
    return render(
        request,
        "orgs/annual_reports/review.html",
        {
            "report": report,
            "organization": report.organization,
            "previous": selectors.previous_report(report),
            "sections": _figure_rows(report, selectors.previous_report(report)),
            "reviews": selectors.report_reviews(report),
            "form": form,
            "step": step,
            "can_review": services.can_review(request.user, report),
            "results": AnnualReport.Result.choices,
        },
        status=400 if form.errors else 200,
    )


# Ratings and credit lists


def _organization_by_code(request, form, code: str) -> Organization | None:
    organization = organizations_visible_to(request.user).filter(credit_code=normalize_code(code)).first()
    if organization is None:
        form.add_error("credit_code", _("No organization with this credit code in your jurisdiction."))
    return organization


@login_required
def ratings(request):
    _require(request, "reports:read")
    access = access_for(request.user)
    can_award = access.can("reports:review") and access.has_role(UserScope.Role.REGISTRAR)
    form = RatingForm(request.POST or None) if can_award else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied()
        if form.is_valid() and (
            organization := _organization_by_code(request, form, form.cleaned_data["credit_code"])
        ):
            data = {k: form.cleaned_data[k] for k in ("grade", "awarded_on")}
            rating, refused = run_service(
                request,
                form,
                lambda: services.rating_award(actor=request.user, organization=organization, **data),
            )
            if refused:
                return refused
            if rating:
                messages.success(
                    request,
                    _("%(org)s is rated %(grade)dA.") % {"org": organization.name, "grade": rating.grade},
                )
                return redirect("annual_reports:ratings")
    table = RatingTable(selectors.rating_list(user=request.user, filters=request.GET))
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "orgs/annual_reports/ratings.html",
        {"table": table, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


def _can_list(access) -> bool:
    return access.can("reports:review") and access.has_role(
        UserScope.Role.REGISTRAR, UserScope.Role.SUPERVISOR
    )


@login_required
def credit_lists(request):
    _require(request, "reports:read")
    access = access_for(request.user)
    form = CreditEntryForm(request.POST or None) if _can_list(access) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied()
        if form.is_valid() and (
            organization := _organization_by_code(request, form, form.cleaned_data["credit_code"])
        ):
            data = {
                k: form.cleaned_data[k] for k in ("list", "reason", "reason_code", "report_year", "listed_on")
            }
            entry, refused = run_service(
                request,
                form,
                lambda: services.credit_list_add(actor=request.user, organization=organization, **data),
            )
            if refused:
                return refused
            if entry:
                messages.success(request, _("%(org)s is listed.") % {"org": organization.name})
                return redirect("annual_reports:credit_lists")
    filters = request.GET.copy()
    filters.setdefault("current", "true")
    table = CreditEntryTable(selectors.credit_entry_list(user=request.user, filters=filters))
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "orgs/annual_reports/credit_lists.html",
        {"table": table, "form": form, "can_list": _can_list(access), "current": filters.get("current"),
         "list": filters.get("list", "")},
        status=400 if form is not None and form.errors else 200,
    )  # fmt: skip


@login_required
@require_POST
def credit_entry_remove(request, pk):
    _require(request, "reports:review")
    entry = selectors.credit_entries_visible_to(request.user).filter(pk=pk).first()
    if entry is None:
        raise Http404()
    form = RemovalForm(request.POST)
    if form.is_valid():
        try:
            services.credit_list_remove(
                actor=request.user, entry=entry, removal_reason=form.cleaned_data["removal_reason"]
            )
        except (ValidationError, InvalidState) as error:
            messages.error(
                request, " ".join(getattr(error, "messages", [str(getattr(error, "message", error))]))
            )
        else:
            messages.success(request, _("The entry is removed."))
    else:
        messages.error(request, _("Give the reason for the removal."))
    return redirect("annual_reports:credit_lists")


# The public register (no login)


def public_search(request):
    q = request.GET.get("q", "").strip()
    region = request.GET.get("region", "").strip()
    page = None
    if q or region:
        organizations = selectors.public_organizations(q=q, region=region).order_by("name", "pk")
        page = Paginator(organizations, 20).get_page(request.GET.get("page"))
    # Cities, and the districts of the city chosen (a national list of counties would be too long).
    regions = Region.objects.filter(level=Region.Level.CITY)
    if len(region) >= 4:
        regions = regions | Region.objects.filter(parent_id=region[:4])
    return render(
        request,
        "orgs/public/search.html",
        {
            "q": q,
            "region": region,
            "page": page,
            "regions": regions.order_by("code").values_list("code", "name"),
        },
    )


def public_organization(request, pk):
    try:
        organization = selectors.public_organization(pk)
    except Organization.DoesNotExist:
        raise Http404() from None
    ratings = list(organization.ratings.all())
    return render(
        request,
        "orgs/public/organization.html",
        {
            "organization": organization,
            "rating": ratings[0] if ratings else None,
            "ratings": ratings,
            "reports": organization.accepted_reports,
            "entries": list(organization.credit_entries.all()),
        },
    )


def public_credit_lists(request):
    lists = []
    for code, label in CreditListEntry.List.choices:
        page = Paginator(selectors.public_credit_list(code), 50).get_page(request.GET.get(f"{code}_page"))
        lists.append({"code": code, "label": label, "page": page})
    return render(request, "orgs/public/credit_lists.html", {"lists": lists})
