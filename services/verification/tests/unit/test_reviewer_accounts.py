"""Reviewer accounts in the service layer, against an in-memory repository: deactivation, reactivation
and password resets are audited, and a token or console session is checked against the account each time."""
import copy
import datetime as dt

import pytest
from argon2 import PasswordHasher

from verification.service_layer import reviewers
from verification.service_layer.dependencies import Dependencies

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a new and longer passphrase"
ADMIN = "reviewer:boss"


class FakeReviewerRepository:
    """ReviewerRepository's contract, in memory."""

    def __init__(self):
        self.accounts, self.tokens = {}, {}

    def add(self, username, password_hash, role, audit=None):
        if username in self.accounts:
            return False
        self.accounts[username] = {"_id": username, "password_hash": password_hash, "role": role, "active": True,
                                   "credentials_version": 0, "created_at": dt.datetime.now(dt.timezone.utc),
                                   "audit": [audit] if audit else []}
        return True

    def get(self, username):
        return copy.deepcopy(self.accounts.get(username))

    def upgrade_password_hash(self, username, old_hash, new_hash):
        account = self.accounts.get(username)
        if not account or account["password_hash"] != old_hash:
            return False
        account["password_hash"] = new_hash
        return True

    def deactivate(self, username, audit):
        account = self.accounts.get(username)
        if not account or not account["active"]:
            return False
        account.update(active=False, credentials_version=account["credentials_version"] + 1)
        account["audit"].append(audit)
        return True

    def reactivate(self, username, audit):
        account = self.accounts.get(username)
        if not account or account["active"]:
            return False
        account["active"] = True
        account["audit"].append(audit)
        return True

    def replace_password(self, username, password_hash, audit):
        account = self.accounts.get(username)
        if not account:
            return False
        account.update(password_hash=password_hash, credentials_version=account["credentials_version"] + 1)
        account["audit"].append(audit)
        return True

    def store_token(self, token_hash, username, role, expires_at, credentials_version=0):
        self.tokens[token_hash] = {"_id": token_hash, "username": username, "role": role, "expires_at": expires_at,
                                   "credentials_version": credentials_version}

    def find_token(self, token_hash):
        return self.tokens.get(token_hash)

    def revoke_tokens(self, username):
        revoked = [h for h, t in self.tokens.items() if t["username"] == username]
        for h in revoked:
            del self.tokens[h]
        return len(revoked)


@pytest.fixture
def v():
    v = Dependencies(cases=None, numbers=None, reviewers=FakeReviewerRepository(), documents=None, events_sealer=None,
                     index_key=b"", token_ttl_hours=12)
    reviewers.create_reviewer(v, "boss", PASSWORD, "admin")
    reviewers.create_reviewer(v, "ayesha", PASSWORD, "reviewer")
    return v


def signed_in(v, username="ayesha", password=PASSWORD):
    """(API token, console session) of a password sign-in."""
    account = reviewers.authenticate(v, username, password)
    assert account is not None
    token, _ = reviewers.issue_token(v, account)
    return token, reviewers.session_of(account)


def actions(v, username):
    return [(e["actor"], e["action"]) for e in v.reviewers.get(username)["audit"]]


def test_a_signed_in_reviewer_is_recognised_by_token_and_session(v):
    token, session = signed_in(v)
    assert reviewers.resolve_token(v, token) == {"username": "ayesha", "role": "reviewer"}
    assert reviewers.session_reviewer(v, session) == {"username": "ayesha", "role": "reviewer", "version": 0}


def test_deactivation_refuses_token_session_and_password_at_once(v):
    token, session = signed_in(v)
    reviewers.deactivate_reviewer(v, "ayesha", ADMIN)
    assert reviewers.resolve_token(v, token) is None
    assert reviewers.session_reviewer(v, session) is None
    assert reviewers.authenticate(v, "ayesha", PASSWORD) is None
    assert all(t["username"] != "ayesha" for t in v.reviewers.tokens.values())
    assert actions(v, "ayesha") == [("operator", "account_created"), (ADMIN, "account_deactivated")]


def test_reactivation_allows_new_sign_ins_but_not_the_old_ones(v):
    token, session = signed_in(v)
    reviewers.deactivate_reviewer(v, "ayesha", ADMIN)
    reviewers.reactivate_reviewer(v, "ayesha", ADMIN)
    assert reviewers.resolve_token(v, token) is None and reviewers.session_reviewer(v, session) is None
    new_token, new_session = signed_in(v)
    assert reviewers.resolve_token(v, new_token)["username"] == "ayesha"
    assert reviewers.session_reviewer(v, new_session)["username"] == "ayesha"
    assert actions(v, "ayesha")[-1] == (ADMIN, "account_reactivated")


def test_deactivating_twice_or_reactivating_an_active_account_changes_nothing(v):
    reviewers.deactivate_reviewer(v, "ayesha", ADMIN)
    reviewers.deactivate_reviewer(v, "ayesha", ADMIN)
    reviewers.reactivate_reviewer(v, "boss", "operator")
    assert actions(v, "ayesha").count((ADMIN, "account_deactivated")) == 1
    assert actions(v, "boss") == [("operator", "account_created")]


def test_reset_password_ends_the_old_password_and_sign_ins(v):
    token, session = signed_in(v)
    reviewers.reset_password(v, "ayesha", NEW_PASSWORD, ADMIN)
    assert reviewers.authenticate(v, "ayesha", PASSWORD) is None
    assert reviewers.resolve_token(v, token) is None and reviewers.session_reviewer(v, session) is None
    signed_in(v, password=NEW_PASSWORD)
    assert actions(v, "ayesha")[-1] == (ADMIN, "password_reset")
    assert NEW_PASSWORD not in str(v.reviewers.get("ayesha"))


def test_reset_password_needs_a_long_enough_password(v):
    with pytest.raises(reviewers.InvalidAccount, match="12 characters"):
        reviewers.reset_password(v, "ayesha", "short", ADMIN)
    assert actions(v, "ayesha") == [("operator", "account_created")]


@pytest.mark.parametrize("action", [
    lambda v: reviewers.deactivate_reviewer(v, "nobody", ADMIN),
    lambda v: reviewers.reactivate_reviewer(v, "nobody", ADMIN),
    lambda v: reviewers.reset_password(v, "nobody", NEW_PASSWORD, ADMIN),
    lambda v: reviewers.account_view(v, "nobody"),
])
def test_unknown_accounts_are_not_found(v, action):
    with pytest.raises(reviewers.AccountNotFound):
        action(v)


def test_an_admin_cannot_deactivate_their_own_account(v):
    with pytest.raises(reviewers.OwnAccount):
        reviewers.deactivate_reviewer(v, "boss", ADMIN)
    assert v.reviewers.get("boss")["active"]


def test_the_role_is_the_accounts_current_one_not_the_tokens(v):
    token, session = signed_in(v)
    v.reviewers.accounts["ayesha"]["role"] = "auditor"
    assert reviewers.resolve_token(v, token)["role"] == "auditor"
    assert reviewers.session_reviewer(v, session)["role"] == "auditor"


@pytest.mark.parametrize("session", [None, {}, {"username": 5}, {"username": "nobody", "role": "admin"}])
def test_malformed_or_unknown_sessions_are_refused(v, session):
    assert reviewers.session_reviewer(v, session) is None


def test_account_view_shows_no_password_hash(v):
    view = reviewers.account_view(v, "ayesha")
    assert view["active"] is True and view["role"] == "reviewer" and "password_hash" not in view


def _with_an_old_parameter_hash(v, username="ayesha", password=PASSWORD):
    """The account's hash made with weaker argon2 parameters than today's, as stored before an upgrade."""
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(password)
    v.reviewers.accounts[username]["password_hash"] = weak
    return weak


def test_a_sign_in_rehashes_an_old_parameter_hash_and_the_password_still_works(v):
    weak = _with_an_old_parameter_hash(v)
    assert reviewers.authenticate(v, "ayesha", PASSWORD) is not None
    assert v.reviewers.get("ayesha")["password_hash"] != weak
    signed_in(v)


def test_a_rehash_racing_a_password_reset_does_not_bring_the_old_password_back(v):
    _with_an_old_parameter_hash(v)
    repository = v.reviewers
    upgrade = repository.upgrade_password_hash

    def reset_lands_first(username, old_hash, new_hash):
        # The admin's reset is written between the sign-in's password check and its re-hash.
        reviewers.reset_password(v, "ayesha", NEW_PASSWORD, ADMIN)
        return upgrade(username, old_hash, new_hash)

    repository.upgrade_password_hash = reset_lands_first
    reviewers.authenticate(v, "ayesha", PASSWORD)
    del repository.upgrade_password_hash
    assert reviewers.authenticate(v, "ayesha", PASSWORD) is None
    signed_in(v, password=NEW_PASSWORD)
