"""Which documents an applicant uploads, and how a file's content (not its name) says what it is."""

from domainkit.documents import APPLICATION_KINDS, KINDS, PRC, REQUIRED_KINDS  # noqa: F401 - shared with verification

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"%PDF-", "application/pdf"),
)


def sniff_content_type(head: bytes) -> str | None:
    """PNG, JPEG or PDF from the file's first bytes; None for anything else."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None
