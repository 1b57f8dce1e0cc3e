"""Every logging call in bot/ is listed by parsing the source; any that could pass user-derived
data (message text, names, ids, update objects, str(exc)) fails the test.

Rules: a log call's message is a string literal and its other arguments are literals or a few
named constants; `log_exception(logger, event, exc)` takes a literal event (or an f-string of
allow-listed library names) and the exception object, of which only the type is logged.
print() is allowed only in the console surface and the CLI.
"""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"
LEVELS = {"debug", "info", "warning", "error", "exception", "critical", "log"}
LOGGER_NAMES = {"log", "logger", "logging", "_log"}
SAFE_NAMES = {"SEND_ATTEMPTS", "event_method"}  # constants and library event names, never user data
PRINT_ALLOWED = {"cli.py", "console.py"}


def _safe(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id in SAFE_NAMES
    if isinstance(node, ast.JoinedStr):
        return all(isinstance(v, ast.Constant) or (isinstance(v, ast.FormattedValue) and _safe(v.value))
                   for v in node.values)
    return False


def audit(source: str, filename: str) -> tuple[list[str], list[str]]:
    """(all logging calls found, the unsafe ones) as 'file:line' strings."""
    found, unsafe = [], []
    tree = ast.parse(source, filename)
    trusted: set[int] = set()  # the body of log_exception itself: it logs only a type name and frames
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "log_exception" and filename.endswith("privacy.py"):
            trusted.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or node.lineno in trusted:
            continue
        func = node.func
        where = f"{filename}:{node.lineno}"
        if isinstance(func, ast.Attribute) and func.attr in LEVELS and isinstance(func.value, ast.Name) \
                and func.value.id in LOGGER_NAMES:
            found.append(where)
            if not node.args or not isinstance(node.args[0], ast.Constant) or not all(map(_safe, node.args[1:])) \
                    or node.keywords:
                unsafe.append(where)
        elif isinstance(func, ast.Name) and func.id == "log_exception":
            found.append(where)
            if len(node.args) != 3 or not _safe(node.args[1]):
                unsafe.append(where)
        elif isinstance(func, ast.Name) and func.id == "print" and Path(filename).name not in PRINT_ALLOWED:
            found.append(where)
            unsafe.append(where)
    return found, unsafe


def test_every_log_call_in_the_package_is_free_of_user_data():
    all_found, all_unsafe = [], []
    for path in sorted(BOT.rglob("*.py")):
        found, unsafe = audit(path.read_text(encoding="utf-8"), str(path.relative_to(BOT.parent)))
        all_found += found
        all_unsafe += unsafe
    assert len(all_found) >= 25, all_found  # the audit really sees the package's log calls
    assert not all_unsafe, all_unsafe


def test_negative_control_the_audit_catches_leaky_calls():
    leaky = '''
log.info("got %s", message.text)
log.info(f"user {user.username}")
logger.error("failed: %s", str(exc))
log_exception(log, f"failed for {chat_id}", exc)
log.warning("x", extra={"update": update})
print(update)
'''
    found, unsafe = audit(leaky, "bot/platforms/example.py")
    assert len(unsafe) == 6 == len(found)
    clean, problems = audit('log.info("ok %d", SEND_ATTEMPTS)\nlog_exception(log, "event", exc)\n', "bot/x.py")
    assert len(clean) == 2 and not problems
