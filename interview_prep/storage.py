"""Static files storage: whitenoise's hashed, compressed files, with each URL worked out once.

`{% static %}` asks the storage for a file's URL on every use. For hashed files that means
looking the name up in the manifest and rebuilding the URL: ~17 µs a tag, and the frame of
every page has five (a tenth of an empty page's time, docs/performance.md). The manifest is
read once, when the storage is made, so a name's URL cannot change while the process runs:
this storage keeps each answer. With `DEBUG` on, Django serves unhashed names instead; those
are not kept, so switching `DEBUG` (as tests do) never serves a stale URL.
"""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

# The site has a few dozen static files; a bound keeps odd names (an admin page asking for a
# file that does not exist, say) from growing the dict without end.
MAX_URLS = 512


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force or settings.DEBUG:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = super().url(name)  # a missing file raises here, and is not kept
            if len(self._urls) < MAX_URLS:
                self._urls[name] = url
            return url
