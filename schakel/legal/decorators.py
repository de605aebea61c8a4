"""Gate for pages that open case content: the deontological code must be
accepted (current version) first (OD3.5)."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from .selectors import code_accepted_current


def code_accepted_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated and not code_accepted_current(user=request.user):
            return redirect(f"{reverse('legal:code')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper
