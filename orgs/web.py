"""Small helpers the pages of every app share."""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpResponseForbidden

from .exceptions import InvalidState


def apply_validation_error(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, beside the fields it names (unknown fields: on top)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages_ in error.message_dict.items():
        target = field if field in form.fields else None
        form.add_error(
            target,
            messages_ if field in (NON_FIELD_ERRORS,) or target else [f"{field}: {m}" for m in messages_],
        )


def run_service(request, form, call):
    """Run a service for a page: ValidationError → beside the fields, InvalidState → a message, 403 on refusal.

    Returns (result, None) on success or (None, response-or-None) on failure."""
    try:
        return call(), None
    except ValidationError as error:
        apply_validation_error(form, error)
    except InvalidState as error:
        messages.error(request, str(error.message))
    except PermissionDenied as error:
        return None, HttpResponseForbidden(str(error))
    return None, None
