"""Intake: applicants submit applications and track them.

Owns applications, uploaded documents and applicant access tokens; publishes
application events to `intake.events` through its outbox; consumes verification's
decisions to keep each application's status current, and payments' voucher events to show
the applicant their fee voucher.
"""
