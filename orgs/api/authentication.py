from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from ..callers import cached_live_token, keep_token
from ..models import ApiToken
from ..models.accounts import hash_token


class ApiTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`. Keys are stored hashed; a revoked token or inactive client is refused (401)."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        token = cached_live_token(hash_token(key))  # with its user and the user's scope
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
            keep_token(token)  # not written again for a minute, whichever process answers
        return token.user, token
