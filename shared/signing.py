"""The key that signs each store's checkpoints: an Ed25519 private key in a PEM file.

It lives in a file, not in the database, so no database role (the service's, the owner's)
can read it and forge a checkpoint after rewriting history. The platform runner makes one
per service in its data folder on first start (`ensure_key`), readable by its owner only;
elsewhere it is a secret mounted as a file (CHECKPOINT_KEY_FILE). Ed25519 rather than an
HMAC: whoever holds only the public key can check the signatures, and the checkpoints name
the key (its id) they were signed with.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

log = logging.getLogger(__name__)


class KeyFileError(RuntimeError):
    """The key file is missing or is not an Ed25519 private key."""


def ensure_key(path: Path) -> bool:
    """Create a new private key at `path` (mode 0600, its folder 0700) unless one is there.
    Returns whether it made one."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    try:
        # O_EXCL: two runners starting at once must not each write a key, one overwriting
        # the other's after checkpoints were signed with it.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())
    return True


def _encoded(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _decoded(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class VerifyingKey:
    public: Ed25519PublicKey

    @property
    def key_id(self) -> str:
        """A short, stable name for the key: the start of its public key's SHA-256."""
        raw = self.public.public_bytes(serialization.Encoding.Raw,
                                       serialization.PublicFormat.Raw)
        return hashlib.sha256(raw).hexdigest()[:16]

    def verifies(self, data: bytes, signature: str) -> bool:
        try:
            self.public.verify(_decoded(signature), data)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey

    @classmethod
    def load(cls, path: Path) -> SigningKey:
        try:
            status = path.stat()
            mode = status.st_mode
            pem = path.read_bytes()
        except OSError as error:
            raise KeyFileError(
                f"checkpoint key {path} cannot be read ({error.strerror}); the platform runner "
                "creates one on first start, elsewhere mount one (see README)") from error
        # Its group may read it when that group is this process's own (a Kubernetes
        # Secret's files belong to root and the pod's fsGroup).
        if mode & stat.S_IRWXO or (mode & stat.S_IRWXG and status.st_gid != os.getegid()):
            log.warning("checkpoint key %s can be read by others than its owner (mode %o): "
                        "anyone who can read it can sign checkpoints", path, mode & 0o777)
        try:
            private = serialization.load_pem_private_key(pem, password=None)
        except ValueError as error:
            raise KeyFileError(f"checkpoint key {path} is not a PEM private key") from error
        if not isinstance(private, Ed25519PrivateKey):
            raise KeyFileError(f"checkpoint key {path} is not an Ed25519 key")
        return cls(private)

    @property
    def verifying(self) -> VerifyingKey:
        return VerifyingKey(self.private.public_key())

    @property
    def key_id(self) -> str:
        return self.verifying.key_id

    def sign(self, data: bytes) -> str:
        return _encoded(self.private.sign(data))


def main(argv: list[str] | None = None) -> int:
    """`python -m shared.signing PATH...`: make each missing key (deploy/compose.yaml's
    first start), never replacing one: checkpoints already signed name their key."""
    import sys

    for name in argv if argv is not None else sys.argv[1:]:
        made = ensure_key(Path(name))
        print(f"{'made' if made else 'kept'} checkpoint key {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
