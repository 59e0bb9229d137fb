"""Self-inspection campaigns: who is in scope, the background opening, filing and the filing rate."""

import pytest
from django.core.exceptions import PermissionDenied

from fees.models import CampaignTarget, FeeCampaign, FeeCase
from orgs.models import Notification
from tests.factories import as_user, make_org

CAMPAIGNS = "/api/v1/fee-campaigns/"


@pytest.fixture
def world(db):
    return {
        "gusu_charity": make_org("320508", category="charity"),
        "gusu_industry": make_org("320508", category="industry_association"),
        "gusu_abnormal": make_org("320508", category="industry_association", status="abnormal"),
        "gusu_gone": make_org("320508", category="industry_association", status="deregistered"),
        "wuzhong": make_org("320506", category="industry_association"),
    }


def open_campaign(client, django_capture_on_commit_callbacks, **overrides):
    payload = {
        "name": "2026年涉企收费自查自纠",
        "region": "320508",
        "categories": ["industry_association"],
        "starts_on": "2026-11-01",
        "ends_on": "2026-12-31",
        **overrides,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CAMPAIGNS, payload, format="json")
    return response


def test_opening_a_campaign_targets_the_organizations_in_scope(
    supervisor_city, world, django_capture_on_commit_callbacks
):
    response = open_campaign(as_user(supervisor_city), django_capture_on_commit_callbacks)
    assert response.status_code == 201, response.json()
    campaign = FeeCampaign.objects.get(pk=response.json()["id"])
    targets = set(CampaignTarget.objects.filter(campaign=campaign).values_list("organization_id", flat=True))
    assert targets == {world["gusu_industry"].pk, world["gusu_abnormal"].pk}
    progress = as_user(supervisor_city).get(f"{CAMPAIGNS}{campaign.pk}/progress/").json()
    assert progress == {"status": "open", "progress": 100, "expected": 2, "filed": 0, "rate": "0.0000"}


def test_filing_rate_and_turning_an_item_into_a_case(
    supervisor_city, world, django_capture_on_commit_callbacks
):
    from tests.factories import make_person

    campaign_id = open_campaign(as_user(supervisor_city), django_capture_on_commit_callbacks).json()["id"]
    association = make_person("assoc", kind="org", org=world["gusu_industry"])
    items = [
        {
            "name": "会费",
            "basis": "charter",
            "standard": "每年2000元",
            "payers": "会员企业",
            "yearly_income": "200000.00",
        },
        {
            "name": "评比费",
            "basis": "none",
            "standard": "每次5000元",
            "payers": "参评企业",
            "yearly_income": "50000.00",
        },
    ]
    response = as_user(association).post(
        f"{CAMPAIGNS}{campaign_id}/returns/",
        {"statement": "经自查，评比费无依据，已停止收取。", "items": items},
        format="json",
    )
    assert response.status_code == 201, response.json()
    progress = as_user(supervisor_city).get(f"{CAMPAIGNS}{campaign_id}/progress/").json()
    assert progress["filed"] == 1 and progress["expected"] == 2 and progress["rate"] == "0.5000"

    # another organization's user cannot file for it, and an organization out of scope cannot file at all
    outsider = make_person("outsider", kind="org", org=world["gusu_charity"])
    refused = as_user(outsider).post(
        f"{CAMPAIGNS}{campaign_id}/returns/", {"statement": "x", "items": []}, format="json"
    )
    assert refused.status_code == 404  # the campaign is not theirs to see

    from fees.models import FeeItem
    from fees.services import fee_item_to_case

    item = FeeItem.objects.get(name="评比费")
    case = fee_item_to_case(actor=supervisor_city, item=item)
    assert case.source == FeeCase.Source.SELF_INSPECTION and case.organization == world["gusu_industry"]


def test_reminding_those_who_have_not_filed(supervisor_city, world, django_capture_on_commit_callbacks):
    from fees.services import campaign_remind

    campaign_id = open_campaign(as_user(supervisor_city), django_capture_on_commit_callbacks).json()["id"]
    count = campaign_remind(actor=supervisor_city, campaign=FeeCampaign.objects.get(pk=campaign_id))
    assert count == 2
    assert set(Notification.objects.values_list("organization_id", flat=True)) == {
        world["gusu_industry"].pk,
        world["gusu_abnormal"].pk,
    }


def test_campaign_outside_jurisdiction_is_refused(
    supervisor_wuzhong, world, django_capture_on_commit_callbacks
):
    response = open_campaign(as_user(supervisor_wuzhong), django_capture_on_commit_callbacks)
    assert response.status_code == 400 and "region" in response.json()
    assert not FeeCampaign.objects.exists()


def test_populating_is_chunked_and_rerunnable(supervisor_city, world):
    from fees.services import campaign_populate

    for _ in range(7):
        make_org("320508", category="industry_association")
    campaign = FeeCampaign.objects.create(
        name="x", region_id="3205", categories=[], starts_on="2026-01-01", ends_on="2026-12-31"
    )
    assert campaign_populate(campaign_id=campaign.pk, chunk=3) == 11
    assert campaign_populate(campaign_id=campaign.pk, chunk=3) == 11  # a rerun adds nothing twice
    assert CampaignTarget.objects.filter(campaign=campaign).count() == 11


@pytest.fixture
def supervisor_national(db):
    """A national scope (a ministry's staff): given by an operator in the admin, region left empty."""
    from django.contrib.auth import get_user_model

    from orgs.models import UserScope
    from tests.factories import make_person

    user = make_person("supervisor_national", kind="staff", region_code="32", roles=["supervisor"])
    UserScope.objects.filter(user=user).update(region=None)
    return get_user_model().objects.get(pk=user.pk)


def test_a_national_scope_opens_a_nationwide_campaign(
    supervisor_national, supervisor_city, world, django_capture_on_commit_callbacks
):
    wuxi = make_org("320211", category="industry_association")
    response = open_campaign(as_user(supervisor_national), django_capture_on_commit_callbacks, region=None)
    assert response.status_code == 201, response.json()
    assert response.json()["region"] is None
    campaign = FeeCampaign.objects.get(pk=response.json()["id"])
    targets = set(CampaignTarget.objects.filter(campaign=campaign).values_list("organization_id", flat=True))
    assert targets == {world["gusu_industry"].pk, world["gusu_abnormal"].pk, world["wuzhong"].pk, wuxi.pk}
    # The city's staff see it (their organizations must file) but do not run it.
    assert campaign.pk in [c["id"] for c in as_user(supervisor_city).get(CAMPAIGNS).json()["results"]]
    from fees.services import campaign_remind

    with pytest.raises(PermissionDenied):
        campaign_remind(actor=supervisor_city, campaign=campaign)
    assert campaign_remind(actor=supervisor_national, campaign=campaign) == 4


def test_only_a_national_scope_opens_a_campaign_without_region(
    supervisor_city, world, django_capture_on_commit_callbacks
):
    response = open_campaign(as_user(supervisor_city), django_capture_on_commit_callbacks, region=None)
    assert response.status_code == 400 and "region" in response.json()
    assert not FeeCampaign.objects.exists()


def test_the_campaign_page_lets_only_a_national_scope_leave_the_region_empty(
    supervisor_national, supervisor_city, world, django_capture_on_commit_callbacks
):
    from django.test import Client

    from tests.factories import PASSWORD

    form = {"name": "全国专项", "region": "", "starts_on": "2026-11-01", "ends_on": "2026-12-31"}
    city = Client()
    assert city.login(username=supervisor_city.username, password=PASSWORD)
    page = city.get("/fees/campaigns/").content.decode()
    assert 'value="3205"' in page and "留空：全国" not in page
    response = city.post("/fees/campaigns/", form)
    assert response.status_code == 200 and not FeeCampaign.objects.exists()  # the form again, region required
    national = Client()
    assert national.login(username=supervisor_national.username, password=PASSWORD)
    assert "留空：全国" in national.get("/fees/campaigns/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = national.post("/fees/campaigns/", form)
    campaign = FeeCampaign.objects.get()
    assert response.status_code == 302 and campaign.region is None
    assert campaign.targets.count() == 4  # every live organization of the country
