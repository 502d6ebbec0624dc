"""Account use cases: registering, authenticating, roles and API tokens."""

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp.models import ROLES, ApiToken, User
from quizapp.services import course_statistics

LAST_USED_PRECISION = timedelta(minutes=1)
PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 128
# A short list of the most common passwords of at least ten characters; the length rule
# already removes the shorter ones.
COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "0123456789",
        "12345678910",
        "qwertyuiop",
        "password1",
        "password12",
        "password123",
        "passw0rd123",
        "1q2w3e4r5t",
        "1qaz2wsx3edc",
        "qwerty1234",
        "qwerty12345",
        "iloveyou12",
        "abcdefghij",
        "aaaaaaaaaa",
        "contraseña",
        "contrasena",
        "contrasena123",
        "administrator",
        "letmein123",
        "welcome123",
        "football123",
        "1111111111",
        "0000000000",
        "123123123123",
        "qazwsxedcrfv",
        "asdfghjkl1",
        "zxcvbnm123",
    }
)


def N_(message: str) -> str:  # noqa: N802  (the gettext convention for "mark only")
    """Marks a message for the translation catalogue; the view translates it."""
    return message


Problem = tuple[str, dict]


class AccountError(ValueError):
    """A rule about accounts was broken. `problems` are (English msgid, parameters) pairs
    that views translate; str() gives the English text; `field` says where."""

    def __init__(self, problems: list[Problem], field: str = "email"):
        super().__init__(" ".join(message % params for message, params in problems))
        self.problems = problems
        self.field = field


def _unknown_role(role: str) -> Problem:
    return (
        N_("Unknown role %(role)s; choose one of %(roles)s."),
        {"role": role, "roles": ", ".join(ROLES)},
    )


def normalise_email(email: str) -> str:
    return email.strip().lower()


def password_problems(password: str, email: str = "") -> list[Problem]:
    problems: list[Problem] = []
    if len(password) < PASSWORD_MIN_LENGTH:
        problems.append((N_("Use at least %(count)d characters."), {"count": PASSWORD_MIN_LENGTH}))
    if len(password) > PASSWORD_MAX_LENGTH:
        problems.append((N_("Use at most %(count)d characters."), {"count": PASSWORD_MAX_LENGTH}))
    lowered = password.strip().lower()
    if email and lowered in {normalise_email(email), normalise_email(email).split("@")[0]}:
        problems.append((N_("The password must not be your email address."), {}))
    if lowered in COMMON_PASSWORDS:
        problems.append((N_("This password is too common."), {}))
    return problems


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_user(
    session: Session, email: str, password: str, role: str = "learner", display_name: str = ""
) -> User:
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError([_unknown_role(role)], "role")
    if find_user_by_email(session, email):
        raise AccountError([(N_("An account with this email already exists."), {})])
    problems = password_problems(password, email)
    if problems:
        raise AccountError(problems, field="password")
    user = User(
        email=email,
        display_name=display_name or email.split("@")[0],
        password_hash=generate_password_hash(password),
        role=role,
    )
    session.add(user)
    session.flush()
    return user


def register_learner(
    session: Session, email: str, password: str, display_name: str = ""
) -> User | None:
    """The new learner, or None when the email already has an account (nothing changes
    then). Both cases check the same password rules and hash the password once, so that
    neither the answer nor its timing tells whether an account exists (OWASP ASVS V6):
    the view answers both alike."""
    email = normalise_email(email)
    problems = password_problems(password, email)
    if problems:
        raise AccountError(problems, field="password")
    password_hash = generate_password_hash(password)
    if find_user_by_email(session, email) is not None:
        return None
    user = User(
        email=email,
        display_name=display_name or email.split("@")[0],
        password_hash=password_hash,
        role="learner",
    )
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError:
        return None  # a concurrent registration of the same email won
    return user


# A hash of a fixed password so that unknown emails cost as much time as wrong passwords.
_DUMMY_HASH = generate_password_hash("timing-equaliser-password")
_CURRENT_METHOD = _DUMMY_HASH.split("$", 1)[0]


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = find_user_by_email(session, email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = generate_password_hash(password)
    return user


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than today's default (werkzeug
    writes them in the prefix, e.g. `scrypt:32768:8:1$...`), so a login upgrades it."""
    return password_hash.split("$", 1)[0] != _CURRENT_METHOD


def change_password(session: Session, user: User, current: str, new: str, now: datetime) -> None:
    """A new password ends every session and revokes every API token (whoever knew the
    old password may have made one)."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError([(N_("The current password is wrong."), {})], field="current_password")
    problems = password_problems(new, user.email)
    if problems:
        raise AccountError(problems, field="new_password")
    user.password_hash = generate_password_hash(new)
    log_out_everywhere(session, user, now)


def set_role(session: Session, user: User, role: str) -> None:
    if role not in ROLES:
        raise AccountError([_unknown_role(role)], "role")
    # An admin's activity is never learner data: every course they answered in follows.
    with course_statistics.user_changing(session, user.id):
        user.role = role


def end_all_sessions(user: User) -> None:
    """Invalidates every session and remember cookie of the user (they carry the version)."""
    user.session_version += 1


def log_out_everywhere(session: Session, user: User, now: datetime) -> int:
    """Every session, remember cookie and API token of the user stops working; returns
    how many tokens were revoked. Used by "log out everywhere", a password change and
    disabling the account."""
    end_all_sessions(user)
    return revoke_all_api_tokens(session, user, now)


def disable_user(session: Session, user: User, now: datetime) -> None:
    """A disabled account cannot log in, and nothing issued before keeps working, even if
    it is enabled again later."""
    user.active = False
    log_out_everywhere(session, user, now)
    session.flush()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(session: Session, user: User, name: str = "") -> tuple[str, ApiToken]:
    """The secret (shown once) and its row; only the secret's SHA-256 is stored."""
    token = "qz_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name, token_hash=hash_token(token), prefix=token[:10])
    session.add(row)
    session.flush()
    return token, row


def issue_api_token(session: Session, user: User, name: str = "") -> str:
    return create_api_token(session, user, name)[0]


def list_api_tokens(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens that still work, newest first."""
    return list(
        session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def token_and_user(session: Session, token_hash: str) -> tuple[ApiToken, User] | None:
    """The live token with that SHA-256 (`hash_token`) and its active user, in one
    statement; None when there is none."""
    found = session.execute(_TOKEN_AND_USER, {"token_hash": token_hash}).first()
    if found is None or not found[1].active:
        return None
    return found[0], found[1]


def last_use_due(api_token: ApiToken, now: datetime) -> bool:
    """Whether the token's "last used" is stale: to the minute is enough, so most API
    calls leave it as it is."""
    return api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_PRECISION


def record_last_use(session: Session, token_id: int, now: datetime) -> None:
    session.execute(_LAST_USED, {"token_id": token_id, "now": now})


# Every API request reads it: the live token and its user in one statement, built once.
_TOKEN_AND_USER = (
    sa.select(ApiToken, User)
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == sa.bindparam("token_hash"), ApiToken.revoked_at.is_(None))
)
# A Core UPDATE of the table: the token object read with the user is left as it is.
_TOKENS = ApiToken.__table__
_LAST_USED = (
    sa.update(_TOKENS)
    .where(_TOKENS.c.id == sa.bindparam("token_id"))
    .values(last_used_at=sa.bindparam("now"))
)


def revoke_all_api_tokens(session: Session, user: User, now: datetime) -> int:
    result = session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return result.rowcount


def revoke_api_token(session: Session, user: User, token_id: int, now: datetime) -> bool:
    api_token = session.scalar(
        sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
    )
    if api_token is None or api_token.revoked_at is not None:
        return False
    api_token.revoked_at = now
    return True
