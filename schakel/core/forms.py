"""Small helpers shared by every view that handles a form."""


def posted(request):
    """The form data to bind: request.POST on a POST, else None.

    ``request.POST or None`` is the usual idiom but leaves the form unbound on a
    POST with no fields, which then re-renders without any error message.
    """
    return request.POST if request.method == "POST" else None


def posted_files(request):
    return request.FILES if request.method == "POST" else None
