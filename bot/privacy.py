"""One privacy-safe logging setup for every surface (DESIGN.md non-negotiable 3).

Call `configure()` first thing in ``main()``, before any platform library is constructed
(python-telegram-bot logs its token at DEBUG in ``Bot.__init__``). Three layers:

1. Levels: the root logger stays at WARNING; our own ``bot`` namespace gets the requested
   level; platform and HTTP libraries are pinned to WARNING whatever the level says.
2. `ThirdPartyFloor`, a *handler* filter: records below WARNING from anyone but us are dropped,
   even if a library later lowers its own level or adds handlers.
3. A redacting record factory: every record is rendered once when it is created, redacted
   (known secrets, token shapes, ``/bot<token>``, interaction/webhook tokens, every run of 5+
   digits such as user ids and snowflakes) and frozen (no args, traceback pre-rendered), so no
   formatter can render the raw values again.

Uncaught exceptions (``sys.excepthook``, ``threading.excepthook``) go through the same logger.
Regexes cannot remove free text; that is guaranteed by the levels and by our rule that no
user-derived value (message text, names, ids, Update objects, ``str(exc)``) is ever passed to a
logger: use `log_exception` for errors, which records the exception type and our event only.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from collections.abc import Iterable
from types import TracebackType

APP_LOGGER = "bot"
PINNED = ("discord", "telegram", "httpx", "httpcore", "hpack", "aiohttp", "asyncio", "websockets", "urllib3",
          "apscheduler", "tornado", "py.warnings")
_PATTERNS = [
    (re.compile(r"/bot[^/\s\"'`]+"), "/bot[REDACTED]"),
    (re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}"), "[REDACTED-TOKEN]"),  # Telegram bot token shape
    (re.compile(r"\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}"), "[REDACTED-TOKEN]"),  # Discord
    (re.compile(r"(/(?:interactions|webhooks)/)[^/\s]+/[^/\s\"']+"), r"\1[REDACTED]"),
    (re.compile(r"\d{5,}"), "[ID]"),  # user/chat ids, snowflakes, message ids
]
_state: dict[str, object] = {}


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove secrets and identifier shapes from one rendered log line."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[REDACTED-SECRET]")
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class ThirdPartyFloor(logging.Filter):
    """Drop records below WARNING that do not come from our own namespace."""

    def filter(self, record: logging.LogRecord) -> bool:
        own = record.name == APP_LOGGER or record.name.startswith(APP_LOGGER + ".")
        return own or record.levelno >= logging.WARNING


def _redacting_factory(original, secrets: tuple[str, ...]):
    def factory(*args, **kwargs) -> logging.LogRecord:
        record = original(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not leak or crash
            message = f"unformattable log message from {record.name}"
        record.msg = redact(message, secrets)
        record.args = None
        if record.exc_info:
            rendered = "".join(traceback.format_exception(*record.exc_info))
            record.exc_text = redact(rendered, secrets)
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info, secrets)
        return record

    return factory


def log_exception(logger: logging.Logger, event: str, exc: BaseException) -> None:
    """Log an error by our event name, the exception type and its frames, never its message
    (``int("i want to die")`` puts the user's words into the message)."""
    frames = ", ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in traceback.extract_tb(exc.__traceback__))
    logger.error("%s: %s at %s", event, type(exc).__name__, frames or "?")


def configure(level: str | int = "WARNING", secrets: Iterable[str] = (), stream=None) -> None:
    """Install the privacy-safe logging setup (idempotent; `reset` undoes it, for tests)."""
    reset()
    secrets = tuple(s for s in secrets if s)
    root = logging.getLogger()
    _state["root_level"] = root.level
    _state["root_handlers"] = list(root.handlers)
    _state["factory"] = logging.getLogRecordFactory()
    _state["excepthook"] = sys.excepthook
    _state["threading_excepthook"] = threading.excepthook
    _state["levels"] = {name: logging.getLogger(name).level for name in (*PINNED, APP_LOGGER)}
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(ThirdPartyFloor())
    root.addHandler(handler)
    _state["handler"] = handler
    root.setLevel(logging.WARNING)
    logging.getLogger(APP_LOGGER).setLevel(level if isinstance(level, int) else level.upper())
    for name in PINNED:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.setLogRecordFactory(_redacting_factory(_state["factory"], secrets))
    logging.captureWarnings(True)
    log = logging.getLogger(APP_LOGGER + ".crash")

    def excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            return
        value.__traceback__ = tb
        log_exception(log, "uncaught exception", value)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            log_exception(log, "uncaught exception in a thread", args.exc_value)

    sys.excepthook = excepthook
    threading.excepthook = thread_hook
    _state["configured"] = True


def reset() -> None:
    """Restore what `configure` changed (tests use it to leave global state as they found it)."""
    if not _state.pop("configured", False):
        return
    root = logging.getLogger()
    handler = _state.get("handler")
    if handler in root.handlers:
        root.removeHandler(handler)
    for old in _state["root_handlers"]:  # type: ignore[union-attr]
        root.addHandler(old)
    root.setLevel(_state["root_level"])  # type: ignore[arg-type]
    for name, lvl in _state["levels"].items():  # type: ignore[union-attr]
        logging.getLogger(name).setLevel(lvl)
    logging.setLogRecordFactory(_state["factory"])  # type: ignore[arg-type]
    logging.captureWarnings(False)
    sys.excepthook = _state["excepthook"]  # type: ignore[assignment]
    threading.excepthook = _state["threading_excepthook"]  # type: ignore[assignment]
