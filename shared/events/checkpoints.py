"""What every service publishes about its own store: signed checkpoints.

A checkpoint anchors the store's hash chains outside the database. It is signed with a key
no database role can read (shared/signing.py), kept in the store as an event, published on
the service's topic by its relay and copied to a file beside the key, so that deleting or
rewriting history, even with every hash recomputed, contradicts a signature someone else
holds (shared/postgres/checkpoints.py, `verify`).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.kernel.contracts import EventContract
from shared.kernel.envelope import canonical_json
from shared.kernel.identifiers import Slug, StreamId

_SHA256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
# An Ed25519 signature, base64url without padding (86 characters); empty before signing
# and for the first checkpoint's `previous`.
_SIGNATURE = Annotated[str, Field(pattern=r"^([A-Za-z0-9_-]{86})?$")]


class StreamHead(BaseModel):
    """A stream's last event as of a checkpoint: its version and chained hash."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    stream_id: StreamId
    version: Annotated[int, Field(ge=1)]
    hash: _SHA256


class StoreCheckpointed(EventContract):
    """A service's signed statement of its whole store up to a point in commit order: how
    many events, how many streams, a digest over every stream's head, the heads that moved
    since the previous checkpoint, and the previous checkpoint's signature (a chain)."""

    type_name = "StoreCheckpointed"
    service: Slug
    sequence: Annotated[int, Field(ge=1)]
    taken_at: AwareDatetime
    # The last event covered, in the store's commit order (transaction id, position).
    covers_tx_id: Annotated[int, Field(ge=0)]
    covers_position: Annotated[int, Field(ge=0)]
    events: Annotated[int, Field(ge=0)]
    streams: Annotated[int, Field(ge=0)]
    heads_digest: _SHA256
    heads: list[StreamHead]
    previous: _SIGNATURE
    key_id: Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")]
    signature: _SIGNATURE = ""

    def signed_text(self) -> bytes:
        """What the signature covers: everything but the signature, canonically."""
        return canonical_json(self.model_dump(mode="json", exclude={"signature"})).encode()


CONTRACTS: list[type[EventContract]] = [StoreCheckpointed]
