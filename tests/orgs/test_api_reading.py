"""DirectReadMixin writes what DRF's own loop writes, field for field: columns, keys, nulls, nested lists."""

from datetime import timedelta

from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from fees.api.serializers import StaffFeeCaseSerializer
from fees.models import CaseEvent, FeeCase
from fees.selectors import events_with_actor_names
from orgs.api.reading import DirectReadMixin, prefetch_rows
from orgs.api.serializers import OrganizationSerializer
from orgs.models import Organization, RegistrationApplication
from orgs.registration.api.serializers import ApplicationSerializer
from tests.factories import as_user, make_org
from tests.fees.test_case_api import CASES, future, investigate, open_case


def both(serializer_class, instance, user) -> tuple[dict, dict]:
    request = APIRequestFactory().get("/")
    request.user = user
    serializer = serializer_class(instance, context={"request": request})
    return (
        DirectReadMixin.to_representation(serializer, instance),
        serializers.Serializer.to_representation(serializer, instance),
    )


def test_an_organization_reads_the_same_with_and_without_a_unit_or_a_code(registrar_city, gusu_org):
    filed = make_org("320508", org_type="social_group", category="community", credit_code=None,
                     filing_number="320508001-2024-0001", supervising_unit=None)  # fmt: skip
    for organization in (gusu_org, filed):
        direct, drf = both(
            OrganizationSerializer, Organization.objects.get(pk=organization.pk), registrar_city
        )
        assert direct == drf
    assert direct["credit_code"] is None and direct["supervising_unit"] is None
    assert direct["region"] == "320508" and direct["registered_capital"] == drf["registered_capital"]


def decided_case(supervisor_user, organization, *, outcome: str, amount: str, benefiting: int) -> FeeCase:
    """A case investigated and decided through the API by `supervisor_user`, with one outcome."""
    case = open_case(organization)
    supervisor = as_user(supervisor_user)
    investigate(supervisor, case)
    decision = {
        "violation": True,
        "outcomes": [
            {"outcome": outcome, "amount": amount, "enterprises_benefiting": benefiting, "detail": "退还"}
        ],
        "deadline": future(),
    }
    assert supervisor.post(f"{CASES}{case.pk}/decide/", decision, format="json").status_code == 200
    return case


def test_a_fee_case_reads_the_same_with_its_outcomes_and_events(supervisor_city, gusu_org):
    case = decided_case(supervisor_city, gusu_org, outcome="waive", amount="4200.00", benefiting=12)
    case = FeeCase.objects.select_related("organization").get(pk=case.pk)
    direct, drf = both(StaffFeeCaseSerializer, case, supervisor_city)
    assert direct == drf
    assert direct["organization"] == gusu_org.pk and direct["organization_name"] == gusu_org.name
    assert [o["amount"] for o in direct["outcomes"]] == ["4200.00"]
    assert [e["action"] for e in direct["events"]][:3] == [e["action"] for e in drf["events"]][:3]
    assert len(direct["events"]) >= 3


def test_the_api_list_shows_what_the_detail_shows(registrar_city, gusu_org, wuzhong_org):
    client = as_user(registrar_city)
    listed = {row["id"]: row for row in client.get("/api/v1/organizations/").json()["results"]}
    for organization in (gusu_org, wuzhong_org):
        assert listed[organization.pk] == client.get(f"/api/v1/organizations/{organization.pk}/").json()


def test_a_prefetched_case_reads_its_outcomes_and_events_from_the_prefetch(
    supervisor_city, gusu_org, django_assert_num_queries
):
    case = decided_case(supervisor_city, gusu_org, outcome="reduce", amount="880.50", benefiting=3)
    plain = FeeCase.objects.select_related("organization").prefetch_related("outcomes", "events__actor")
    as_lists = FeeCase.objects.select_related("organization").prefetch_related(
        prefetch_rows("outcomes"), prefetch_rows("events", CaseEvent.objects.select_related("actor"))
    )
    # As the API reads them: each event with its actor's username, not the whole user.
    as_the_api = FeeCase.objects.select_related("organization").prefetch_related(
        prefetch_rows("outcomes"), prefetch_rows("events", events_with_actor_names())
    )
    request = APIRequestFactory().get("/")
    request.user = supervisor_city
    drf = serializers.Serializer.to_representation(
        StaffFeeCaseSerializer(context={"request": request}), FeeCase.objects.get(pk=case.pk)
    )
    for cases in (plain, as_lists, as_the_api):
        prefetched = cases.get(pk=case.pk)
        serializer = StaffFeeCaseSerializer(prefetched, context={"request": request})
        with django_assert_num_queries(0):
            direct = DirectReadMixin.to_representation(serializer, prefetched)
        assert direct == drf
    assert [o["amount"] for o in direct["outcomes"]] == ["880.50"]
    assert {e["actor"] for e in direct["events"]} >= {supervisor_city.username}


def test_moments_are_written_in_the_current_time_zone_as_drf_writes_them(registrar_city, gusu_org):
    organization = Organization.objects.get(pk=gusu_org.pk)
    for zone in ("Asia/Shanghai", "UTC", "America/New_York"):
        with timezone.override(zone):
            direct, drf = both(OrganizationSerializer, organization, registrar_city)
        assert direct == drf
        assert direct["updated_at"] == drf["updated_at"]
    assert drf["updated_at"].endswith("-05:00") or drf["updated_at"].endswith("-04:00")
    with timezone.override("UTC"):
        assert both(OrganizationSerializer, organization, registrar_city)[0]["updated_at"].endswith("Z")


def test_an_application_reads_the_same_with_its_days_left(registrar_city, gusu_org):
    application = RegistrationApplication.objects.create(
        kind="change", organization=gusu_org, org_type=gusu_org.org_type, category=gusu_org.category,
        region_id=gusu_org.region_id, applicant=registrar_city, proposed={"address": "苏州市姑苏区人民路1号"},
        status="accepted", due_on=timezone.localdate() + timedelta(days=9),
    )  # fmt: skip
    direct, drf = both(
        ApplicationSerializer, RegistrationApplication.objects.get(pk=application.pk), registrar_city
    )
    assert direct == drf
    assert direct["days_left"] == 9 and direct["organization"] == gusu_org.pk
