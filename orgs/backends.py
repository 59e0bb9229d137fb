from django.contrib.auth.backends import ModelBackend

from .callers import cached_user_with_scope


class ScopedModelBackend(ModelBackend):
    """Django's ModelBackend; a logged-in user comes with their scope (UserScope) in the same query, which every
    page and session API call reads through orgs.access.access_for, and is kept in the cache between requests
    (orgs.callers.cached_user_with_scope)."""

    def get_user(self, user_id):
        user = cached_user_with_scope(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
