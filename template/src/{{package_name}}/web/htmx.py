"""Names of the htmx request and response headers the app uses (htmx 2.0)."""

from starlette.requests import Request

# Request headers that htmx sends.
HX_REQUEST = "HX-Request"
HX_CURRENT_URL = "HX-Current-URL"

# Response headers that htmx acts on.
HX_REFRESH = "HX-Refresh"


def is_htmx(request: Request) -> bool:
    """Return whether htmx sent the request, for a partial instead of a whole page."""
    return request.headers.get(HX_REQUEST) == "true"
