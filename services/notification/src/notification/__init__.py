"""Notification: tells applicants what happened, by email and SMS.

Owns the notification log, templates and delivery attempts; consumes `intake.events`,
`verification.events` and `payments.events` (the fee voucher); publishes sent/failed events to
`notification.events`.
"""
