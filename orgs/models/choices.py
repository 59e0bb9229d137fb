from django.utils.encoding import force_str


class ChoiceLabels:
    """get_FOO_display() that translates only the label it returns. Django's own makes the field's choices
    hashable on every call, which translates every lazy label of the field, for each cell of a list."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return force_str(dict(field.flatchoices).get(value, value), strings_only=True)
