"""An application reads the same through DirectReadMixin as through DRF's own loop."""

from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from orgs.api.reading import DirectReadMixin
from orgs.models import RegistrationApplication
from orgs.registration.api.serializers import ApplicationSerializer

from .test_scope import submitted


def test_an_application_reads_the_same(applicant, registrar_city, unit):
    application = RegistrationApplication.objects.get(pk=submitted(applicant, supervising_unit=unit.pk).pk)
    request = APIRequestFactory().get("/")
    request.user = registrar_city
    serializer = ApplicationSerializer(application, context={"request": request})
    direct = DirectReadMixin.to_representation(serializer, application)
    assert direct == serializers.Serializer.to_representation(serializer, application)
    assert direct["region"] == "320508" and direct["organization"] is None and direct["days_left"] is None
    assert (
        direct["status"] == "submitted" and direct["proposed"]["name"] == "苏州市姑苏区阳光社会工作服务中心"
    )
