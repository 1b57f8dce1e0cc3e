"""The RAM-only state store: keyed hashes, expiry, a cap, no way back to the id."""

from __future__ import annotations

from bot.conversation.engine import Context
from bot.conversation.state import StateStore, keyed_hash


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_keys_are_keyed_hashes_not_ids():
    store: StateStore[Context] = StateStore()
    store.put("telegram", 7731999117, Context(country="GB"))
    keys = list(store._entries)
    assert keys and all("7731999117" not in k for k in keys)
    assert len(keys[0]) == 64
    assert "7731999117" not in repr(store)


def test_hash_key_is_per_process_random():
    a, b = StateStore(), StateStore()
    assert a.key("telegram", 1) != b.key("telegram", 1)
    assert keyed_hash(b"k", "telegram", 1) != keyed_hash(b"k", "discord", 1)


def test_entries_expire_after_the_idle_time():
    clock = Clock()
    store: StateStore[str] = StateStore(ttl_seconds=60, clock=clock)
    store.put("telegram", 1, "AWAITING_COUNTRY")
    clock.now += 59
    assert store.get("telegram", 1) == "AWAITING_COUNTRY"
    clock.now += 61
    assert store.get("telegram", 1) is None
    assert len(store) == 0


def test_the_store_is_capped_oldest_first():
    clock = Clock()
    store: StateStore[int] = StateStore(max_entries=3, clock=clock)
    for user in range(5):
        clock.now += 1
        store.put("discord", user, user)
    assert len(store) == 3
    assert store.get("discord", 0) is None and store.get("discord", 1) is None
    assert store.get("discord", 4) == 4


def test_pop_and_clear():
    store: StateStore[int] = StateStore()
    store.put("telegram", 5, 1)
    assert store.pop("telegram", 5) == 1
    assert store.pop("telegram", 5) is None
    store.put("telegram", 6, 1)
    store.clear()
    assert len(store) == 0
