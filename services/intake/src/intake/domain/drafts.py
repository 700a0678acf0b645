"""How long an application waits, kept as a draft, for its applicant to check and send it."""
import datetime as dt

LIFETIME = dt.timedelta(hours=1)
