"""A steady stream of applications through intake's API, as the drills' background load.

Each submission is one of three kinds, so every path through the system is exercised:
clean (approved in principle automatically, its fee paid by the stream's bank, then registered and
listed), flagged (a soft check asks a reviewer), rejected (a disposable email address). Only what
intake accepted (202) is recorded: that is what the system owes an outcome to.
"""
import dataclasses
import itertools
import threading
import time
import uuid

import httpx

from support.directory import latin_word
from support.intake import client_from_own_address, random_cnic, valid_application
from support.payments import Bank

OUTCOME_BY_KIND = {"clean": "approved", "flagged": "in_review", "rejected": "rejected"}
# what verification decides for each kind, one event each (a clean one: approved in principle, then registered
# once its fee is paid)
DECISIONS_BY_KIND = {"clean": ["ApplicationApprovedInPrinciple", "RegistrationIssued"],
                     "flagged": ["ApplicationFlagged"], "rejected": ["ApplicationRejected"]}
# the messages each kind's applicant receives, one each by email and by SMS: the receipt, then the
# fee voucher and the registration, or what the reviewers need, or why it was rejected
MESSAGES_BY_KIND = {"clean": 3, "flagged": 2, "rejected": 2}
# One in ten flagged: flagged cases stay in review, and the console's queue shows the oldest 200
# pending, so the drills must not bury the journeys' own flagged applicant on a fresh stack.
KINDS = ("clean", "clean", "flagged", "clean", "rejected", "clean", "clean", "clean", "clean", "rejected")


@dataclasses.dataclass(frozen=True)
class Submission:
    application_id: str
    kind: str
    surname: str
    email: str
    mobile: str
    accepted_at_ms: int = 0  # wall-clock time intake answered 202, to read only later events

    @property
    def full_name(self) -> str:
        return f"Drill {self.surname}"  # as application_of_kind writes it

    @property
    def outcome(self) -> str:
        return OUTCOME_BY_KIND[self.kind]

    @property
    def decisions(self) -> list[str]:
        return DECISIONS_BY_KIND[self.kind]

    @property
    def messages(self) -> int:
        return MESSAGES_BY_KIND[self.kind]

    @property
    def mobile_e164(self) -> str:
        return "+92" + self.mobile.replace("-", "")[1:]


def application_of_kind(kind: str, surname: str) -> dict:
    overrides = {"full_name": f"Drill {surname}", "cnic": random_cnic("3", "female"), "gender": "female",
                 "email": f"drill.{uuid.uuid4().hex[:10]}@example.pk"}
    if kind == "flagged":
        overrides.update(province="Sindh", city="Karachi")  # CNIC issued in Punjab
    elif kind == "rejected":
        overrides["email"] = f"drill.{uuid.uuid4().hex[:10]}@mailinator.com"
    return valid_application(**overrides)


class SteadySubmissions:
    """Submits `rate` applications a second from a background thread until stopped; `bank` pays the fee
    of each clean one (its vouchers are paid as payments issues them, also after the stream stops)."""

    def __init__(self, intake_url: str, bank: Bank, rate: float = 3.0):
        self.intake_url, self.bank, self.interval = intake_url, bank, 1.0 / rate
        self.accepted: list[Submission] = []
        self.refused: list[str] = []  # status codes or errors of submissions intake did not accept
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="steady-submissions", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self) -> list[Submission]:
        self._stop.set()
        self._thread.join(timeout=60)
        return self.accepted

    def _run(self) -> None:
        kinds = itertools.cycle(KINDS)
        next_at = time.monotonic()
        while not self._stop.is_set():
            # a new source address every 20 submissions: intake limits each address
            with client_from_own_address(self.intake_url) as client:
                for _ in range(20):
                    self._submit(client, next(kinds))
                    next_at += self.interval
                    if self._stop.wait(max(0.0, next_at - time.monotonic())):
                        break

    def _submit(self, client: httpx.Client, kind: str) -> None:
        surname = latin_word()
        data = application_of_kind(kind, surname)
        try:
            response = client.post("/api/v1/applications", json=data, timeout=10)
        except httpx.HTTPError as exc:
            self.refused.append(type(exc).__name__)
            return
        if response.status_code == 202:
            submission = Submission(response.json()["application_id"], kind, surname, data["email"], data["mobile"],
                                    int(time.time() * 1000))
            if kind == "clean":
                self.bank.pay_for(submission.application_id)
            self.accepted.append(submission)
        else:
            self.refused.append(str(response.status_code))
