"""The notification log: one document per notification in the `notifications` collection, with its outbox."""

COLLECTION = "notifications"
