from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from ..models import ApiToken
from ..models.accounts import hash_token


class ApiTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`. Keys are stored hashed; a revoked token or inactive client is refused (401)."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        # The key hash is unique: no ordering; the scope's region is read by its code (scope.region_id).
        tokens = ApiToken.objects.select_related("user", "user__scope").filter(
            key_hash=hash_token(key), revoked_at__isnull=True
        )
        token = next(iter(tokens[:1]), None)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
