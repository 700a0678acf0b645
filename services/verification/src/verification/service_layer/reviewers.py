"""Reviewer accounts: creation, deactivation, reactivation and password resets (by the CLI or an
admin, each written to the account's audit log), password login, bearer tokens and console sessions.

Whoever calls is looked up on every request (`resolve_token`, `session_reviewer`): an account
that was deactivated, or whose password was reset, is refused on its very next request, and its
role is the account's current one, whatever a token or cookie says."""
import datetime as dt
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from servicekit.crypto import new_token, token_hash
from verification.domain.case import audit_entry
from verification.service_layer.dependencies import Dependencies

ROLES = ("reviewer", "admin", "auditor")  # auditor: reads cases and audit logs, decides nothing
DECIDERS = ("reviewer", "admin")
_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{2,31}$")
_hasher = PasswordHasher()
# Checked against when the username is unknown, so a login takes as long either way.
_DUMMY_HASH = _hasher.hash("not a real password")


CLI_ACTOR = "operator"  # the audit's actor for the operator CLI; admins through the API are "reviewer:<name>"


class InvalidAccount(ValueError):
    pass


class AccountNotFound(LookupError):
    pass


class OwnAccount(ValueError):
    """An admin may not deactivate the account they are signed in with."""


def create_reviewer(deps: Dependencies, username: str, password: str, role: str, actor: str = CLI_ACTOR) -> None:
    if not _USERNAME.match(username):
        raise InvalidAccount("username: 3–32 characters, lower-case letters, digits, . _ -, starting with a letter")
    if role not in ROLES:
        raise InvalidAccount(f"role must be one of {', '.join(ROLES)}")
    _check_password(password)
    if not deps.reviewers.add(username, _hasher.hash(password), role, audit_entry(actor, "account_created", role)):
        raise InvalidAccount(f"a reviewer named {username} exists already")


def deactivate_reviewer(deps: Dependencies, username: str, actor: str) -> dict:
    """The account can no longer sign in, and its sessions and tokens stop working at once.
    Returns the account; deactivating an inactive one changes nothing."""
    if actor == f"reviewer:{username}":
        raise OwnAccount("an admin cannot deactivate their own account")
    if deps.reviewers.deactivate(username, audit_entry(actor, "account_deactivated")):
        deps.reviewers.revoke_tokens(username)
    return _account(deps, username)


def reactivate_reviewer(deps: Dependencies, username: str, actor: str) -> dict:
    """The account may sign in again (with new sign-ins: the old sessions and tokens stay ended)."""
    deps.reviewers.reactivate(username, audit_entry(actor, "account_reactivated"))
    return _account(deps, username)


def reset_password(deps: Dependencies, username: str, password: str, actor: str) -> dict:
    """A new password; the old one, and every session and token signed in with it, stop working."""
    _check_password(password)
    if not deps.reviewers.replace_password(username, _hasher.hash(password), audit_entry(actor, "password_reset")):
        raise AccountNotFound(username)
    deps.reviewers.revoke_tokens(username)
    return _account(deps, username)


def account_view(deps: Dependencies, username: str) -> dict:
    """What an admin or auditor sees of an account: never its password hash."""
    account = _account(deps, username)
    return {"username": account["_id"], "role": account["role"], "active": account.get("active", True),
            "created_at": account.get("created_at"), "audit": account.get("audit", [])}


def _account(deps: Dependencies, username: str) -> dict:
    account = deps.reviewers.get(username) if isinstance(username, str) else None
    if account is None:
        raise AccountNotFound(username)
    return account


def _check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < 12:
        raise InvalidAccount("password: at least 12 characters")


def authenticate(deps: Dependencies, username: str, password: str) -> dict | None:
    account = deps.reviewers.get(username) if isinstance(username, str) else None
    try:
        _hasher.verify(account["password_hash"] if account else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if account is None or not account.get("active", True):
        return None
    if _hasher.check_needs_rehash(account["password_hash"]):
        # Conditioned on the hash just verified: a reset that lands meanwhile wins, and the old password stays ended.
        deps.reviewers.upgrade_password_hash(username, account["password_hash"], _hasher.hash(password))
    return account


def issue_token(deps: Dependencies, account: dict) -> tuple[str, dt.datetime]:
    token = new_token()
    expires_at = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=deps.token_ttl_hours)
    deps.reviewers.store_token(token_hash(token), account["_id"], account["role"], expires_at,
                            account.get("credentials_version", 0))
    return token, expires_at


def resolve_token(deps: Dependencies, token: str) -> dict | None:
    """{"username", "role"} of a live token of an active account (with the account's current role), else None."""
    found = deps.reviewers.find_token(token_hash(token))
    if found is None:
        return None
    return _signed_in(deps, found["username"], found.get("credentials_version", 0))


def session_of(account: dict) -> dict:
    """What the console keeps in its signed session cookie after a password sign-in."""
    return {"username": account["_id"], "role": account["role"], "version": account.get("credentials_version", 0)}


def session_reviewer(deps: Dependencies, session: dict | None) -> dict | None:
    """The console session's reviewer, as the account is now ({"username", "role", "version"}), or None
    when the account is gone, deactivated, or its sign-ins were ended since the session began."""
    if not isinstance(session, dict) or not isinstance(session.get("username"), str):
        return None
    who = _signed_in(deps, session["username"], session.get("version", 0))
    return {**who, "version": session.get("version", 0)} if who else None


def _signed_in(deps: Dependencies, username: str, credentials_version: int) -> dict | None:
    account = deps.reviewers.get(username)
    if (account is None or not account.get("active", True)
            or account.get("credentials_version", 0) != credentials_version):
        return None
    return {"username": account["_id"], "role": account["role"]}
