"""WSGI entry point: `gunicorn interview_prep.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interview_prep.settings")
application = get_wsgi_application()
