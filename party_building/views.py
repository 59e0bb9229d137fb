"""Pages of party building. Thin: parse, call one service or selector, render. Scope comes from the selectors."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orgs.access import access_for
from orgs.exceptions import InvalidState
from orgs.models import Organization, UserScope
from orgs.search import name_search_q
from orgs.selectors import in_name_order
from orgs.web import run_service
from orgs.widgets import options_response

from . import forms, selectors, services
from .filters import CoverageFilterSet, SyncStepFilterSet
from .models import PartyOrganization, SecretaryReport, SyncEvent, SyncStep, WorkStationFunding

PAGE = 50
Role = UserScope.Role


def _is_officer(request) -> bool:
    """Party-work officers (and admins) keep the tree, instructors, stations, reviews and steps; an instructor
    with `party:write` logs visits only, so the officers' forms are not offered to them."""
    access = access_for(request.user)
    return access.can("party:write") and access.has_role(Role.PARTY_OFFICER)


def _require(request, scope: str):
    if not access_for(request.user).can(scope):
        raise PermissionDenied(_("You do not have the right to do this (%(scope)s).") % {"scope": scope})


def _page(request, queryset, size=PAGE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _data(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}


# The tree


@login_required
def tree(request):
    _require(request, "party:read")
    roots = selectors.children_of(None, user=request.user)
    return render(
        request,
        "party_building/tree.html",
        {"roots": roots, "can_write": _is_officer(request)},
    )


@login_required
def tree_children(request, pk):
    """htmx: the children of a node, each expandable in turn."""
    _require(request, "party:read")
    node = get_object_or_404(selectors.party_organizations_visible_to(request.user, covers=False), pk=pk)
    children = selectors.children_of(node, user=request.user)
    return render(request, "party_building/_tree_children.html", {"nodes": children})


@login_required
def node_new(request):
    _require(request, "party:write")
    initial = {}
    if request.GET.get("parent"):
        initial["parent"] = request.GET["parent"]
    form = forms.PartyOrganizationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = _data(form)
        data["organizations"] = list(form.cleaned_data.get("organizations") or [])
        node, refused = run_service(
            request, form, lambda: services.party_organization_create(actor=request.user, **data)
        )
        if refused:
            return refused
        if node:
            messages.success(request, _("Party organization %(name)s saved.") % {"name": node.name})
            return redirect("party_building:node_detail", pk=node.pk)
    return render(request, "party_building/node_form.html", {"form": form, "node": None})


@login_required
def node_detail(request, pk):
    _require(request, "party:read")
    node = get_object_or_404(selectors.party_organizations_visible_to(request.user), pk=pk)
    covered_ids = {c.organization_id for c in node.live_coverages}
    under = selectors.organizations_under(node)
    ancestors = (
        PartyOrganization.objects.filter(
            pk__in=[int(step) for step in node.path.strip(".").split(".")[:-1] if step]
        ).order_by("path")
        if node.path
        else []
    )
    context = {
        "node": node,
        "ancestors": ancestors,
        "children": selectors.children_of(node, user=request.user),
        "under": _page(request, under),
        "covered_ids": covered_ids,
        "move_form": forms.MoveForm(user=request.user, node=node, initial={"parent": node.parent_id}),
        "reports": node.secretary_reports.all()[:10],
        "can_write": _is_officer(request),
        "history": node.history.select_related("history_user")[:10],
    }
    return render(request, "party_building/node_detail.html", context)


@login_required
def node_edit(request, pk):
    _require(request, "party:write")
    node = get_object_or_404(selectors.party_organizations_visible_to(request.user), pk=pk)
    initial = {
        "name": node.name,
        "level": node.level,
        "region": node.region_id,
        "organizations": [c.organization_id for c in node.live_coverages],
        "secretary": node.secretary,
        "formal_members": node.formal_members,
        "probationary_members": node.probationary_members,
        "founded_on": node.founded_on,
        "dissolved_on": node.dissolved_on,
    }
    form = forms.PartyOrganizationForm(request.POST or None, user=request.user, node=node, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "organizations"}
        organizations = list(form.cleaned_data.get("organizations") or [])
        saved, refused = run_service(
            request,
            form,
            lambda: services.party_organization_update(
                actor=request.user, party_organization=node, organizations=organizations, **data
            ),
        )
        if refused:
            return refused
        if saved:
            messages.success(request, _("Party organization %(name)s saved.") % {"name": saved.name})
            return redirect("party_building:node_detail", pk=saved.pk)
    return render(request, "party_building/node_form.html", {"form": form, "node": node})


@login_required
@require_POST
def node_move(request, pk):
    _require(request, "party:write")
    node = get_object_or_404(selectors.party_organizations_visible_to(request.user, covers=False), pk=pk)
    form = forms.MoveForm(request.POST, user=request.user, node=node)
    if form.is_valid():
        try:
            services.party_organization_move(
                actor=request.user, party_organization=node, parent=form.cleaned_data["parent"]
            )
            messages.success(request, _("Moved."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    else:
        messages.error(request, _("Choose a new parent."))
    return redirect("party_building:node_detail", pk=node.pk)


# Coverage and worklists


def _coverage_params(request) -> dict:
    filterset = CoverageFilterSet(request.GET or None, queryset=None)
    access = access_for(request.user)
    data = filterset.form.cleaned_data if filterset.is_valid() else {}
    region = data.get("region") or access.region_code
    if not region.startswith(access.region_code):
        raise Http404
    return {
        "form": filterset.form,
        "region": region,
        "org_type": data.get("org_type") or "",
        "category": data.get("category") or "",
    }


WORKLIST_ROWS = 50


def _worklist(queryset) -> dict:
    """The first rows of a worklist and its full count (the API pages through all of it)."""
    rows = list(queryset[: WORKLIST_ROWS + 1])
    return {
        "rows": rows[:WORKLIST_ROWS],
        "count": len(rows) if len(rows) <= WORKLIST_ROWS else queryset.count(),
    }


@login_required
def coverage(request):
    _require(request, "party:read")
    params = _coverage_params(request)
    form = params.pop("form")
    by_region, by_type = selectors.coverage_by_region_and_type(user=request.user, **params)
    total = selectors.coverage_total(by_region, region=params["region"])
    labels = dict(Organization.OrgType.choices)
    for row in by_type:
        row["label"] = labels.get(row["org_type"], row["org_type"])
    context = {
        "form": form,
        "params": params,
        "total": total,
        "by_region": by_region,
        "by_type": by_type,
        "query": request.GET.urlencode(),
        "member_form": forms.MemberRecordForm(user=request.user) if _is_officer(request) else None,
    }
    return render(request, "party_building/coverage.html", context)


@login_required
def coverage_worklist(request, name: str):
    """One of the coverage page's worklists, which the page loads (htmx) after its figures: a national list is
    counted over every organization (seconds, bench/README.md), and the figures need not wait for it."""
    _require(request, "party:read")
    params = _coverage_params(request)
    params.pop("form")
    if name == "should-build":
        rows = selectors.should_build(user=request.user, **params)
    elif name == "uncovered":
        rows = selectors.uncovered(user=request.user, **params)
    elif name == "idle":
        rows = selectors.idle_instructors(user=request.user, region=params["region"])
    else:
        raise Http404
    return render(
        request, f"party_building/_worklist_{name.replace('-', '_')}.html", {"worklist": _worklist(rows)}
    )


@login_required
@require_POST
def member_record(request):
    _require(request, "party:write")
    form = forms.MemberRecordForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.party_member_record(actor=request.user, **_data(form))
            messages.success(request, _("Party members recorded."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied as error:
            messages.error(request, str(error))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(request.POST.get("next") or "party_building:coverage")


# Instructors and visits


@login_required
def instructors(request):
    _require(request, "party:read")
    form = forms.InstructorForm(request.POST or None, user=request.user)
    if request.method == "POST":
        _require(request, "party:write")
        if form.is_valid():
            instructor, refused = run_service(
                request, form, lambda: services.instructor_create(actor=request.user, **_data(form))
            )
            if refused:
                return refused
            if instructor:
                messages.success(request, _("Instructor %(name)s added.") % {"name": instructor.name})
                return redirect("party_building:instructor_detail", pk=instructor.pk)
    queryset = (
        selectors.instructors_visible_to(request.user)
        .prefetch_related("assignments__organization")
        .annotate(last_visit=Max("visits__visited_on"), visit_count=Count("visits", distinct=True))
        .order_by("region_id", "name", "id")
    )
    context = {
        "page": _page(request, queryset),
        "form": form,
        "can_write": access_for(request.user).can("party:write")
        and not selectors.is_instructor_only(access_for(request.user)),
        "visits": selectors.visits_visible_to(request.user)[:20],
    }
    return render(request, "party_building/instructors.html", context)


@login_required
def instructor_detail(request, pk):
    _require(request, "party:read")
    instructor = get_object_or_404(selectors.instructors_visible_to(request.user), pk=pk)
    access = access_for(request.user)
    assignment_form = forms.AssignmentForm(user=request.user)
    visit_form = forms.VisitForm(
        user=request.user, initial={"instructor": instructor.pk, "visited_on": timezone.localdate()}
    )
    if request.method == "POST":
        _require(request, "party:write")
        if request.POST.get("form") == "assignment":
            assignment_form = forms.AssignmentForm(request.POST, user=request.user)
            if assignment_form.is_valid():
                done, refused = run_service(
                    request,
                    assignment_form,
                    lambda: services.assignment_add(
                        actor=request.user, instructor=instructor, **_data(assignment_form)
                    ),
                )
                if refused:
                    return refused
                if done:
                    messages.success(request, _("Assignment added."))
                    return redirect("party_building:instructor_detail", pk=instructor.pk)
        else:
            visit_form = forms.VisitForm(request.POST, user=request.user)
            if visit_form.is_valid():
                data = _data(visit_form)
                data.pop("instructor", None)
                done, refused = run_service(
                    request,
                    visit_form,
                    lambda: services.visit_log(actor=request.user, instructor=instructor, **data),
                )
                if refused:
                    return refused
                if done:
                    messages.success(request, _("Visit logged."))
                    return redirect("party_building:instructor_detail", pk=instructor.pk)
    context = {
        "instructor": instructor,
        "assignments": instructor.assignments.select_related("organization"),
        "visits": instructor.visits.select_related("organization")[:100],
        "show_phone": selectors.can_see_phone(request.user, instructor),
        "assignment_form": assignment_form if not selectors.is_instructor_only(access) else None,
        "visit_form": visit_form if access.can("party:write") else None,
    }
    return render(request, "party_building/instructor_detail.html", context)


# Secretaries' reports (述职)


@login_required
def reports(request):
    _require(request, "party:read")
    form = forms.SecretaryReportForm(
        request.POST or None, user=request.user, initial={"year": timezone.localdate().year - 1}
    )
    if request.method == "POST":
        _require(request, "party:write")
        if form.is_valid():
            report, refused = run_service(
                request, form, lambda: services.secretary_report_create(actor=request.user, **_data(form))
            )
            if refused:
                return refused
            if report:
                return redirect("party_building:report_detail", pk=report.pk)
    queryset = selectors.secretary_reports_visible_to(request.user).select_related(
        "party_organization__region"
    )
    status = request.GET.get("status")
    if status in SecretaryReport.Status.values:
        queryset = queryset.filter(status=status)
    context = {"page": _page(request, queryset), "form": form, "statuses": SecretaryReport.Status.choices}
    return render(request, "party_building/reports.html", context)


@login_required
def report_detail(request, pk):
    _require(request, "party:read")
    report = get_object_or_404(selectors.secretary_reports_visible_to(request.user), pk=pk)
    evaluate_form = forms.EvaluateForm()
    return_form = forms.ReturnForm()
    content_form = None
    if request.method == "POST":
        _require(request, "party:write")
        verb = request.POST.get("verb")
        form = {"evaluate": forms.EvaluateForm, "return": forms.ReturnForm}.get(verb)
        bound = form(request.POST) if form else None
        calls = {
            "save": lambda: services.secretary_report_update(
                actor=request.user, report=report, content=request.POST.get("content", "")
            ),
            "submit": lambda: services.secretary_report_submit(actor=request.user, report=report),
            "evaluate": lambda: services.secretary_report_evaluate(
                actor=request.user, report=report, **bound.cleaned_data
            ),
            "return": lambda: services.secretary_report_return(
                actor=request.user, report=report, **bound.cleaned_data
            ),
        }
        if verb in calls and (bound is None or bound.is_valid()):
            from django import forms as django_forms

            holder = bound or django_forms.Form()
            done, refused = run_service(request, holder, calls[verb])
            if refused:
                return refused
            if done:
                messages.success(request, _("Saved."))
                return redirect("party_building:report_detail", pk=report.pk)
            for message in holder.non_field_errors() + [e for f in holder.errors.values() for e in f]:
                messages.error(request, message)
        if verb == "evaluate" and bound is not None:
            evaluate_form = bound
        if verb == "return" and bound is not None:
            return_form = bound
    access = access_for(request.user)
    is_draft = report.status == SecretaryReport.Status.DRAFT
    if is_draft and access.can("party:write") and access.covers_region(report.party_organization.region_id):
        content_form = True
    can_evaluate = report.status == SecretaryReport.Status.SUBMITTED and services.can_evaluate(
        request.user, report.party_organization
    )
    context = {
        "report": report,
        "content_form": content_form,
        "can_evaluate": can_evaluate,
        "evaluate_form": evaluate_form,
        "return_form": return_form,
        "history": report.history.select_related("history_user")[:10],
    }
    return render(request, "party_building/report_detail.html", context)


# Work stations


@login_required
def stations(request):
    _require(request, "party:read")
    form = forms.WorkStationForm(request.POST or None, user=request.user)
    funding_form = forms.FundingForm(request.POST or None, prefix="funding")
    if request.method == "POST":
        _require(request, "party:write")
        if form.is_valid():
            data = _data(form)
            data["organizations"] = list(form.cleaned_data.get("organizations") or [])
            if funding_form.is_valid():
                data["funding"] = [funding_form.cleaned_data]
            station, refused = run_service(
                request, form, lambda: services.work_station_create(actor=request.user, **data)
            )
            if refused:
                return refused
            if station:
                return redirect("party_building:station_detail", pk=station.pk)
    queryset = (
        selectors.work_stations_visible_to(request.user)
        .prefetch_related(None)
        .annotate(
            org_count=Count("organizations", distinct=True),
            # a subquery: a join with the organizations (or DISTINCT) would miscount equal yearly amounts
            funding_total=Subquery(
                WorkStationFunding.objects.filter(station=OuterRef("pk"))
                .order_by()
                .values("station")
                .annotate(total=Sum("amount"))
                .values("total")
            ),
        )
        .order_by("region_id", "name", "id")
    )
    context = {
        "page": _page(request, queryset),
        "form": form,
        "funding_form": funding_form,
        "can_write": _is_officer(request),
    }
    return render(request, "party_building/stations.html", context)


@login_required
def station_detail(request, pk):
    _require(request, "party:read")
    station = get_object_or_404(selectors.work_stations_visible_to(request.user), pk=pk)
    activity_form = forms.ActivityForm(user=request.user, initial={"date": timezone.localdate()})
    funding_form = forms.FundingForm()
    if request.method == "POST":
        _require(request, "party:write")
        if request.POST.get("form") == "funding":
            funding_form = forms.FundingForm(request.POST)
            if funding_form.is_valid():
                done, refused = run_service(
                    request,
                    funding_form,
                    lambda: services.work_station_update(
                        actor=request.user, station=station, funding=[funding_form.cleaned_data]
                    ),
                )
                if done:
                    return redirect("party_building:station_detail", pk=station.pk)
        else:
            activity_form = forms.ActivityForm(request.POST, user=request.user)
            if activity_form.is_valid():
                data = _data(activity_form)
                data["organizations"] = list(activity_form.cleaned_data.get("organizations") or [])
                done, refused = run_service(
                    request,
                    activity_form,
                    lambda: services.station_activity_create(actor=request.user, station=station, **data),
                )
                if refused:
                    return refused
                if done:
                    return redirect("party_building:station_detail", pk=station.pk)
    context = {
        "station": station,
        "activities": station.activities.prefetch_related("organizations")[:50],
        "activity_form": activity_form,
        "funding_form": funding_form,
        "can_write": access_for(request.user).can("party:write"),
    }
    return render(request, "party_building/station_detail.html", context)


# Six synchronous steps


@login_required
def steps(request):
    _require(request, "party:read")
    filterset = SyncStepFilterSet(request.GET, queryset=selectors.sync_steps_visible_to(request.user))
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    base = selectors.sync_steps_visible_to(request.user)
    summary = base.aggregate(
        open=Count("pk", filter=Q(status=SyncStep.Status.OPEN)),
        overdue=Count("pk", filter=Q(status=SyncStep.Status.OPEN, due_on__lt=timezone.localdate())),
        closed=Count("pk", filter=~Q(status=SyncStep.Status.OPEN)),
    )
    context = {
        "filter": filterset,
        "page": _page(request, queryset.order_by("status", "due_on", "id")),
        "summary": summary,
        "on_time": selectors.sync_steps_on_time(
            user=request.user, region=access_for(request.user).region_code
        ),
        "events": SyncEvent.choices,
        "today": timezone.localdate(),
        "can_write": _is_officer(request),
    }
    return render(request, "party_building/steps.html", context)


@login_required
@require_POST
def step_complete(request, pk):
    _require(request, "party:write")
    step = get_object_or_404(selectors.sync_steps_visible_to(request.user), pk=pk)
    form = forms.CompleteStepForm(request.POST)
    if form.is_valid():
        try:
            services.sync_step_complete(actor=request.user, step=step, **form.cleaned_data)
            messages.success(request, _("Step closed."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied as error:
            messages.error(request, str(error))
        except InvalidState as error:
            messages.error(request, str(error.message))
    return redirect(request.POST.get("next") or "party_building:steps")


# Leaders and leader-candidate reviews


@login_required
def leaders(request):
    """An organization's leaders; whether each is a party member only for those allowed to see it."""
    _require(request, "orgs:read")
    queryset = selectors.leaders_visible_to(request.user)
    organization_id = request.GET.get("organization")
    if organization_id and organization_id.isdigit():
        queryset = queryset.filter(organization_id=int(organization_id))
    by_organization = ("organization_id", "position", "id")
    page = _page(
        request, in_name_order(queryset, user=request.user, name="organization__name", then=by_organization)
    )
    visible = selectors.party_membership_visible_ids(
        request.user, {leader.organization_id for leader in page}
    )
    form = forms.LeaderForm(
        request.POST or None, user=request.user, initial={"organization": organization_id}
    )
    can_write = access_for(request.user).can("party:write")
    if request.method == "POST":
        _require(request, "party:write")
        if form.is_valid():
            leader, refused = run_service(
                request, form, lambda: services.leader_create(actor=request.user, **_data(form))
            )
            if refused:
                return refused
            if leader:
                messages.success(request, _("Leader added."))
                return redirect(f"{request.path}?organization={leader.organization_id}")
    context = {
        "page": page,
        "visible": visible,
        "show_party_column": bool(visible),
        "form": form if can_write else None,
        "organization_id": organization_id or "",
    }
    return render(request, "party_building/leaders.html", context)


@login_required
def leaders_export(request):
    """CSV of leaders; the party-membership columns only for rows the caller may see, empty otherwise."""
    _require(request, "orgs:read")
    queryset = in_name_order(
        selectors.leaders_visible_to(request.user),
        user=request.user,
        name="organization__name",
        then=("organization_id", "id"),
    )
    organization_id = request.GET.get("organization")
    if organization_id and organization_id.isdigit():
        queryset = queryset.filter(organization_id=int(organization_id))
    rows = list(queryset[:20000])
    visible = selectors.party_membership_visible_ids(
        request.user, {leader.organization_id for leader in rows}
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="leaders.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    header = [_("organization"), _("name"), _("position")]
    with_party = bool(visible)
    if with_party:
        header += [_("party member"), _("party role")]
    writer.writerow(header)
    for leader in rows:
        row = [leader.organization.name, leader.name, leader.get_position_display()]
        if with_party:
            shown = leader.organization_id in visible
            row += [
                (_("yes") if leader.is_party_member else _("no")) if shown else "",
                leader.party_role if shown else "",
            ]
        writer.writerow(row)
    return response


@login_required
def reviews(request):
    _require(request, "party:read")
    queryset = selectors.leader_reviews_visible_to(request.user)
    form = forms.LeaderReviewForm(request.POST or None, user=request.user)
    if request.method == "POST":
        _require(request, "party:write")
        if form.is_valid():
            review, refused = run_service(
                request, form, lambda: services.leader_review_record(actor=request.user, **_data(form))
            )
            if refused:
                return refused
            if review:
                messages.success(request, _("Review recorded."))
                return redirect("party_building:reviews")
    context = {
        "page": _page(request, queryset),
        "form": form if access_for(request.user).has_role("party_officer") else None,
    }
    return render(request, "party_building/reviews.html", context)


# ---------------------------------------------------------------- choices of the searchable selects


@login_required
def organization_options(request):
    """htmx: the options of a searchable organization select (orgs.widgets.SearchSelect)."""
    _require(request, "party:read")
    q = request.GET.get("q", "").strip()
    if "free" in request.GET:  # a party organization's covers: `free` is its id, or empty for a new one
        node = request.GET["free"]
        visible = selectors.party_organizations_visible_to(request.user, covers=False)
        node = get_object_or_404(visible, pk=node) if node.isdigit() else None
        choices = selectors.free_organization_choices(request.user, node=node)
    else:
        choices = selectors.organization_choices(request.user)
    matching = choices.filter(name_search_q(q, code="credit_code")) if q else choices
    return options_response(request, choices, matching)


@login_required
def node_options(request):
    """htmx: the options of a searchable party-organization select."""
    _require(request, "party:read")
    q = request.GET.get("q", "").strip()
    choices = selectors.node_choices(request.user)
    return options_response(request, choices, choices.filter(name__icontains=q) if q else choices)
