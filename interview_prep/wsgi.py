"""WSGI entry point: `gunicorn interview_prep.wsgi`."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interview_prep.settings")
application = get_wsgi_application()

if settings.BENCH:  # the load benchmark's raw baseline (interview_prep/bench.py)
    from interview_prep.bench import with_raw_ok

    application = with_raw_ok(application)
