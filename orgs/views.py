"""The registry's pages. Thin: parse, call one selector or one service, render.

Who sees what is the selectors' business (outside scope: 404); who may write is the caller's `orgs:write`
scope (403), the same rule the API applies."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from . import selectors, services
from .access import access_for
from .codes import mask_id_number
from .exceptions import InvalidState
from .filters import OrganizationFilterSet
from .forms import OrganizationForm, StatusChangeForm, units_for
from .models import Organization, Region, SupervisingUnit, UserScope
from .tables import OrganizationTable
from .web import run_service
from .widgets import listed_select, options_response, region_select, regions_in_order

Kind = UserScope.Kind
TABLE_ID = "org-table"
PER_PAGE = 25
HISTORY_ON_DETAIL = 10


def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    match access_for(request.user).kind:
        case Kind.ORG:
            return redirect("/my/")
        case Kind.APPLICANT:
            return redirect("/registration/")
    return redirect("registry:list")


def _require(request, scope: str):
    if not access_for(request.user).can(scope):
        raise PermissionDenied(_("You do not have the right to do this (%(scope)s).") % {"scope": scope})


def _get_organization(request, pk) -> Organization:
    """The organization if the caller may see it; 404 outside their scope."""
    try:
        return selectors.organization_get(user=request.user, pk=pk)
    except Organization.DoesNotExist:
        raise Http404(_("No such organization in your jurisdiction.")) from None


def _can_edit(request, organization: Organization) -> bool:
    return access_for(request.user).can("orgs:write") and organization.status not in (
        Organization.Status.DEREGISTERED,
        Organization.Status.REVOKED,
    )


@login_required
def organization_list(request):
    _require(request, "orgs:read")
    access = access_for(request.user)
    visible = selectors.organizations_visible_to(request.user)
    # Always bound (an empty query is a valid one); a bad filter value shows its error and no rows.
    filterset = OrganizationFilterSet(request.GET, queryset=visible, request=request)
    _filter_widgets(filterset.form, request.user, access)
    queryset = filterset.qs if filterset.is_valid() else visible.none()
    table = OrganizationTable(queryset)
    per_page = _per_page(request)
    RequestConfig(request, paginate={"per_page": per_page}).configure(table)
    context = {
        "filter": filterset,
        "table": table,
        "table_id": TABLE_ID,
        "can_create": access.can("orgs:write"),
    }
    if request.htmx and request.htmx.target == TABLE_ID:
        return render(request, "orgs/_organization_table.html", context)
    return render(request, "orgs/organization_list.html", context)


def _per_page(request) -> int:
    try:
        return min(max(int(request.GET.get("per_page", PER_PAGE)), 10), 100)
    except ValueError:
        return PER_PAGE


def _filter_widgets(form, user, access) -> None:
    """The shared FilterSet takes codes and ids; the page offers them as choices of the caller's scope."""
    from django import forms

    empty = [("", _("All"))]
    if access.is_staff_kind:
        form.fields["region"].label = _("Region")
        form.fields["region"].widget = region_select(
            selectors.regions_in_scope(access), form["region"].value() or "", empty_label=_("All")
        )
    else:
        del form.fields["region"]
    form.fields["supervising_unit"].widget = listed_select(
        units_for(user),
        form["supervising_unit"].value() or "",
        search_url=reverse_lazy("registry:unit_options"),
        empty_label=_("All"),
    )
    for name in ("updated_since", "credit_code"):
        form.fields.pop(name, None)  # in the API; the search box takes a credit code too
    for name in ("org_type", "category", "hub_type", "status"):
        field = form.fields[name]
        field.widget = forms.Select(choices=empty + [c for c in field.choices if c[0] != ""])
    form.fields["q"].widget.attrs.update({"placeholder": _("Name, credit code or pinyin initials")})


@login_required
def region_options(request):
    """htmx: the options of a searchable region select (orgs.widgets.region_select, RegionChoiceField): the
    regions of the caller's scope whose code starts with `q` or whose name contains it."""
    access = access_for(request.user)
    if not access.is_staff_kind:
        raise PermissionDenied
    regions = regions_in_order(selectors.regions_in_scope(access, streets=request.GET.get("streets") == "1"))
    q = request.GET.get("q", "").strip()
    if q.isdigit():
        matching = regions.filter(code__startswith=q)
    elif q:
        matching = regions.filter(Q(name__icontains=q) | Q(full_name__icontains=q))
    else:
        matching = regions
    return options_response(request, regions, matching, label=lambda region: region.choice_label)


@login_required
def unit_options(request):
    """htmx: the options of the registry's searchable supervising-unit select: the units the caller may choose
    (orgs.forms.units_for) whose name contains `q`."""
    units = units_for(request.user)
    q = request.GET.get("q", "").strip()
    return options_response(request, units, units.filter(name__icontains=q) if q else units)


@login_required
def organization_detail(request, pk):
    organization = _get_organization(request, pk)
    return render(request, "orgs/organization_detail.html", _detail_context(request, organization))


def _detail_context(request, organization, status_form=None) -> dict:
    show_id = selectors.can_see_id_number(request.user, organization)
    can_edit = _can_edit(request, organization)
    history = _history_for_display(
        selectors.organization_history(user=request.user, organization=organization)
    )
    return {
        "organization": organization,
        "id_number": organization.legal_representative_id_number
        if show_id
        else mask_id_number(organization.legal_representative_id_number),
        "can_edit": can_edit,
        "status_form": status_form or (StatusChangeForm(organization=organization) if can_edit else None),
        "history": history[:HISTORY_ON_DETAIL],
        "history_more": len(history) > HISTORY_ON_DETAIL,
    }


@login_required
def organization_history(request, pk):
    organization = _get_organization(request, pk)
    history = _history_for_display(
        selectors.organization_history(user=request.user, organization=organization)
    )
    return render(
        request, "orgs/organization_history.html", {"organization": organization, "history": history}
    )


def _history_for_display(entries: list[dict]) -> list[dict]:
    """Field names → their labels; codes → their Chinese labels; region and unit ids → names."""
    region_codes = set()
    unit_ids = set()
    for entry in entries:
        for change in entry["changes"]:
            if change["field"] == "region":
                region_codes |= {change["old"], change["new"]}
            elif change["field"] == "supervising_unit":
                unit_ids |= {change["old"], change["new"]}
    regions = dict(Region.objects.filter(code__in=region_codes - {None}).values_list("code", "name"))
    units = dict(
        SupervisingUnit.objects.filter(pk__in={int(i) for i in unit_ids - {None, ""}}).values_list(
            "pk", "name"
        )
    )
    for entry in entries:
        for change in entry["changes"]:
            try:
                field = Organization._meta.get_field(change["field"])
            except FieldDoesNotExist:  # a field since removed: show its name
                change.update(label=change["field"], old_display=change["old"], new_display=change["new"])
                continue
            change["label"] = field.verbose_name
            for side in ("old", "new"):
                value = change[side]
                if value in (None, ""):
                    display = "—"
                elif field.choices:
                    display = dict(field.flatchoices).get(value, value)
                elif change["field"] == "region":
                    display = regions.get(value, value)
                elif change["field"] == "supervising_unit":
                    display = units.get(int(value), value)
                elif isinstance(value, bool):
                    display = _("Yes") if value else _("No")
                else:
                    display = value
                change[f"{side}_display"] = display
    return entries


@login_required
def organization_create(request):
    _require(request, "orgs:write")
    form = OrganizationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        organization, refused = run_service(
            request,
            form,
            lambda: services.organization_create(actor=request.user, **form.service_fields()),
        )
        if refused:
            return refused
        if organization:
            messages.success(request, _("%(name)s is now in the registry.") % {"name": organization.name})
            return redirect("registry:detail", pk=organization.pk)
    return render(request, "orgs/organization_form.html", {"form": form, "organization": None})


@login_required
def organization_edit(request, pk):
    organization = _get_organization(request, pk)
    _require(request, "orgs:write")
    show_id = selectors.can_see_id_number(request.user, organization)
    form = OrganizationForm(
        request.POST or None, user=request.user, organization=organization, show_id_number=show_id
    )
    if request.method == "POST" and form.is_valid():
        updated, refused = run_service(
            request,
            form,
            lambda: services.organization_update(
                actor=request.user,
                organization=organization,
                reason=form.cleaned_data.get("reason", ""),
                **form.service_fields(),
            ),
        )
        if refused:
            return refused
        if updated:
            messages.success(request, _("The changes are saved."))
            return redirect("registry:detail", pk=updated.pk)
    return render(request, "orgs/organization_form.html", {"form": form, "organization": organization})


@login_required
@require_POST
def organization_change_status(request, pk):
    organization = _get_organization(request, pk)
    _require(request, "orgs:write")
    form = StatusChangeForm(request.POST, organization=organization)
    if form.is_valid():
        try:
            services.organization_change_status(
                actor=request.user, organization=organization, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        except InvalidState as error:
            messages.error(request, str(error.message))
            return redirect("registry:detail", pk=organization.pk)
        else:
            messages.success(request, _("The status is changed."))
            return redirect("registry:detail", pk=organization.pk)
    context = _detail_context(request, organization, status_form=form)
    return render(request, "orgs/organization_detail.html", context, status=400)
