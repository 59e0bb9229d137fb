from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from orgs.access import access_for
from orgs.models import Organization, UserScope
from orgs.selectors import organizations_visible_to
from orgs.web import run_service

from . import forms, selectors, services
from .filters import FeeCaseFilterSet
from .models import CampaignReturn, CaseFile, FeeItem
from .reconciliation import reconciliation_rows
from .tables import FeeCaseTable


def _require(request, scope: str):
    if not access_for(request.user).can(scope):
        raise PermissionDenied(_("You do not have the right to do this (%(scope)s).") % {"scope": scope})


def _is_staff(request) -> bool:
    return access_for(request.user).kind in (UserScope.Kind.STAFF, UserScope.Kind.SYSTEM)


# The supervisor's side


@login_required
def case_list(request):
    _require(request, "fees:read")
    if not _is_staff(request):
        return redirect("fees:my_cases")
    filterset = FeeCaseFilterSet(request.GET, queryset=selectors.cases_visible_to(request.user))
    queryset = filterset.qs if filterset.is_valid() else selectors.cases_visible_to(request.user).none()
    table = FeeCaseTable(queryset)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    template = "fees/_case_table.html" if request.htmx else "fees/case_list.html"
    overdue = selectors.overdue_cases(user=request.user).count()
    return render(request, template, {"filter": filterset, "table": table, "overdue_count": overdue})


@login_required
def case_new(request):
    _require(request, "fees:write")
    form = forms.CaseForm(request.POST or None)
    form.fields["organization"].queryset = organizations_visible_to(request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        source = data.pop("source")
        case, refused = run_service(
            request, form, lambda: services.case_create(actor=request.user, source=source, **data)
        )
        if refused:
            return refused
        if case:
            messages.success(request, _("Case %(number)s registered.") % {"number": case.number})
            return redirect("fees:case_detail", pk=case.pk)
    return render(request, "fees/case_form.html", {"form": form})


@login_required
def case_file(request, pk, file_pk):
    """A file of a case, only through the case's scope: never a public /media/ address. A complaint's
    attachment may identify the enterprise, so it is for the bureau's caseworkers only."""
    case = get_object_or_404(selectors.cases_visible_to(request.user), pk=pk)
    files = case.files.all()
    if not selectors.may_see_complainant(request.user):
        files = files.exclude(purpose=CaseFile.Purpose.COMPLAINT)
    case_file = get_object_or_404(files, pk=file_pk)
    response = FileResponse(case_file.file.open("rb"), filename=case_file.file.name.rsplit("/", 1)[-1])
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def case_detail(request, pk):
    _require(request, "fees:read")
    case = get_object_or_404(
        selectors.cases_visible_to(request.user).prefetch_related("outcomes", "files"), pk=pk
    )
    if not _is_staff(request):
        return redirect("fees:my_case_detail", pk=case.pk)
    context = {
        "case": case,
        "events": selectors.case_timeline(case),
        "decide_form": forms.DecideForm(),
        "note_form": forms.NoteForm(),
        "dismiss_form": forms.DismissForm(),
        "return_form": forms.ReturnForm(),
        "case_note_form": forms.CaseNoteForm(),
        "show_complainant": selectors.may_see_complainant(request.user),
    }
    return render(request, "fees/case_detail.html", context)


ACTIONS = {
    "accept": (forms.NoteForm, services.case_accept),
    "dismiss": (forms.DismissForm, services.case_dismiss),
    "start-investigation": (forms.NoteForm, services.case_start_investigation),
    "verify": (forms.NoteForm, services.case_verify),
    "return": (forms.ReturnForm, services.case_return),
    "close": (forms.NoteForm, services.case_close),
}


@login_required
@require_POST
def case_action(request, pk, verb):
    _require(request, "fees:write")
    case = get_object_or_404(selectors.cases_visible_to(request.user), pk=pk)
    if verb == "decide":
        form = forms.DecideForm(request.POST)
        call = lambda: services.case_decide(  # noqa: E731
            actor=request.user,
            case=case,
            violation=form.cleaned_data["violation"],
            outcomes=form.outcomes(),
            deadline=form.cleaned_data.get("deadline"),
            note=form.cleaned_data.get("note", ""),
        )
    elif verb == "notes":
        form = forms.CaseNoteForm(request.POST, request.FILES)
        call = lambda: services.case_add_note(actor=request.user, case=case, **form.cleaned_data)  # noqa: E731
    elif verb in ACTIONS:
        form_class, service = ACTIONS[verb]
        form = form_class(request.POST)
        call = lambda: service(actor=request.user, case=case, **form.cleaned_data)  # noqa: E731
    else:
        raise Http404
    if form.is_valid():
        result, refused = run_service(request, form, call)
        if refused:
            return refused
        if result is not None:
            messages.success(request, _("Done."))
            return redirect("fees:case_detail", pk=case.pk)
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return redirect("fees:case_detail", pk=case.pk)


@login_required
def reconciliation(request):
    _require(request, "fees:read")
    if not _is_staff(request):
        raise PermissionDenied
    access = access_for(request.user)
    region = request.GET.get("region") or access.region_code
    if not region.startswith(access.region_code):
        raise Http404
    rows = reconciliation_rows(region=region)
    return render(request, "fees/reconciliation.html", {"rows": rows, "region": region})


# Campaigns


@login_required
def campaign_list(request):
    _require(request, "fees:read")
    campaigns = selectors.campaigns_visible_to(request.user)
    if not _is_staff(request):
        return redirect("fees:my_cases")
    access = access_for(request.user)
    form = forms.CampaignForm(
        request.POST or None,
        initial={"region": access.region_code},
        nationwide_allowed=not access.region_code,
    )
    if request.method == "POST":
        _require(request, "fees:write")
        if form.is_valid():
            campaign, refused = run_service(
                request, form, lambda: services.campaign_open(actor=request.user, **form.cleaned_data)
            )
            if refused:
                return refused
            if campaign:
                return redirect("fees:campaign_detail", pk=campaign.pk)
    page = Paginator(campaigns, 25).get_page(request.GET.get("page"))
    return render(request, "fees/campaign_list.html", {"page": page, "form": form})


@login_required
def campaign_detail(request, pk):
    _require(request, "fees:read")
    campaign = get_object_or_404(selectors.campaigns_visible_to(request.user), pk=pk)
    if not _is_staff(request):
        return redirect("fees:my_campaign", pk=campaign.pk)
    progress = selectors.campaign_progress(campaign)
    if request.htmx and request.GET.get("part") == "progress":
        return render(request, "fees/_campaign_progress.html", {"campaign": campaign, "progress": progress})
    filed = request.GET.get("filed")
    targets = selectors.campaign_targets(campaign=campaign, filed={"yes": True, "no": False}.get(filed))
    page = Paginator(targets, 50).get_page(request.GET.get("page"))
    returns = selectors.campaign_returns(campaign=campaign).filter(
        organization_id__in=[target.organization_id for target in page.object_list]
    )
    by_organization = {r.organization_id: r for r in returns}
    for target in page.object_list:
        target.campaign_return = by_organization.get(target.organization_id)
    return render(
        request,
        "fees/campaign_detail.html",
        {"campaign": campaign, "progress": progress, "page": page, "filed": filed},
    )


@login_required
@require_POST
def campaign_remind(request, pk):
    _require(request, "fees:write")
    campaign = get_object_or_404(selectors.campaigns_visible_to(request.user), pk=pk)
    count = services.campaign_remind(actor=request.user, campaign=campaign)
    messages.success(request, _("%(n)d organizations reminded.") % {"n": count})
    return redirect("fees:campaign_detail", pk=campaign.pk)


@login_required
@require_POST
def fee_item_case(request, pk):
    _require(request, "fees:write")
    item = get_object_or_404(
        FeeItem.objects.filter(campaign_return__campaign__in=selectors.campaigns_visible_to(request.user)),
        pk=pk,
    )
    form = forms.NoteForm(request.POST)
    form.is_valid()
    case, refused = run_service(
        request,
        form,
        lambda: services.fee_item_to_case(
            actor=request.user, item=item, note=form.cleaned_data.get("note", "")
        ),
    )
    if refused:
        return refused
    return (
        redirect("fees:case_detail", pk=case.pk)
        if case
        else redirect("fees:campaign_detail", pk=item.campaign_return.campaign_id)
    )


# The association's side


@login_required
def my_cases(request):
    access = access_for(request.user)
    if access.kind != UserScope.Kind.ORG:
        return redirect("fees:case_list")
    cases = selectors.cases_visible_to(request.user).prefetch_related("outcomes")
    campaigns = selectors.campaigns_visible_to(request.user)
    filed = set(
        CampaignReturn.objects.filter(organization_id=access.organization_id).values_list(
            "campaign_id", flat=True
        )
    )
    return render(request, "fees/my_cases.html", {"cases": cases, "campaigns": campaigns, "filed": filed})


@login_required
def my_case_detail(request, pk):
    case = get_object_or_404(selectors.cases_visible_to(request.user).prefetch_related("outcomes"), pk=pk)
    if _is_staff(request):
        return redirect("fees:case_detail", pk=case.pk)
    evidence_form = forms.EvidenceForm(request.POST or None, request.FILES or None)
    answer_form = forms.CaseNoteForm(prefix="answer")
    if request.method == "POST":
        if "answer-note" in request.POST:
            answer_form = forms.CaseNoteForm(request.POST, request.FILES, prefix="answer")
            if answer_form.is_valid():
                result, refused = run_service(
                    request,
                    answer_form,
                    lambda: services.case_add_note(actor=request.user, case=case, **answer_form.cleaned_data),
                )
                if refused:
                    return refused
                if result:
                    return redirect("fees:my_case_detail", pk=case.pk)
        elif evidence_form.is_valid():
            result, refused = run_service(
                request,
                evidence_form,
                lambda: services.case_submit_evidence(
                    actor=request.user, case=case, **evidence_form.cleaned_data
                ),
            )
            if refused:
                return refused
            if result:
                messages.success(request, _("Evidence submitted."))
                return redirect("fees:my_case_detail", pk=case.pk)
    events = [e for e in selectors.case_timeline(case) if e.action != "created"]
    return render(
        request,
        "fees/my_case_detail.html",
        {
            "case": case,
            "events": events,
            "evidence_form": evidence_form,
            "answer_form": answer_form,
            "evidence": case.files.filter(purpose=CaseFile.Purpose.EVIDENCE),
        },
    )


@login_required
def my_campaign(request, pk):
    access = access_for(request.user)
    campaign = get_object_or_404(selectors.campaigns_visible_to(request.user), pk=pk)
    if access.kind != UserScope.Kind.ORG:
        return redirect("fees:campaign_detail", pk=campaign.pk)
    organization = get_object_or_404(Organization, pk=access.organization_id)
    existing = CampaignReturn.objects.filter(campaign=campaign, organization=organization).first()
    form = forms.CampaignReturnForm(
        request.POST or None, initial={"statement": existing.statement if existing else ""}
    )
    initial_items = [
        {k: getattr(i, k) for k in ("name", "basis", "standard", "payers", "yearly_income")} for i in existing.items.all()
    ] if existing else []  # fmt: skip
    formset = forms.FeeItemFormSet(request.POST or None, initial=initial_items, prefix="items")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        items = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("name")]
        result, refused = run_service(
            request,
            form,
            lambda: services.campaign_return_file(
                actor=request.user,
                campaign=campaign,
                organization=organization,
                statement=form.cleaned_data["statement"],
                items=items,
            ),
        )
        if refused:
            return refused
        if result:
            messages.success(request, _("Your fee list has been filed."))
            return redirect("fees:my_cases")
    return render(
        request,
        "fees/my_campaign.html",
        {"campaign": campaign, "form": form, "formset": formset, "existing": existing},
    )


# Public pages


def public_complaint(request):
    form = forms.PublicComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in ("challenge_token", "challenge_answer", "website")
        }
        case, _refused = run_service(request, form, lambda: services.complaint_file_public(**data))
        if case:
            return render(request, "fees/public_complaint_done.html", {"case": case})
        form = _fresh_challenge(form)
    return render(request, "fees/public_complaint.html", {"form": form})


def _fresh_challenge(form):
    """Keep the answers but ask a new question (the old token is spent or wrong)."""
    fresh = forms.PublicComplaintForm(
        initial={k: v for k, v in form.data.items() if not k.startswith("challenge")}
    )
    fresh._errors = form.errors
    fresh.is_bound = False
    return fresh


def public_track(request):
    form = forms.TrackForm(request.GET or None)
    case = None
    searched = form.is_bound and form.is_valid()
    if searched:
        case = selectors.complaint_status(**form.cleaned_data)
    return render(request, "fees/public_track.html", {"form": form, "case": case, "searched": searched})


def public_notices(request):
    page = Paginator(selectors.public_notices(), 20).get_page(request.GET.get("page"))
    return render(request, "fees/public_notices.html", {"page": page})


class NoticeFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Public notices on unlawful fees charged to enterprises")
    subtitle = gettext_lazy("Notices (通报) of closed fee-remediation cases")

    def link(self):
        return reverse("fees_public:notices")

    def items(self):
        return selectors.public_notices()[:50]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.body

    def item_link(self, item):
        return f"{reverse('fees_public:notices')}#notice-{item.pk}"

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at
