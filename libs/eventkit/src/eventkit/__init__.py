"""Event plumbing shared by the registry's services.

envelope    the message format every topic carries (docs/events.md)
topics      the system's topic names and who publishes them
kafka       producer, consumer and admin factories with safe defaults
consumer    the consume-handle-commit loop, a poll at a time, with retries and a dead-letter path
poll_progress  which records of a poll are finished, so commits never pass an unfinished one
dead_letters  dead-letter topic naming, headers and the replay command's core
outbox      pending events stored inside the changed document, and the relay that publishes them
inbox       processed-event records that make redelivery harmless
mongo       one lazily built MongoClient per process (fork safe)
indexes     each service's declared indexes, made at start
upserts     upserts by _id that survive DocumentDB's racing-upsert bug
correlation the correlation id of the work in progress
"""
