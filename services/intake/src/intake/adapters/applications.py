"""Where applications are stored: the `applications` collection of intake's database,
each document carrying its own outbox (eventkit.outbox)."""

COLLECTION = "applications"
