"""Reads for fee remediation; who sees which case is decided here."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from orgs.access import access_for
from orgs.models import UserScope
from orgs.selectors import filtered

from .filters import FeeCaseFilterSet
from .models import CampaignReturn, CampaignTarget, CaseEvent, FeeCampaign, FeeCase, FeeNotice

Kind = UserScope.Kind


def cases_visible_to(user) -> QuerySet[FeeCase]:
    qs = FeeCase.objects.select_related("organization", "organization__region")
    access = access_for(user)
    if not access.can("fees:read"):
        return qs.none()
    if access.kind in (Kind.STAFF, Kind.SYSTEM):
        return qs.filter(access.region_q("region"))
    if access.kind == Kind.ORG:
        return qs.filter(organization_id=access.organization_id)
    return qs.none()


def case_list(*, user, filters) -> QuerySet[FeeCase]:
    return filtered(FeeCaseFilterSet, filters, cases_visible_to(user).prefetch_related("outcomes"))


def may_see_complainant(user) -> bool:
    """The enterprise's identity is for the bureau's caseworkers only, never for the association."""
    return access_for(user).kind in (Kind.STAFF, Kind.SYSTEM)


def overdue_cases(*, user) -> QuerySet[FeeCase]:
    return cases_visible_to(user).filter(status=FeeCase.Status.RECTIFYING, deadline__lt=timezone.localdate())


def case_timeline(case: FeeCase):
    return case.events.select_related("actor").order_by("created_at", "id")


def events_with_actor_names() -> QuerySet[CaseEvent]:
    """Case events with their actor's username as `actor_name`: what the API shows of the actor, without a whole
    user row for each event (a page of 50 cases carries about 170 events)."""
    return CaseEvent.objects.annotate(actor_name=F(f"actor__{get_user_model().USERNAME_FIELD}"))


def complaint_status(*, tracking_number: str, phone: str) -> FeeCase | None:
    """The case behind a tracking number, only when the phone number matches (otherwise nothing is revealed)."""
    if not tracking_number or not phone:
        return None
    return (
        FeeCase.objects.filter(
            tracking_number=tracking_number.strip().upper(), complainant_phone=phone.strip()
        )
        .only("number", "status", "tracking_number", "created_at", "updated_at")
        .first()
    )


def public_notices() -> QuerySet[FeeNotice]:
    return FeeNotice.objects.select_related("case", "case__organization").order_by("-published_at", "-id")


def campaigns_visible_to(user) -> QuerySet[FeeCampaign]:
    access = access_for(user)
    qs = FeeCampaign.objects.select_related("region")
    if not access.can("fees:read"):
        return qs.none()
    if access.kind in (Kind.STAFF, Kind.SYSTEM):
        # A campaign is visible to staff whose region lies inside the campaign's, or who cover it.
        if not access.region_code:
            return qs
        return qs.filter(access.region_q() | Q(pk__in=_campaigns_covering(access.region_code)))
    if access.kind == Kind.ORG:
        return qs.filter(
            Exists(
                CampaignTarget.objects.filter(campaign=OuterRef("pk"), organization_id=access.organization_id)
            )
        )
    return qs.none()


def _campaigns_covering(region_code: str):
    """Campaigns of the regions above `region_code`, and nationwide ones."""
    prefixes = [region_code[:n] for n in (2, 4, 6, 9) if n <= len(region_code)]
    return FeeCampaign.objects.filter(Q(region_id__in=prefixes) | Q(region__isnull=True)).values("pk")


def campaign_progress(campaign: FeeCampaign) -> dict:
    expected = campaign.expected if campaign.status == FeeCampaign.Status.OPEN else campaign.targets.count()
    filed = CampaignReturn.objects.filter(campaign=campaign).count()
    return {
        "status": campaign.status,
        "progress": campaign.progress,
        "expected": expected,
        "filed": filed,
        "rate": f"{filed / expected:.4f}" if expected else "0.0000",
    }


def campaign_targets(*, campaign: FeeCampaign, filed: bool | None = None):
    qs = CampaignTarget.objects.filter(campaign=campaign).select_related(
        "organization", "organization__region"
    )
    returned = CampaignReturn.objects.filter(campaign=campaign, organization_id=OuterRef("organization_id"))
    qs = qs.annotate(filed=Exists(returned))
    if filed is not None:
        qs = qs.filter(filed=filed)
    return qs.order_by("organization__name", "pk")


def campaign_returns(*, campaign: FeeCampaign):
    return (
        CampaignReturn.objects.filter(campaign=campaign)
        .select_related("organization")
        .prefetch_related("items")
        .annotate(item_count=Count("items"))
    )
