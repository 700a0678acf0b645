"""Sign-in by one-time code, through the service layer with in-memory fakes: the same answer for known and
unknown addresses, the code sealed in an event in the applicant's latest application, single use, a few tries,
expiry, the hourly limit per address, and what a signed-in applicant may open."""
import dataclasses
import datetime as dt

import pytest

from intake.domain.sign_in import CODE_MINUTES, MAX_ATTEMPTS, InvalidAddress, SmsNotOffered
from intake.service_layer import sign_in, submissions


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def clocked(deps):
    clock = Clock(deps.now())
    return dataclasses.replace(deps, clock=clock), clock


def sent_code(deps, application_id: str) -> str:
    """The code the last SignInCodeRequested in the application's outbox carries (what notification unseals)."""
    event = deps.applications.docs[application_id]["outbox"][-1]
    assert event["event_type"] == "SignInCodeRequested"
    return deps.data_keys.keyring().unseal(event["payload"]["code"])["code"]


def test_a_known_address_is_sent_a_code_that_signs_in_once(deps, application):
    first = submissions.submit(deps, application(email="Ayesha@Example.pk"))
    challenge = sign_in.request_code(deps, "  ayesha@example.PK ")
    event = deps.applications.docs[first.application_id]["outbox"][-1]
    assert event["payload"]["channel"] == "email" and "ayesha" not in str(event["payload"]).lower()
    assert deps.data_keys.keyring().unseal(event["payload"]["contact"])["email"] == "Ayesha@Example.pk"
    code = sent_code(deps, first.application_id)
    address = sign_in.sign_in(deps, challenge, code)
    assert [a["application_id"] for a in sign_in.applications_of(deps, address)] == [first.application_id]
    with pytest.raises(sign_in.CodeRefused):
        sign_in.sign_in(deps, challenge, code)  # single use


def test_an_unknown_address_gets_the_same_answer_and_no_code(deps, application):
    submissions.submit(deps, application())
    events_before = sum(len(d["outbox"]) for d in deps.applications.docs.values())
    challenge = sign_in.request_code(deps, "nobody@example.pk")
    assert isinstance(challenge, str) and len(challenge) > 20
    assert sum(len(d["outbox"]) for d in deps.applications.docs.values()) == events_before
    for guess in ("000000", "123456", ""):
        with pytest.raises(sign_in.CodeRefused):
            sign_in.sign_in(deps, challenge, guess)


def test_a_wrong_code_counts_and_after_the_last_try_even_the_right_one_is_refused(deps, application):
    submitted = submissions.submit(deps, application())
    challenge = sign_in.request_code(deps, "a@example.pk")
    code = sent_code(deps, submitted.application_id)
    wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(sign_in.CodeRefused):
            sign_in.sign_in(deps, challenge, wrong)
    with pytest.raises(sign_in.CodeRefused):
        sign_in.sign_in(deps, challenge, code)


def test_a_code_expires(clocked, application):
    deps, clock = clocked
    submitted = submissions.submit(deps, application())
    challenge = sign_in.request_code(deps, "a@example.pk")
    clock.now += dt.timedelta(minutes=CODE_MINUTES, seconds=1)
    with pytest.raises(sign_in.CodeRefused):
        sign_in.sign_in(deps, challenge, sent_code(deps, submitted.application_id))


def test_a_code_is_worth_nothing_on_another_challenge(deps, application):
    submitted = submissions.submit(deps, application())
    sign_in.request_code(deps, "a@example.pk")
    first_code = sent_code(deps, submitted.application_id)
    second = sign_in.request_code(deps, "a@example.pk")
    if sent_code(deps, submitted.application_id) == first_code:
        pytest.skip("the two random codes happen to be the same (one chance in a million)")
    with pytest.raises(sign_in.CodeRefused):
        sign_in.sign_in(deps, second, first_code)


def test_an_address_gets_a_few_codes_an_hour_whether_known_or_not(clocked, application):
    deps, clock = clocked
    submissions.submit(deps, application())
    for address in ("a@example.pk", "unknown@example.pk"):
        for _ in range(deps.sign_in_codes_per_hour):
            sign_in.request_code(deps, address)
        with pytest.raises(sign_in.TooManyCodes):
            sign_in.request_code(deps, address)
    clock.now += dt.timedelta(hours=1, seconds=1)
    sign_in.request_code(deps, "a@example.pk")


def test_a_mobile_number_signs_in_by_sms_where_offered(deps, application):
    with pytest.raises(SmsNotOffered):
        sign_in.request_code(deps, "0300 1234567")
    deps = dataclasses.replace(deps, sign_in_by_sms=True)
    submitted = submissions.submit(deps, application())
    challenge = sign_in.request_code(deps, "0300-1234567")
    assert deps.applications.docs[submitted.application_id]["outbox"][-1]["payload"]["channel"] == "sms"
    assert sign_in.sign_in(deps, challenge, sent_code(deps, submitted.application_id))


@pytest.mark.parametrize("typed", ["", "ayesha", "@example.pk", "a@b", "12345", "a @example.pk"])
def test_what_is_neither_an_email_nor_a_mobile_is_refused(deps, typed):
    with pytest.raises(InvalidAddress):
        sign_in.request_code(deps, typed)


def test_a_signed_in_applicant_sees_and_opens_only_the_applications_filed_with_their_address(clocked, application):
    deps, clock = clocked
    mine = submissions.submit(deps, application())
    submissions.withdraw(deps, deps.applications.get(mine.application_id))
    clock.now += dt.timedelta(days=1)
    again = submissions.submit(deps, application())
    other = submissions.submit(deps, application(cnic="3520299999991", email="b@example.pk",
                                                 mobile="+923009999999"))
    challenge = sign_in.request_code(deps, "a@example.pk")
    address = sign_in.sign_in(deps, challenge, sent_code(deps, again.application_id))  # the latest gets the event
    assert {a["application_id"] for a in sign_in.applications_of(deps, address)} == {mine.application_id,
                                                                                      again.application_id}
    assert sign_in.authorise_signed_in(deps, mine.application_id, address)["_id"] == mine.application_id
    with pytest.raises(submissions.NotFound):
        sign_in.authorise_signed_in(deps, other.application_id, address)


def test_an_amended_email_moves_the_sign_in_to_the_new_address(deps, application):
    submitted = submissions.submit(deps, application())
    submissions.amend(deps, deps.applications.get(submitted.application_id), {"email": "new@example.pk"})
    sign_in.request_code(deps, "a@example.pk")
    assert deps.applications.docs[submitted.application_id]["outbox"][-1]["event_type"] != "SignInCodeRequested"
    challenge = sign_in.request_code(deps, "new@example.pk")
    assert sign_in.sign_in(deps, challenge, sent_code(deps, submitted.application_id))


def test_applications_stored_before_sign_in_by_code_are_indexed_once(deps, application):
    submitted = submissions.submit(deps, application())
    del deps.applications.docs[submitted.application_id]["contact_index"]
    assert sign_in.index_contacts(deps)["indexed"] == 1
    assert sign_in.index_contacts(deps)["indexed"] == 0
    challenge = sign_in.request_code(deps, "a@example.pk")
    assert sign_in.sign_in(deps, challenge, sent_code(deps, submitted.application_id))
