"""Words that reach the console's pages from data (catalogued by `python -m designkit.catalogues`)."""
from verification.entrypoints.console import labels

SERVICE_NAME = "Reviewers' console"  # the service navigation's name (entrypoints/app.py)


def terms() -> list[str]:
    tables = (labels.STATE_LABELS, labels.QUEUE_TITLES, labels.CHECK_LABELS, labels.OUTCOME_LABELS, labels.ROLE_LABELS,
              labels.ACTION_LABELS, labels.DOCUMENT_LABELS, labels.APPLICANT_FIELDS)
    return [SERVICE_NAME, "Wrong username or password.", *(label for table in tables for label in table.values()),
            *labels.REFUSALS.values(), *labels.FORM_MESSAGES]
