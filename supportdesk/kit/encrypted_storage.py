"""A storage that encrypts file contents at rest, layered over whichever backend STORAGES names.

Attachments, their thumbnails and subject-access exports use it (`STORAGES["encrypted"]`, which wraps
the alias given as `inner`, "default" unless set: the local folder or the S3 bucket). Each file gets
its own random AES-256-GCM data key; the key is wrapped (encrypted) with the field-encryption keys of
supportdesk.kit.crypto (MultiFernet: every listed key opens a file, the first one wraps new ones) and
written in the file's header. `manage.py rotate_keys` rewrites the files whose key is wrapped under an
older master key.

Layout: MAGIC, 8-byte nonce prefix, 2-byte length + wrapped key, then the contents in 64 KiB chunks,
each sealed with the nonce prefix + chunk number; the last chunk is authenticated as last, so a
truncated or reordered file fails to open instead of reading short. Files are written and read
chunk by chunk (memory stays flat whatever ATTACHMENT_MAX_BYTES allows) and reads are seekable, so
FileResponse and ZIP readers work on the plaintext. Files without the header (written before the
wrapper) are read as they are; the migration that introduced it encrypted them.
"""

from __future__ import annotations

import io
import os
import struct
import tempfile

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.files import File
from django.core.files.storage import Storage, storages

from supportdesk.kit.crypto import unwrap_key, wrap_key, wrapped_key_is_current

MAGIC = b"SDE1"
CHUNK = 64 * 1024
TAG = 16
_LAST, _MORE = b"last", b"more"


class CorruptFile(ValueError):
    """The file's contents do not authenticate (tampered, truncated or under an unknown key)."""


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


def encrypt_stream(source, target) -> None:
    """Read plaintext from `source` (a binary file object), write the encrypted file to `target`."""
    data_key, prefix = AESGCM.generate_key(bit_length=256), os.urandom(8)
    wrapped = wrap_key(data_key)
    target.write(MAGIC + prefix + struct.pack(">H", len(wrapped)) + wrapped)
    cipher, index = AESGCM(data_key), 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK) if len(chunk) == CHUNK else b""
        last = not following
        target.write(cipher.encrypt(_nonce(prefix, index), chunk, _LAST if last else _MORE))
        if last:
            return
        chunk, index = following, index + 1


def read_header(raw) -> tuple[bytes, bytes, int] | None:
    """(wrapped key, nonce prefix, header length), or None for a plaintext (legacy) file."""
    head = raw.read(len(MAGIC) + 10)
    if not head.startswith(MAGIC) or len(head) < len(MAGIC) + 10:
        return None
    prefix = head[len(MAGIC) : len(MAGIC) + 8]
    (length,) = struct.unpack(">H", head[len(MAGIC) + 8 :])
    wrapped = raw.read(length)
    return wrapped, prefix, len(MAGIC) + 10 + length


class DecryptingReader(io.RawIOBase):
    """The plaintext of an encrypted file, read chunk by chunk, seekable (FileResponse asks the size)."""

    def __init__(self, raw, wrapped: bytes, prefix: bytes, header_length: int):
        super().__init__()
        self._raw, self._prefix, self._start = raw, prefix, header_length
        try:
            self._cipher = AESGCM(unwrap_key(wrapped))
        except Exception as error:
            raise CorruptFile("the file's key cannot be unwrapped with the configured keys") from error
        raw.seek(0, io.SEEK_END)
        body = raw.tell() - header_length
        self._chunks = max(1, -(-body // (CHUNK + TAG)))
        self.size = body - self._chunks * TAG
        self._position, self._cached = 0, (-1, b"")
        # The last chunk is authenticated as last at once: a file cut anywhere fails here, not after a short read.
        self._chunk(self._chunks - 1)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def _chunk(self, index: int) -> bytes:
        if self._cached[0] != index:
            self._raw.seek(self._start + index * (CHUNK + TAG))
            sealed = self._raw.read(CHUNK + TAG)
            last = index == self._chunks - 1
            try:
                plain = self._cipher.decrypt(_nonce(self._prefix, index), sealed, _LAST if last else _MORE)
            except InvalidTag as error:
                raise CorruptFile(f"chunk {index} does not authenticate") from error
            self._cached = (index, plain)
        return self._cached[1]

    def readinto(self, buffer) -> int:
        if self._position >= self.size:
            return 0
        index, offset = divmod(self._position, CHUNK)
        piece = self._chunk(index)[offset : offset + len(buffer)]
        buffer[: len(piece)] = piece
        self._position += len(piece)
        return len(piece)

    def close(self) -> None:
        self._raw.close()
        super().close()


class EncryptedStorage(Storage):
    """Encrypts on save, decrypts on open; names, listing and deletion are the inner storage's."""

    def __init__(self, inner: str = "default"):
        self.inner_alias = inner

    @property
    def inner(self) -> Storage:
        return storages[self.inner_alias]

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("encrypted files are written with save(), opened read-only")
        raw = self.inner.open(name, "rb")
        header = read_header(raw)
        if header is None:
            raw.seek(0)
            return File(raw, name)
        return File(io.BufferedReader(DecryptingReader(raw, *header), buffer_size=CHUNK), name)

    def _save(self, name, content):
        if hasattr(content, "seek"):
            content.seek(0)
        with tempfile.SpooledTemporaryFile(max_size=4 * CHUNK) as sealed:
            encrypt_stream(content, sealed)
            sealed.seek(0)
            return self.inner.save(name, File(sealed, name))

    def get_available_name(self, name, max_length=None):
        return self.inner.get_available_name(name, max_length=max_length)

    def get_valid_name(self, name):
        return self.inner.get_valid_name(name)

    def delete(self, name):
        self.inner.delete(name)

    def exists(self, name):
        return self.inner.exists(name)

    def listdir(self, path):
        return self.inner.listdir(path)

    def size(self, name):
        with self.open(name) as opened:
            opened.seek(0, io.SEEK_END)
            return opened.tell()

    def url(self, name):
        raise NotImplementedError("encrypted files are served by permission-checked views, never by URL")

    def get_created_time(self, name):
        return self.inner.get_created_time(name)

    def get_modified_time(self, name):
        return self.inner.get_modified_time(name)

    def is_encrypted(self, name) -> bool:
        with self.inner.open(name, "rb") as raw:
            return read_header(raw) is not None

    def needs_rewrap(self, name) -> bool:
        """Plaintext, or its data key wrapped under a key that is no longer the current one."""
        with self.inner.open(name, "rb") as raw:
            header = read_header(raw)
        return header is None or not wrapped_key_is_current(header[0])

    def reencrypt(self, name: str) -> str:
        """Write the file again under the current key (a new name); the caller points its row at the
        returned name, then deletes the old one, so a crash in between loses nothing."""
        with self.open(name) as plain:
            return self.save(name, plain)


def encrypted_storage() -> Storage:
    """The storage of attachments, thumbnails and exports (a callable, so settings pick it at run time)."""
    return storages["encrypted"]


def reencrypt_files(queryset, field_name: str, *, batch: int = 200, progress=None) -> int:
    """Rewrite every file of `queryset`'s `field_name` that is plaintext or under an older key, in pk
    batches: the new file is written first, the row pointed at it, then the old file deleted (a crash
    leaves at worst an orphan file, never a row without its file). Returns how many were rewritten."""
    storage, rewritten, last, done = encrypted_storage(), 0, 0, 0
    rows = queryset.exclude(**{field_name: ""}).exclude(**{f"{field_name}__isnull": True}).order_by("pk")
    total = rows.count()
    while chunk := list(rows.filter(pk__gt=last).values_list("pk", field_name)[:batch]):
        for pk, name in chunk:
            if storage.exists(name) and storage.needs_rewrap(name):
                fresh = storage.reencrypt(name)
                queryset.model._base_manager.filter(pk=pk).update(**{field_name: fresh})
                storage.delete(name)
                rewritten += 1
        last, done = chunk[-1][0], done + len(chunk)
        if progress:
            progress(done, total)
    return rewritten
