"""Reading one uploaded file: size-limited, and typed by its content."""
from intake.domain.documents import sniff_content_type


class UploadRefused(Exception):
    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def read_upload(storage, max_bytes: int) -> tuple[str, bytes]:
    """(content type, content) of a werkzeug FileStorage, or UploadRefused saying why not."""
    content = storage.stream.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise UploadRefused(f"A document may be at most {max_bytes // (1024 * 1024)} MB.", 413)
    if not content:
        raise UploadRefused("The file is empty.", 400)
    content_type = sniff_content_type(content[:16])
    if content_type is None:
        raise UploadRefused("Only PNG, JPEG or PDF files are accepted.", 415)
    return content_type, content
