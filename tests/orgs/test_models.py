from django.utils import translation

from tests.factories import make_org


def test_choice_labels_follow_the_language_and_keep_an_unknown_value(db):
    org = make_org("320508")
    with translation.override("zh-hans"):
        assert (org.get_status_display(), org.get_org_type_display()) == ("正常", "社会团体")
    with translation.override("en"):
        assert (org.get_status_display(), org.get_org_type_display()) == (
            "Active (正常)",
            "Social group (社会团体)",
        )
    org.status = "not-a-status"
    assert org.get_status_display() == "not-a-status"
