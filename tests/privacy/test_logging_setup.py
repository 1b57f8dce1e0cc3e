"""bot/privacy.py: library chatter dropped, identifiers redacted, errors logged by type only.

Every test plants canary identities and checks none reaches the log stream or stderr; a
negative control shows the same checks catch a leak without the setup.
"""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot import privacy

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "7731999117:AAH" + "c" * 32
USER_ID = "7731999117"
SNOWFLAKE = "1187654321098765432"
NAME = "Canaryfirstname"
TEXT = "[canary-text-5d1c]"
CANARIES = (TOKEN, USER_ID, SNOWFLAKE, NAME, TEXT, "AAH" + "c" * 32)


@pytest.fixture
def stream():
    out = io.StringIO()
    privacy.configure("DEBUG", secrets=[TOKEN], stream=out)
    yield out
    privacy.reset()


def leaks(text: str) -> list[str]:
    return [c for c in CANARIES if c in text]


def test_library_debug_and_info_never_reach_the_log(stream):
    ext_bot = logging.getLogger("telegram.ext.ExtBot")
    ext_bot.debug("Calling sendMessage with {'chat_id': %s, 'text': '%s'}", USER_ID, TEXT)
    logging.getLogger("httpx").info("HTTP Request: POST http://127.0.0.1/bot%s/getUpdates", TOKEN)
    logging.getLogger("discord.gateway").debug("WebSocket Event: {'author': {'username': '%s'}}", NAME)
    logging.getLogger("telegram").setLevel(logging.DEBUG)  # a library lowering its own level later
    logging.getLogger("telegram.ext").info("Processing update with %s", NAME)
    assert stream.getvalue() == ""


def test_warnings_from_libraries_are_redacted(stream):
    http = logging.getLogger("discord.http")
    http.warning("rate limited POST http://x/channels/%s/messages (bot%s)", SNOWFLAKE, TOKEN)
    logging.getLogger("discord.webhook").warning("POST /interactions/%s/aW50ZXJhY3Rpb24tdG9rZW4/callback", SNOWFLAKE)
    out = stream.getvalue()
    assert "rate limited" in out and "[ID]" in out
    assert "aW50ZXJhY3Rpb24tdG9rZW4" not in out
    assert not leaks(out)


def test_our_own_lines_keep_their_level_but_lose_identifiers(stream):
    log = logging.getLogger("bot.platforms.test")
    log.info("sent reply to %s", USER_ID)
    log.error("startup failed: %s", f"The token `{TOKEN}` was rejected")
    out = stream.getvalue()
    assert "sent reply to [ID]" in out
    assert "[REDACTED" in out
    assert not leaks(out)


def test_exceptions_are_logged_by_type_and_event_only(stream):
    try:
        int(f"{TEXT} {NAME}")
    except ValueError as exc:
        privacy.log_exception(logging.getLogger("bot.test"), "handling a message", exc)
    try:
        raise RuntimeError(f"token {TOKEN} for {USER_ID}")
    except RuntimeError:
        logging.getLogger("bot.test").exception("with traceback")
    out = stream.getvalue()
    assert "handling a message: ValueError at test_logging_setup.py:" in out
    assert "RuntimeError" in out
    assert not leaks(out)


def test_thread_exceptions_go_through_the_logger(stream):
    def boom() -> None:
        raise ValueError(f"{TEXT} {NAME}")

    thread = threading.Thread(target=boom)
    thread.start()
    thread.join()
    out = stream.getvalue()
    assert "uncaught exception in a thread: ValueError" in out
    assert not leaks(out)


def test_reset_restores_global_state():
    before = (logging.getLogger().handlers[:], logging.getLogRecordFactory(), sys.excepthook)
    privacy.configure("INFO", secrets=[TOKEN], stream=io.StringIO())
    privacy.reset()
    assert (logging.getLogger().handlers[:], logging.getLogRecordFactory(), sys.excepthook) == before


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_uncaught_exception_in_a_process_prints_no_canary():
    proc = _run(
        "from bot import privacy\n"
        f"privacy.configure('DEBUG', secrets=[{TOKEN!r}])\n"
        f"raise RuntimeError({TOKEN!r} + ' ' + {TEXT!r} + ' ' + {USER_ID!r})\n"
    )
    assert proc.returncode != 0
    assert "uncaught exception: RuntimeError" in proc.stderr
    assert not leaks(proc.stdout + proc.stderr)


def test_negative_control_without_the_setup_the_checks_catch_leaks():
    proc = _run(
        "import logging\n"
        "logging.basicConfig(level=logging.DEBUG)\n"
        f"logging.getLogger('httpx').info('HTTP Request: POST http://x/bot%s/getUpdates', {TOKEN!r})\n"
        f"raise RuntimeError({TEXT!r})\n"
    )
    found = leaks(proc.stdout + proc.stderr)
    assert TOKEN in found and TEXT in found
