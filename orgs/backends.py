from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

UserModel = get_user_model()


class ScopedModelBackend(ModelBackend):
    """Django's ModelBackend; a logged-in user comes with their scope (UserScope) in the same query, which every
    page and session API call reads through orgs.access.access_for."""

    def get_user(self, user_id):
        user = UserModel._default_manager.select_related("scope").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
