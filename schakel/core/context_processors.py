from django.conf import settings

from . import navigation


def schakel(request):
    user = getattr(request, "user", None)
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "nav_items": navigation.items_for(user) if user is not None else [],
    }
