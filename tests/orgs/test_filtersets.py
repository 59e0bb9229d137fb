"""PortalFilterSet: each request's filters and form are its own, though they are no longer deep-copied."""

from django.http import QueryDict
from django.utils import translation

from orgs.filters import OrganizationFilterSet
from orgs.models import Organization


def filtered(query: str) -> OrganizationFilterSet:
    filterset = OrganizationFilterSet(QueryDict(query), Organization.objects.all())
    assert filterset.is_valid(), filterset.errors
    return filterset


def test_two_requests_filter_by_their_own_values(gusu_org, wuzhong_org):
    by_name, by_region = filtered(f"q={gusu_org.name}"), filtered("region=320506")
    assert list(by_name.qs) == [gusu_org]
    assert list(by_region.qs) == [wuzhong_org]
    # a method filter calls the filterset it belongs to
    assert by_name.filters["q"].parent is by_name and by_region.filters["q"].parent is by_region


def test_a_page_that_changes_its_filter_form_changes_only_its_own(db):
    first = filtered("")
    first.form.fields["q"].label = "changed by one page"
    first.form.fields["q"].widget.attrs["placeholder"] = "changed"
    second = filtered("")
    assert second.form.fields["q"].label != "changed by one page"
    assert "placeholder" not in second.form.fields["q"].widget.attrs
    assert second.form.fields["q"] is not first.form.fields["q"]
    assert OrganizationFilterSet.base_filters["q"].extra == second.filters["q"].extra


def test_labels_follow_the_language_of_each_request(db):
    """A label is written in the language of the page that shows it (it is made only then)."""
    with translation.override("en"):
        english = str(filtered("").form.fields["status"].label)
    with translation.override("zh-hans"):
        chinese = str(filtered("").form.fields["status"].label)
    with translation.override("en"):
        assert str(filtered("").form.fields["status"].label) == english
    assert (english, chinese) == ("Status", "状态")


def test_a_bad_value_is_an_error_naming_the_field(db):
    filterset = OrganizationFilterSet(QueryDict("region=32x"), Organization.objects.all())
    assert not filterset.is_valid()
    assert list(filterset.errors) == ["region"]
