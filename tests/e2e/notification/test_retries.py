"""Durable retries against real servers: deliveries the SMTP server defers wait in the delivery
log and the scheduler process sends them later — once each, even with two schedulers — or gives
them up after the horizon (also when the horizon passed while no scheduler ran: then unsent);
a message the server took without saying so is uncertain and never sent again, one it took
before a failing QUIT is sent; a scheduler stops cleanly on SIGTERM.

Each test has its own database and its own SMTP server (support/flaky_smtp.py), and starts the
scheduler processes it needs with SMTP_PORT and MONGODB_DATABASE pointing at them, so the
running stack's notification service and SMTP sink are untouched."""
import dataclasses
import os
import signal
import subprocess
import sys
import time

import pytest

from notification.adapters.email import SmtpSender
from notification.bootstrap import notification_for
from notification.config import Config
from notification.service_layer.handlers import handle_event
from support.flaky_smtp import FlakySmtpServer
from support.intake import secrets_env, submitted_event


def settings_for(database, smtp: FlakySmtpServer, sms_dir, **extra) -> dict:
    return {**secrets_env(), "MONGODB_DATABASE": database.name, "SMTP_PORT": str(smtp.port),
            "SMS_SINK_DIR": str(sms_dir), "DELIVERY_RETRY_SECONDS": "0.5", "DELIVERY_RETRY_MAX_SECONDS": "2", **extra}


def config_of(env: dict, servers) -> Config:
    return Config.from_env({**env, "MONGODB_URI": servers.mongodb_uri})


class Scheduler:
    """`python -m notification.entrypoints.scheduler` as a process of the test's own."""

    def __init__(self, env: dict, servers, log_path):
        self.log_path = log_path
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "notification.entrypoints.scheduler"],
                env={**os.environ, **env, "MONGODB_URI": servers.mongodb_uri,
                     "KAFKA_BOOTSTRAP_SERVERS": servers.kafka},
                stdout=log, stderr=subprocess.STDOUT)

    def stop(self, timeout: float = 15) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout)

    def output(self) -> str:
        return self.log_path.read_text()


@pytest.fixture
def schedulers(tmp_path, servers):
    started = []

    def start(env: dict) -> Scheduler:
        scheduler = Scheduler(env, servers, tmp_path / f"scheduler-{len(started)}.log")
        started.append(scheduler)
        return scheduler
    yield start
    for scheduler in started:
        if scheduler.process.poll() is None:
            scheduler.process.kill()
            scheduler.process.wait(10)


def test_deferred_mail_is_retried_by_the_scheduler_and_sent_once(database, servers, schedulers, tmp_path, wait_for):
    with FlakySmtpServer(refuse=3) as smtp:
        env = settings_for(database, smtp, tmp_path / "sms")
        n = notification_for(config_of(env, servers))
        event = submitted_event()
        handle_event(n, event)  # the worker's one attempt: deferred
        record_id = f"{event['event_id']}:email"
        record = n.deliveries.get(record_id)
        assert record["status"] == "retrying" and record["attempts"] == 1 and "451" in record["last_error"]
        assert record["envelope"]["event_id"] == event["event_id"] and record["next_attempt_at"]
        assert n.deliveries.get(f"{event['event_id']}:sms")["status"] == "sent"  # not held back by email

        scheduler = schedulers(env)
        sent = wait_for(lambda: (r := n.deliveries.get(record_id))["status"] == "sent" and r, timeout=60,
                        message="the scheduler to send the deferred email")
        assert sent["attempts"] == 4 and "envelope" not in sent and "next_attempt_at" not in sent
        assert [e["event"]["event_type"] for e in sent["outbox"]] == ["NotificationSent"]
        time.sleep(3)
        assert len(smtp.messages) == 1 and event["event_id"] in smtp.message_ids()[0]
        assert smtp.messages[0]["To"] == event_email(n, event)
        assert scheduler.stop() == 0  # SIGTERM: a clean stop
        assert "notification scheduler stopped" in scheduler.output()


def event_email(n, event) -> str:
    return n.events_sealer.unseal(event["payload"]["sealed"])["email"]


def test_two_schedulers_send_each_deferred_message_exactly_once(database, servers, schedulers, tmp_path, wait_for):
    with FlakySmtpServer(refuse=25) as smtp:
        env = settings_for(database, smtp, tmp_path / "sms")
        n = notification_for(config_of(env, servers))
        events = [submitted_event() for _ in range(10)]
        for event in events:
            handle_event(n, event)  # each deferred at first
        schedulers(env), schedulers(env)
        ids = [f"{e['event_id']}:email" for e in events]
        wait_for(lambda: all(n.deliveries.get(i)["status"] == "sent" for i in ids), timeout=90,
                 message="every deferred email sent")
        time.sleep(3)
        keys = smtp.message_ids()
        assert len(keys) == 10 and len(set(keys)) == 10
        assert smtp.refused == 25
        assert sum(n.deliveries.get(i)["attempts"] for i in ids) == 10 + 25


def test_a_message_deferred_past_the_horizon_is_given_up_and_kept_for_a_resend(database, servers, schedulers,
                                                                                tmp_path, wait_for):
    with FlakySmtpServer(refuse=10_000) as smtp:
        env = settings_for(database, smtp, tmp_path / "sms", DELIVERY_GIVE_UP_HOURS=str(4 / 3600))  # 4 seconds
        n = notification_for(config_of(env, servers))
        event = submitted_event()
        handle_event(n, event)
        schedulers(env)
        record_id = f"{event['event_id']}:email"
        failed = wait_for(lambda: (r := n.deliveries.get(record_id))["status"] == "failed" and r, timeout=60,
                          message="the delivery given up")
        assert failed["attempts"] >= 2 and "451" in failed["last_error"]
        assert failed["envelope"]["event_id"] == event["event_id"]  # kept, so an operator can re-send
        [published] = [e["event"] for e in failed["outbox"]]
        assert (published["event_type"], published["payload"]["reason"]) == ("NotificationFailed", "expired")
        assert published["causation_id"] == event["event_id"]
        assert smtp.messages == []


def test_a_retry_due_after_the_horizon_while_no_scheduler_ran_is_given_up_unsent(database, servers, schedulers,
                                                                                  tmp_path, wait_for):
    with FlakySmtpServer(refuse=1) as smtp:
        env = settings_for(database, smtp, tmp_path / "sms", DELIVERY_GIVE_UP_HOURS=str(3 / 3600))  # 3 seconds
        n = notification_for(config_of(env, servers))
        event = submitted_event()
        handle_event(n, event)  # deferred; due in half a second
        record_id = f"{event['event_id']}:email"
        time.sleep(4)  # no scheduler runs until the horizon has passed
        schedulers(env)
        failed = wait_for(lambda: (r := n.deliveries.get(record_id))["status"] == "failed" and r, timeout=60,
                          message="the late retry given up")
        assert failed["attempts"] == 1 and "DELIVERY_GIVE_UP_HOURS" in failed["last_error"]
        [published] = [e["event"] for e in failed["outbox"]]
        assert (published["event_type"], published["payload"]["reason"]) == ("NotificationFailed", "expired")
        time.sleep(2)
        assert smtp.messages == [] and smtp.refused == 1  # nothing sent after the horizon


def quick_to_give_up(n, smtp: FlakySmtpServer, timeout: float = 1.0):
    """`n` with an SmtpSender that waits `timeout` seconds for each answer (10 s in service)."""
    return dataclasses.replace(n, email=SmtpSender("127.0.0.1", smtp.port, mail_from=n.email.mail_from,
                                                   timeout=timeout))


def test_a_message_taken_without_an_answer_is_uncertain_and_never_sent_again(database, servers, schedulers,
                                                                             tmp_path):
    with FlakySmtpServer(stall_after_data=3) as smtp:
        env = settings_for(database, smtp, tmp_path / "sms")
        n = quick_to_give_up(notification_for(config_of(env, servers)), smtp)
        event = submitted_event()
        handle_event(n, event)  # the server takes the message, then stays silent past the client's timeout
        record_id = f"{event['event_id']}:email"
        record = n.deliveries.get(record_id)
        assert record["status"] == "uncertain" and record["attempts"] == 1, record
        assert "may have taken" in record["last_error"] and record["envelope"]  # kept for a re-send
        [published] = [e["event"] for e in record["outbox"]]
        assert (published["event_type"], published["payload"]["reason"]) == ("NotificationFailed", "uncertain")
        schedulers(env)
        handle_event(n, event)  # redelivered
        time.sleep(5)
        assert len(smtp.messages) == 1 and n.deliveries.get(record_id)["status"] == "uncertain"


def test_a_message_taken_before_quit_failed_is_sent_once(database, servers, tmp_path):
    with FlakySmtpServer(quit_reply="421 4.3.2 Shutting down") as smtp:
        env = settings_for(database, smtp, tmp_path / "sms")
        n = quick_to_give_up(notification_for(config_of(env, servers)), smtp)
        event = submitted_event()
        handle_event(n, event)
        record = n.deliveries.get(f"{event['event_id']}:email")
        assert record["status"] == "sent" and record["attempts"] == 1, record
        assert smtp.message_ids() == [f"<{event['event_id']}.email@registry.example.pk>"] == [record["provider_id"]]
        n.email.close()  # the kept session ends: QUIT, refused, changes nothing
        assert smtp.message_ids() == [record["provider_id"]]
        assert n.deliveries.get(f"{event['event_id']}:email")["status"] == "sent"
