"""Registration pages. Thin: parse, call one selector or one service, render. Outside the caller's scope: 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import FileResponse, Http404, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from .. import calendar as workdays
from .. import selectors as org_selectors
from ..access import access_for
from ..exceptions import InvalidState
from ..models import ApplicationMaterial, Organization, RegistrationApplication, UserScope
from ..web import apply_validation_error
from . import rules, selectors, services
from .api.views import certificate_response
from .filters import ApplicationFilterSet
from .forms import DecisionForm, MaterialForm, ParticularsForm, SignupForm, StartForm
from .tables import ApplicationTable, status_badge
from .texts import LABELS, announcement_body, announcement_title

App = RegistrationApplication
Kind = UserScope.Kind
TABLE_ID = "application-table"
PER_PAGE = 25
MAX_PER_PAGE = 100


def _require(request, scope):
    if not access_for(request.user).can(scope):
        raise PermissionDenied(_("You do not have the right to do this (%(scope)s).") % {"scope": scope})


def _get(request, pk) -> App:
    try:
        return selectors.application_get(user=request.user, pk=pk)
    except App.DoesNotExist:
        raise Http404(_("No such application.")) from None


# ---------------------------------------------------------------- sign-up


def signup(request):
    if request.user.is_authenticated:
        return redirect("registration:list")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.applicant_sign_up(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                confirm_url=lambda token: request.build_absolute_uri(
                    reverse("registration:signup_confirm", args=[token])
                ),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return render(request, "orgs/registration/signup_sent.html", {"email": user.email})
    return render(request, "orgs/registration/signup.html", {"form": form})


def signup_confirm(request, token):
    try:
        services.applicant_confirm(token=token)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("registration:signup")
    messages.success(request, _("Your e-mail address is confirmed. Log in to apply."))
    return redirect("login")


# ---------------------------------------------------------------- lists


@login_required
def application_list(request):
    """Applicants and organizations: their applications; a unit: its consents; staff: the region's queue."""
    _require(request, "registration:read")
    access = access_for(request.user)
    filterset = ApplicationFilterSet(request.GET, queryset=App.objects.none())
    filters = request.GET.copy()
    try:
        if access.kind in (Kind.UNIT, Kind.STAFF, Kind.SYSTEM):
            queryset = selectors.queue_for(user=request.user, filters=filters)
        else:
            queryset = selectors.application_list(user=request.user, filters=filters)
    except ValidationError:
        queryset = App.objects.none()
    filterset.is_valid()
    table = ApplicationTable(selectors.for_table(queryset))
    if access.kind in (Kind.APPLICANT, Kind.ORG):
        table.exclude = ("applicant",)
    RequestConfig(request, paginate=False).configure(table)  # ordering from the request
    _paginate(table, request)
    context = {
        "table": table,
        "table_id": TABLE_ID,
        "filter": filterset,
        "access": access,
        "is_staff_queue": access.kind in (Kind.STAFF, Kind.SYSTEM),
        "is_unit_queue": access.kind == Kind.UNIT,
        "can_apply": access.can("registration:write"),
    }
    if request.htmx and request.htmx.target == TABLE_ID:
        return render(request, "orgs/registration/_table.html", context)
    return render(request, "orgs/registration/list.html", context)


def _paginate(table, request) -> None:
    """A page of the table: `per_page` capped (django-tables2 would take any value), a bad page number → 1."""
    try:
        table.paginate(page=request.GET.get("page", 1), per_page=_per_page(request))
    except (PageNotAnInteger, EmptyPage):
        table.paginate(page=1, per_page=_per_page(request))


def _per_page(request) -> int:
    """25 rows by default; `per_page` between 10 and 100, as on the registry's list."""
    try:
        return min(max(int(request.GET.get("per_page", PER_PAGE)), 10), MAX_PER_PAGE)
    except ValueError:
        return PER_PAGE


@login_required
def overview(request):
    _require(request, "registration:read")
    try:
        year = int(request.GET.get("year", timezone.localdate().year))
    except ValueError:
        year = timezone.localdate().year
    rows = selectors.monthly_overview(user=request.user, year=year)
    totals = {key: sum(r[key] for r in rows) for key in ("received", "accepted", "approved", "refused")}
    return render(request, "orgs/registration/overview.html", {"rows": rows, "year": year, "totals": totals})


# ---------------------------------------------------------------- applicant


@login_required
def application_new(request):
    _require(request, "registration:write")
    access = access_for(request.user)
    org_kinds = access.kind == Kind.ORG
    default_kind = "change" if org_kinds else "establish"
    form = StartForm(
        request.POST or request.GET or None,
        user=request.user,
        org_kinds=org_kinds,
        initial={"kind": default_kind},  # the checklist beside the form shows the same choice
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if org_kinds:
                organization = Organization.objects.get(pk=access.organization_id)
                application = services.application_create(
                    actor=request.user, kind=data["kind"], organization=organization
                )
            else:
                application = services.application_create(
                    actor=request.user,
                    kind=data["kind"],
                    proposed={
                        "org_type": data["org_type"],
                        "region": data["region"],
                        **({"category": "community"} if data["kind"] == "filing" else {}),
                    },
                    preparation=data.get("preparation"),
                )
        except ValidationError as error:
            apply_validation_error(form, error)
        except PermissionDenied as error:
            return HttpResponseForbidden(str(error))
        else:
            return redirect(reverse("registration:edit", args=[application.pk]))
    kind = form.data.get("kind") or default_kind
    org_type = form.data.get("org_type") or (
        Organization.objects.get(pk=access.organization_id).org_type if org_kinds else "social_group"
    )
    return render(
        request,
        "orgs/registration/new.html",
        {"form": form, "checklist": rules.checklist_for(kind, org_type), "kind": kind, "org_type": org_type},
    )


def checklist_partial(request):
    """The checklist for a kind and type (htmx, beside the start form); public reference data."""
    kind = request.GET.get("kind", "establish")
    org_type = request.GET.get("org_type", "")
    return render(
        request, "orgs/registration/_checklist.html", {"checklist": rules.checklist_for(kind, org_type)}
    )


def _steps(application):
    if application.kind == App.Kind.CHANGE:
        return [("change", _("Particulars to change")), ("materials", _("Materials"))]
    if application.kind == App.Kind.DEREGISTER:
        return [("deregister", _("Reason")), ("materials", _("Materials"))]
    return [
        ("basics", _("Name and region")),
        ("people", _("People and funds")),
        ("materials", _("Materials")),
    ]


@login_required
def application_edit(request, pk):
    application = _get(request, pk)
    if application.applicant_id != request.user.pk:
        raise Http404
    if application.status not in services.EDITABLE:
        messages.info(request, _("The application can no longer be changed."))
        return redirect("registration:detail", pk=pk)
    steps = _steps(application)
    step = request.GET.get("step") or steps[0][0]
    if step not in dict(steps):
        raise Http404
    form = None
    if step != "materials":
        initial = dict(application.proposed)
        if application.kind == App.Kind.CHANGE and application.organization_id:
            organization = application.organization
            initial = {
                name: getattr(organization, name if name != "supervising_unit" else "supervising_unit_id")
                for name in ParticularsForm.STEPS["change"]
            } | initial
        form = ParticularsForm(request.POST or None, step=step, application=application, initial=initial)
        if request.method == "POST" and form.is_valid():
            proposed = form.proposed()
            if application.kind == App.Kind.CHANGE:
                proposed = _only_changes(application.organization, proposed, application.proposed)
            try:
                services.application_update(actor=request.user, application=application, proposed=proposed)
            except ValidationError as error:
                apply_validation_error(form, error)
            except InvalidState as error:
                messages.error(request, str(error.message))
            else:
                names = [s for s, _label in steps]
                following = names[min(names.index(step) + 1, len(names) - 1)]
                return redirect(f"{reverse('registration:edit', args=[pk])}?step={following}")
    return render(
        request,
        "orgs/registration/edit.html",
        {
            "application": application,
            "steps": steps,
            "step": step,
            "form": form,
            "checklist": selectors.checklist_with_materials(application),
            "material_form": MaterialForm(),
            **_clock(application),
        },
    )


def _only_changes(organization, proposed, stored):
    """A change carries only the fields that differ from the registry (a field set back is dropped)."""
    result = {}
    for name, value in proposed.items():
        current = getattr(organization, "supervising_unit_id" if name == "supervising_unit" else name)
        if name == "registered_capital" and value is not None:
            same = current is not None and str(current) == str(value)
        else:
            same = (current or None) == (value or None)
        if same:
            if name in stored:
                result[name] = None
        else:
            result[name] = value
    return result


@login_required
@require_POST
def material_upload(request, pk):
    application = _get(request, pk)
    form = MaterialForm(request.POST, request.FILES)
    error = None
    if form.is_valid():
        try:
            services.material_upload(
                actor=request.user,
                application=application,
                item=form.cleaned_data["item"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except (InvalidState, PermissionDenied) as exc:
            error = str(getattr(exc, "message", exc))
    else:
        error = " ".join(m for errors in form.errors.values() for m in errors)
    if request.htmx:
        return render(
            request,
            "orgs/registration/_materials.html",
            {
                "application": application,
                "checklist": selectors.checklist_with_materials(application),
                "upload_error": error,
                "upload_item": request.POST.get("item"),
                "editable": True,
            },
        )
    if error:
        messages.error(request, error)
    return redirect(f"{reverse('registration:edit', args=[pk])}?step=materials")


@login_required
def material_file(request, pk, material_pk):
    try:
        material = selectors.material_get(user=request.user, application_pk=pk, pk=material_pk)
    except (App.DoesNotExist, ApplicationMaterial.DoesNotExist):
        raise Http404 from None
    response = FileResponse(
        material.file.open("rb"), content_type=material.content_type or "application/octet-stream"
    )
    response["Content-Disposition"] = "inline"
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


# ---------------------------------------------------------------- the application


def _clock(application) -> dict:
    """Days left; a limit counted in working days into a year without an official calendar is provisional."""
    _days, working = services.time_limit(application.kind, application.org_type)
    return {
        "days_left": selectors.days_left(application),
        "due_provisional": working and workdays.is_provisional(application.due_on),
        "promised_provisional": workdays.is_provisional(application.promised_on),
    }


EVENT_LABELS = {
    "created": gettext_lazy("Created"),
    "material_uploaded": gettext_lazy("Material uploaded"),
    "submitted": gettext_lazy("Submitted"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "unit_consented": gettext_lazy("Consented by the supervising unit"),
    "unit_refused": gettext_lazy("Refused by the supervising unit"),
    "accepted": gettext_lazy("Accepted (受理)"),
    "correction_requested": gettext_lazy("Correction requested"),
    "approved": gettext_lazy("Approved"),
    "refused": gettext_lazy("Refused"),
    "lapsed": gettext_lazy("Lapsed"),
}


def _events(application) -> list:
    events = list(application.events.select_related("actor"))
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
        if event.action == "material_uploaded":
            event.label = f"{event.label}: {event.data.get('name', '')}"
    return events


@login_required
def application_detail(request, pk):
    application = _get(request, pk)
    access = access_for(request.user)
    is_owner = application.applicant_id == request.user.pk
    is_unit = access.kind == Kind.UNIT and access.supervising_unit_id == application.supervising_unit_id
    is_registrar = access.has_role(UserScope.Role.REGISTRAR) and access.covers_region(application.region_id)
    status = application.status
    actions = []
    if is_owner and status in services.EDITABLE:
        actions.append("submit")
    if is_owner and status in services.BEFORE_DECISION:
        actions.append("withdraw")
    if is_unit and status == App.Status.SUBMITTED and rules.needs_unit_consent(application):
        actions += ["consent", "unit_refuse"]
    if is_registrar:
        waits_unit = (
            status == App.Status.SUBMITTED
            and rules.needs_unit_consent(application)
            and not application.events.filter(action="unit_consented").exists()
        )
        if status in (App.Status.SUBMITTED, App.Status.UNIT_CONSENTED) and not waits_unit:
            actions.append("accept")
        if status in (App.Status.SUBMITTED, App.Status.UNIT_CONSENTED, App.Status.ACCEPTED):
            actions += ["request_correction", "refuse"]
        if status == App.Status.ACCEPTED:
            actions.append("approve")
    sees_id = is_owner or is_registrar
    proposed = dict(application.proposed)
    if not sees_id and proposed.get("legal_representative_id_number"):
        from ..codes import mask_id_number

        proposed["legal_representative_id_number"] = mask_id_number(
            proposed["legal_representative_id_number"]
        )
    checklist = selectors.checklist_with_materials(application)
    return render(
        request,
        "orgs/registration/detail.html",
        {
            "application": application,
            "status_badge": status_badge(application),
            "proposed": _labelled(proposed),
            "checklist": checklist,
            "events": _events(application),
            "actions": actions,
            "is_owner": is_owner,
            "is_staff": access.is_staff_kind or access.kind == Kind.UNIT,
            "similar": selectors.similar_organizations(application) if is_registrar else [],
            "decision_form": DecisionForm(),
            "needs_unit": rules.needs_unit_consent(application),
            "editable": is_owner and status in services.EDITABLE,
            **_clock(application),
        },
    )


def _labelled(proposed: dict) -> list[tuple[str, object]]:
    from ..models import Region, SupervisingUnit

    rows = []
    for key, value in proposed.items():
        if key == "org_type":
            value = Organization.OrgType(value).label if value in Organization.OrgType.values else value
        elif key == "category":
            value = Organization.Category(value).label if value in Organization.Category.values else value
        elif key == "supervising_unit":
            value = SupervisingUnit.objects.filter(pk=value).values_list("name", flat=True).first() or value
        elif key == "region":
            value = Region.objects.filter(code=value).values_list("name", flat=True).first() or value
        elif key == "public_fundraising":
            value = _("Yes") if value else _("No")
        rows.append((str(LABELS.get(key, key)), value))
    return rows


ACTIONS = {
    "submit": lambda actor, app, data: services.application_submit(actor=actor, application=app),
    "withdraw": lambda actor, app, data: services.application_withdraw(actor=actor, application=app, comment=data.get("comment", "")),
    "consent": lambda actor, app, data: services.application_consent(actor=actor, application=app, decision="consent", comment=data.get("comment", "")),
    "unit_refuse": lambda actor, app, data: services.application_consent(actor=actor, application=app, decision="refuse", comment=data.get("comment", "")),
    "accept": lambda actor, app, data: services.application_accept(actor=actor, application=app, comment=data.get("comment", "")),
    "request_correction": lambda actor, app, data: services.application_request_correction(
        actor=actor, application=app, items=data.getlist("items"), comment=data.get("comment", "")
    ),
    "approve": lambda actor, app, data: services.application_approve(actor=actor, application=app, comment=data.get("comment", "")),
    "refuse": lambda actor, app, data: services.application_refuse(actor=actor, application=app, reason=data.get("comment", "")),
}  # fmt: skip
DONE = {
    "submit": gettext_lazy("Submitted."),
    "withdraw": gettext_lazy("Withdrawn."),
    "consent": gettext_lazy("Consent recorded."),
    "unit_refuse": gettext_lazy("Refusal recorded."),
    "accept": gettext_lazy("Accepted: the time limit runs."),
    "request_correction": gettext_lazy("The correction notice was sent."),
    "approve": gettext_lazy("Approved: the registry is changed."),
    "refuse": gettext_lazy("Refused."),
}


@login_required
@require_POST
def application_action(request, pk, verb):
    if verb not in ACTIONS:
        raise Http404
    application = _get(request, pk)
    try:
        ACTIONS[verb](request.user, application, request.POST)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except InvalidState as error:
        messages.error(request, str(error.message))
    except PermissionDenied as error:
        return HttpResponseForbidden(str(error))
    else:
        messages.success(request, str(DONE[verb]))
    return redirect("registration:detail", pk=pk)


@login_required
def certificate(request, pk):
    """The organization's certificate (PDF) for its own user and for staff of its region."""
    try:
        organization = org_selectors.organization_get(user=request.user, pk=pk)
    except Organization.DoesNotExist:
        raise Http404 from None
    return certificate_response(organization)


# ---------------------------------------------------------------- public


def announcements(request):
    from django.core.paginator import Paginator

    page = Paginator(selectors.announcements(), 20).get_page(request.GET.get("page"))
    items = [
        {"application": a, "title": announcement_title(a), "body": announcement_body(a)}
        for a in page.object_list
    ]
    return render(request, "orgs/registration/announcements.html", {"page": page, "items": items})
