"""WSGI entry point: `gunicorn interview_prep.wsgi`."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from interview_prep.startup import refuse_insecure_defaults

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interview_prep.settings")
application = get_wsgi_application()
refuse_insecure_defaults()

if settings.BENCH:  # the load benchmark's raw baseline (interview_prep/bench.py)
    from interview_prep.bench import with_raw_ok

    application = with_raw_ok(application)
