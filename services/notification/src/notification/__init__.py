"""Notification: tells applicants what happened, by email and SMS.

Owns the notification log, templates and delivery attempts; consumes `intake.events`
and `verification.events`; publishes sent/failed events to `notification.events`.
"""
