"""Password hashing with argon2id (the library's recommended parameters); passwords are never stored."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .errors import AuthError

#: Shortest password accepted for a new account.
MIN_PASSWORD_LENGTH = 10

_HASHER = PasswordHasher()


def check_password_rules(password: str) -> None:
    """Raise :class:`AuthError` (German) if a new password is too short or blank.

    Parameters
    ----------
    password : str
        The password as typed.
    """
    if len(password) < MIN_PASSWORD_LENGTH or not password.strip():
        raise AuthError(f"Das Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen lang sein")


def hash_password(password: str) -> str:
    """Return the argon2id hash of a password (salted; encoded with its parameters)."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Tell whether a password matches a stored hash (``False`` for a malformed hash, never an error)."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Tell whether a hash was made with weaker parameters than the current ones."""
    return _HASHER.check_needs_rehash(password_hash)


@cache
def dummy_hash() -> str:
    """A hash to verify against for unknown names, so that they take as long as known ones."""
    return _HASHER.hash("kein Konto mit diesem Namen")
