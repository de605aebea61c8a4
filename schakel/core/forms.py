"""Small helpers shared by every view that handles a form."""


def posted(request):
    """The form data to bind: request.POST on a POST, else None.

    ``request.POST or None`` is the usual idiom but leaves the form unbound on a
    POST with no fields, which then re-renders without any error message.
    """
    return request.POST if request.method == "POST" else None


def posted_files(request):
    return request.FILES if request.method == "POST" else None


def apply_validation_error(form, exc) -> None:
    """Show a service's ValidationError on the form: field errors on their
    field when the form has it, everything else as a form-wide error."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
