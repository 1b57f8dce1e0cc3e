"""The only persisted state: server id -> country and language, nothing per user."""

from __future__ import annotations

import sqlite3

from bot.platforms.server_settings import ServerSettings


def test_settings_round_trip_and_forget(tmp_path):
    path = tmp_path / "servers.sqlite3"
    store = ServerSettings(path)
    store.set(1187654321098765434, "GB", "en")
    store.set(1187654321098765434, "AU", "en")
    assert store.get(1187654321098765434).country == "AU"
    store.forget(1187654321098765434)
    assert store.get(1187654321098765434) is None
    store.close()


def test_the_database_holds_only_server_settings(tmp_path):
    path = tmp_path / "servers.sqlite3"
    store = ServerSettings(path)
    store.set(42, "GB", "en")
    store.close()
    db = sqlite3.connect(path)
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    columns = [row[1] for row in db.execute("PRAGMA table_info(server_settings)")]
    assert tables == ["server_settings"]
    assert columns == ["server_id", "country", "language"]
    db.close()
