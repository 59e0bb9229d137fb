from .access import access_for


def portal(request):
    """The caller's access for the navigation (which areas to show)."""
    return {"access": access_for(getattr(request, "user", None))}
