"""Verification: checks each application, hands doubtful ones to reviewers, and decides.

Owns verification cases, check results, reviewers, the audit log and registration
numbers; consumes `intake.events`; publishes decisions to `verification.events`.
"""
