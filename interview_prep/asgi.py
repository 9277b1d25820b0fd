"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from interview_prep.startup import refuse_insecure_defaults

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interview_prep.settings")
application = get_asgi_application()
refuse_insecure_defaults()
