"""Words that reach the directory's pages from data (catalogued by `python -m designkit.catalogues`)."""
from directory.entrypoints.web import labels

SERVICE_NAME = "Directory of registered IT freelancers"  # the service navigation's name (entrypoints/app.py)


def terms() -> list[str]:
    return [SERVICE_NAME, *labels.STANDING_LABELS.values(), *labels.VERDICTS]
