"""The real `safety-bot telegram` entry point, as a process, against the fake Bot API: canaries
planted in every update must not appear in its raw stdout/stderr at DEBUG, INFO or WARNING,
including when the token is rejected. A negative control shows the scan catches a leak."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.canaries import FIRST_NAME, TEXT_MARKER, TG_TOKEN, find_canaries
from tests.fakes import tg_payloads as p
from tests.fakes.telegram_api import FakeTelegramBotAPI

ROOT = Path(__file__).resolve().parents[2]


def _env(fake: FakeTelegramBotAPI, level: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "PROXY" not in k.upper()}
    env.update({"TELEGRAM_BOT_TOKEN": TG_TOKEN, "TELEGRAM_API_BASE_URL": fake.base_url,
                "TELEGRAM_API_BASE_FILE_URL": fake.base_file_url, "LOG_LEVEL": level,
                "NO_PROXY": "127.0.0.1,localhost", "PYTHONUNBUFFERED": "1"})
    return env


async def _run_bot(fake: FakeTelegramBotAPI, level: str, conversation: bool, workdir: Path | None = None,
                   ) -> tuple[int, str]:
    env = _env(fake, level)
    if workdir is not None:  # a fresh working directory and HOME: afterwards nothing may exist there
        (workdir / "home").mkdir()
        env["HOME"] = str(workdir / "home")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "telegram", cwd=workdir or ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        if conversation:
            await fake.wait_for_call("getUpdates", timeout=60)
            fake.queue_update(p.private_text(f"{TEXT_MARKER} {FIRST_NAME} he says he will leak my nudes unless i pay"))
            await fake.wait_for_call("sendMessage", timeout=30)
            fake.queue_update(p.callback("sb1:t:already_paid:GB"))
            await fake.wait_for_call("answerCallbackQuery", timeout=30)
            fake.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
            fake.queue_update(p.private_text(f"{TEXT_MARKER} hi"))
            await fake.wait_for_call("sendMessage", count=3, timeout=30)
            proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    return proc.returncode, (out + err).decode(errors="replace")


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.mark.parametrize("level", ["DEBUG", "INFO", "WARNING"])
async def test_entry_point_leaks_nothing(level, tmp_path):
    fake = FakeTelegramBotAPI(TG_TOKEN)
    await fake.start()
    try:
        code, output = await _run_bot(fake, level, conversation=True, workdir=tmp_path)
    finally:
        await fake.stop()
    assert code == 0, output
    assert not find_canaries(output), output
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written == [], written  # a whole Telegram conversation writes no file at all
    if level == "DEBUG":
        assert "Telegram bot running" in output  # our own lines do appear at DEBUG/INFO


async def test_rejected_token_exits_with_a_clear_message_and_no_token():
    fake = FakeTelegramBotAPI(TG_TOKEN)
    fake.reject_token = True
    await fake.start()
    try:
        code, output = await _run_bot(fake, "DEBUG", conversation=False)
    finally:
        await fake.stop()
    assert code == 2
    assert "rejected the token" in output
    assert not find_canaries(output), output


async def test_negative_control_naive_logging_leaks_the_token():
    fake = FakeTelegramBotAPI(TG_TOKEN)
    await fake.start()
    script = (
        "import asyncio, logging\n"
        "from telegram.ext import ApplicationBuilder\n"
        "logging.basicConfig(level=logging.DEBUG)\n"
        f"app = ApplicationBuilder().token({TG_TOKEN!r}).base_url({fake.base_url!r}).build()\n"
        "async def main():\n"
        "    await app.initialize()\n"
        "    await app.shutdown()\n"
        "asyncio.run(main())\n"
    )
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", script, cwd=ROOT, env=_env(fake, "DEBUG"),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    finally:
        await fake.stop()
    assert TG_TOKEN in find_canaries((out + err).decode(errors="replace"))
