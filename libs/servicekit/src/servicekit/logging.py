"""JSON logs on stdout, one object a line, each with the service, role and correlation id."""
import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from eventkit.correlation import current_correlation_id

_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"


class ContextFilter(logging.Filter):
    """Stamps each record with who logged it and the work it belongs to."""

    def __init__(self, service: str, role: str):
        super().__init__()
        self.service, self.role = service, role

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.role = self.role
        record.correlation_id = current_correlation_id()
        return True


def json_formatter() -> JsonFormatter:
    return JsonFormatter(_FIELDS, rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                         datefmt="%Y-%m-%dT%H:%M:%S%z")


def configure_logging(service: str, role: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(json_formatter())
    handler.addFilter(ContextFilter(service, role))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("kafka").setLevel(max(logging.WARNING, root.level))
    logging.getLogger("pymongo").setLevel(max(logging.WARNING, root.level))
    logging.getLogger("httpx").setLevel(max(logging.WARNING, root.level))  # one line per data-key fetch otherwise
