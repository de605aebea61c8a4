from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Case-insensitive e-mail login. Lockout is checked by the login service,
    not here, so that the service can tell the user why."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = (username or kwargs.get("email") or "").strip()
        if not email or password is None:
            return None
        return super().authenticate(request, username=email, password=password)
