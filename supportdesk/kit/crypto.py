"""Field encryption at rest: envelope-style Fernet keys from a key provider, a keyed hash (HMAC) for
exact lookups, and the model field that stores both.

A stored value reads `enc1:<blind index>:<Fernet token>`. The token is encrypted with the first
(current) data key; every configured key can decrypt (MultiFernet), so keys rotate without downtime:
add a new key in front, run `manage.py rotate_keys`, then drop the old one. The blind index is an
HMAC-SHA256 of the normalised plaintext under a separate index key, written in front of the token
for fields declared `searchable`, so an exact match is a prefix match (`field__blind=value`) and
the plaintext never reaches the database. Values without the prefix are legacy plaintext and are
read as they are (the migration that turns a column into an encrypted one encrypts its rows).

Keys come from a KeyProvider (FIELD_KEY_PROVIDER): the default reads FIELD_ENCRYPTION_KEYS and
FIELD_BLIND_INDEX_KEY from the settings (environment); a KMS adapter implements the same two methods,
unwrapping its data keys once per process.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from functools import cache
from typing import Protocol

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import setting_changed
from django.db import models
from django.db.models.functions import Substr
from django.db.models.lookups import Exact
from django.utils.module_loading import import_string

PREFIX = "enc1:"


class KeyProvider(Protocol):
    def data_keys(self) -> list[bytes]:
        """Fernet keys, the current one first."""

    def index_key(self) -> bytes:
        """The HMAC key of the blind indexes."""


def _derived(purpose: str) -> bytes:
    """A development key derived from SECRET_KEY (production settings require real keys)."""
    return hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()


class SettingsKeyProvider:
    def data_keys(self) -> list[bytes]:
        keys = [key.encode() for key in settings.FIELD_ENCRYPTION_KEYS]
        return keys or [base64.urlsafe_b64encode(_derived("field-encryption"))]

    def index_key(self) -> bytes:
        return settings.FIELD_BLIND_INDEX_KEY.encode() if settings.FIELD_BLIND_INDEX_KEY else _derived("blind-index")


@cache
def _provider() -> KeyProvider:
    return import_string(settings.FIELD_KEY_PROVIDER)()


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in _provider().data_keys()])


def _reset(*, setting: str, **kwargs) -> None:
    if setting.startswith("FIELD_") or setting == "SECRET_KEY":
        _provider.cache_clear()
        _fernet.cache_clear()


setting_changed.connect(_reset, dispatch_uid="supportdesk.kit.crypto.reset")

_NOT_DIGITS = re.compile(r"[^\d+]")


def normalise_phone(value: str) -> str:
    """+44 (0)79-12 → +44079 12…: digits and a leading plus, what people type in any format."""
    return _NOT_DIGITS.sub("", value)


def normalise_address(value: str) -> str:
    """Hex (0x…) addresses are case-insensitive (EIP-55 only adds a checksum in the case); base58 and others are not."""
    value = value.strip()
    return value.lower() if value[:2].lower() == "0x" else value


def masked(value: str, *, visible: int = 4) -> str:
    """What a list shows of an encrypted identifier: its last few characters (enough to tell two apart)."""
    if not value:
        return ""
    return "•" * 4 + value[-visible:] if len(value) > visible * 2 else "•" * 4


def blind_index(value: str, *, normalise=str.casefold) -> str:
    return hmac.new(_provider().index_key(), normalise(value).encode(), hashlib.sha256).hexdigest()


def encrypt(value: str, *, index: str = "") -> str:
    return f"{PREFIX}{index}:{_fernet().encrypt(value.encode()).decode()}"


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored
    token = stored[len(PREFIX) :].split(":", 1)[1]
    return _fernet().decrypt(token.encode()).decode()


def is_current(stored: str) -> bool:
    """Encrypted with the current key (the rotation command skips such values)."""
    if not stored.startswith(PREFIX):
        return stored == ""
    token = stored[len(PREFIX) :].split(":", 1)[1]
    try:
        Fernet(_provider().data_keys()[0]).extract_timestamp(token.encode())
    except InvalidToken:
        return False
    return True


class EncryptedTextField(models.TextField):
    """A text column encrypted at rest. `searchable=True` writes the blind index in front of the token
    (query with `field__blind=value`, and a plain `field=value` means the same); `normalise` says what
    counts as the same value (phone: digits). A unique constraint on such a column goes on its index
    prefix, `blind_prefix(field_name)`: the token itself differs at every write."""

    def __init__(self, *args, searchable: bool = False, normalise=str.casefold, **kwargs):
        self.searchable, self.normalise = searchable, normalise
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.searchable:
            kwargs["searchable"] = True
        if self.normalise is not str.casefold:
            kwargs["normalise"] = self.normalise
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        # A searchable value (phone, address) is one line; free text (notes) keeps the text area.
        if self.searchable:
            return forms.CharField(max_length=self.max_length, required=not self.blank, label=self.verbose_name)
        return super().formfield(**kwargs)

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value or value.startswith(PREFIX):
            return value
        return encrypt(value, index=blind_index(value, normalise=self.normalise) if self.searchable else "")

    def index_of(self, value: str) -> str:
        return blind_index(value, normalise=self.normalise)


def blind_prefix(field_name: str) -> Substr:
    """The `enc1:<index>:` part of a searchable column: what a unique constraint compares."""
    return Substr(field_name, 1, len(PREFIX) + 65)


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (dicts, lists) encrypted at rest as one token: snapshots that hold personal data
    (a merged customer's phone and wallets). Not searchable, not queryable by key."""

    def from_db_value(self, value, expression, connection):
        text = super().from_db_value(value, expression, connection)
        return json.loads(text) if text else text

    def to_python(self, value):
        return json.loads(value) if isinstance(value, str) and value and not value.startswith(PREFIX) else value

    def get_prep_value(self, value):
        if isinstance(value, str) and value.startswith(PREFIX):
            return value  # already a token (the rotation writes them)
        return encrypt(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), cls=DjangoJSONEncoder)

    def formfield(self, **kwargs):
        return forms.JSONField(encoder=DjangoJSONEncoder, required=not self.blank, label=self.verbose_name)


@EncryptedTextField.register_lookup
class BlindMatch(models.Lookup):
    """`phone__blind="+44 7911 123456"`: an exact match through the keyed hash (an index-friendly prefix)."""

    lookup_name = "blind"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [f"{PREFIX}{self.lhs.output_field.index_of(value)}:%"])

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs}", [*lhs_params, *rhs_params]


@EncryptedTextField.register_lookup
class BlindExact(Exact):
    """`field=value` on a searchable column matches through the blind index (an encrypted value differs at
    every write, so comparing tokens would never match); an empty value and unsearchable columns compare as stored."""

    lookup_name = "exact"
    prepare_rhs = False

    def _blind(self) -> bool:
        return self.lhs.output_field.searchable and isinstance(self.rhs, str) and self.rhs != ""

    def get_db_prep_lookup(self, value, connection):
        if self._blind():
            return ("%s", [f"{PREFIX}{self.lhs.output_field.index_of(value)}:%"])
        return super().get_db_prep_lookup(value, connection)

    def as_sql(self, compiler, connection):
        if not self._blind():
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs}", [*lhs_params, *rhs_params]


def reencrypt(stored: str, *, field: EncryptedTextField) -> str | None:
    """The value under the current data key and index key, or None when it already is (or is empty)."""
    if not stored:
        return None
    plaintext = decrypt(stored)
    index = field.index_of(plaintext) if field.searchable else ""
    if is_current(stored) and stored.startswith(f"{PREFIX}{index}:"):
        return None
    return encrypt(plaintext, index=index)


def wrap_key(data_key: bytes) -> bytes:
    """A per-file data key encrypted under the current field key (the envelope of encrypted files)."""
    return _fernet().encrypt(data_key)


def unwrap_key(wrapped: bytes) -> bytes:
    return _fernet().decrypt(wrapped)


def wrapped_key_is_current(wrapped: bytes) -> bool:
    try:
        Fernet(_provider().data_keys()[0]).extract_timestamp(wrapped)
    except InvalidToken:
        return False
    return True
