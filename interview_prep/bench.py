"""The bare baselines of the load benchmark (`make bench`), only present with BENCH=1.

- `ok`: a Django view that returns "ok" through the URL resolver and the whole middleware
  stack, touching neither the session nor the database (so the middleware has no real
  work): the ceiling any page of this app could reach on the same server.
- `empty_page`: the site's page frame (`base.html`, nothing in `main`) for the signed-in
  user: what every signed-in page pays before its own work (session, user, CSRF token, CSP
  nonce, the navigation), printed for reference.
- `with_raw_ok`: a WSGI wrapper answering /__bench/wsgi-ok before Django runs at all: the
  ceiling of gunicorn itself, printed for reference.
"""

from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

RAW_OK_PATH = "/__bench/wsgi-ok"


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def empty_page(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html")


def with_raw_ok(application: Callable) -> Callable:
    def bench_application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == RAW_OK_PATH:
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
            return [b"ok"]
        return application(environ, start_response)

    return bench_application
