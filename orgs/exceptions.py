from django.utils.translation import gettext_lazy as _


class InvalidState(Exception):
    """The object's state does not allow the action (answered 409)."""

    default_message = _("The current state does not allow this action.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))
