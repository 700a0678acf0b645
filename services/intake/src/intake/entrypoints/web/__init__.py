"""Intake's server-rendered pages: the application form, the confirmation, the status page."""
