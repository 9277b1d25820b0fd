"""A site-wide cap on uploaded files, enforced while the upload streams in.

The import pages refuse files over their limits (10 MB for a user's data, 5 MB for the
question bank), but Django's own handlers keep a whole upload, however large, in memory or a
temporary file before any view sees it. This handler runs first: it passes each file's bytes
on to Django's handlers until the request's files reach `MAX_UPLOAD_BYTES` together, then
only counts the rest and drops it, closing (and so deleting) what Django's handlers had
begun to keep of that file. The view is handed an `OversizeUpload` that holds no content
and whose size is past every page's limit (the file's own size, or the request's files'
together when earlier files filled the cap), so its usual size check names the size and
the limit; reading it raises rather than give a view an empty file.
"""

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

# The largest limit of any upload on the site (a user's data export, accounts/data.py).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class OversizeUpload(UploadedFile):
    """A file refused for its size while it arrived: its name and size, and no content."""

    def __init__(self, *, name: str, size: int, content_type: str | None, charset: str | None):
        super().__init__(
            file=None, name=name, content_type=content_type, size=size, charset=charset
        )

    def open(self, mode=None):
        return self

    def read(self, *args, **kwargs) -> bytes:
        raise ValueError(
            f"{self.name} was not kept: uploads are limited to "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB a request (check .size first)"
        )

    def chunks(self, chunk_size=None):
        return self.read()

    def close(self) -> None:
        pass


class CappedUploadHandler(FileUploadHandler):
    """First of `FILE_UPLOAD_HANDLERS`: stops passing a request's file bytes on past the cap."""

    def __init__(self, request=None) -> None:
        super().__init__(request)
        self.total = 0  # bytes of every file in this request so far

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.over = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        self.total += len(raw_data)
        if self.over or self.total > MAX_UPLOAD_BYTES:
            if not self.over:
                self.over = True
                self._drop_kept_part()
            return None  # Django's handlers get no more of this file; it is counted, not kept
        return raw_data

    def _drop_kept_part(self) -> None:
        """Close what the other handlers kept of this file so far: a temporary file is
        deleted on closing. (Django would never close it: the file is not handed on.)"""
        for handler in self.request.upload_handlers if self.request else ():
            kept = getattr(handler, "file", None)
            if handler is not self and kept is not None:
                kept.close()

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.over:
            return None  # Django's handlers make the file as usual
        return OversizeUpload(
            name=self.file_name,
            # Past the cap either way, so every page's size check refuses it.
            size=max(self.received, self.total),
            content_type=self.content_type,
            charset=self.charset,
        )
