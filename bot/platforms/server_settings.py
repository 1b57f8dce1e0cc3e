"""Per-server settings, the only thing the bot persists: server id -> country and language.

SQLite from the standard library. No per-user rows, no transcripts, no record of what members
choose. Deleting the file forgets every setting; removing the bot from a server and running
`forget` deletes that server's row.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ServerSetting:
    country: str
    language: str


class ServerSettings:
    """A tiny table behind a small API; one connection, used from the event loop thread only."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path))
        self._db.execute("CREATE TABLE IF NOT EXISTS server_settings ("
                         "server_id TEXT PRIMARY KEY, country TEXT NOT NULL, language TEXT NOT NULL)")
        self._db.commit()

    def get(self, server_id: int) -> ServerSetting | None:
        row = self._db.execute("SELECT country, language FROM server_settings WHERE server_id = ?",
                               (str(server_id),)).fetchone()
        return ServerSetting(row[0], row[1]) if row else None

    def set(self, server_id: int, country: str, language: str) -> None:
        self._db.execute("INSERT INTO server_settings (server_id, country, language) VALUES (?, ?, ?) "
                         "ON CONFLICT(server_id) DO UPDATE SET "
                         "country = excluded.country, language = excluded.language",
                         (str(server_id), country, language))
        self._db.commit()

    def forget(self, server_id: int) -> None:
        self._db.execute("DELETE FROM server_settings WHERE server_id = ?", (str(server_id),))
        self._db.commit()

    def close(self) -> None:
        self._db.close()
