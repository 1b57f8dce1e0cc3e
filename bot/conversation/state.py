"""The one RAM-only store for per-conversation state (context, rate limits, message ids for
/erase), shared by every surface.

Keys are HMAC-SHA256 of ``platform:id`` under a random key made at start-up and never written
anywhere, so a key cannot be turned back into a user or chat id (a plain hash of a numeric id
could be enumerated). Entries expire after an idle time and the store is capped, oldest evicted
first. Values must never hold message text: only small enums, counters and timestamps. A
restart forgets everything, which is the point.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


def keyed_hash(secret: bytes, platform: str, identifier: int | str) -> str:
    """The only form in which a platform id may be kept, and only in RAM."""
    return hmac.new(secret, f"{platform}:{identifier}".encode(), hashlib.sha256).hexdigest()


@dataclass
class _Entry(Generic[T]):
    value: T
    touched: float


@dataclass
class StateStore(Generic[T]):
    """A bounded, expiring map from keyed hashes to small values."""

    ttl_seconds: float = 30 * 60
    max_entries: int = 10_000
    clock: Callable[[], float] = time.monotonic
    _secret: bytes = field(default_factory=lambda: os.urandom(32), repr=False)
    _entries: OrderedDict[str, _Entry[T]] = field(default_factory=OrderedDict, repr=False)

    def key(self, platform: str, identifier: int | str) -> str:
        return keyed_hash(self._secret, platform, identifier)

    def get(self, platform: str, identifier: int | str) -> T | None:
        key = self.key(platform, identifier)
        entry = self._entries.get(key)
        if entry is None:
            return None
        if self.clock() - entry.touched > self.ttl_seconds:
            del self._entries[key]
            return None
        return entry.value

    def put(self, platform: str, identifier: int | str, value: T) -> None:
        key = self.key(platform, identifier)
        self._entries[key] = _Entry(value, self.clock())
        self._entries.move_to_end(key)
        self._evict()

    def pop(self, platform: str, identifier: int | str) -> T | None:
        entry = self._entries.pop(self.key(platform, identifier), None)
        return None if entry is None else entry.value

    def _evict(self) -> None:
        now = self.clock()
        while self._entries:
            oldest_key, oldest = next(iter(self._entries.items()))
            if len(self._entries) > self.max_entries or now - oldest.touched > self.ttl_seconds:
                del self._entries[oldest_key]
            else:
                break

    def __len__(self) -> int:
        self._evict()
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()
