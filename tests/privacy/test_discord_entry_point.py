"""The real `safety-bot discord` entry point, as a process, against the fake gateway + REST:
canaries in every event must not appear in its raw stdout/stderr at DEBUG, INFO or WARNING
(including a 429 whose library warning names the DM channel). A negative control shows the scan
catches a leak when logging is naive."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.canaries import DC_DM_CHANNEL_ID, DC_TOKEN, TEXT_MARKER, find_canaries
from tests.fakes import dc_payloads as d
from tests.fakes.discord_api import FakeDiscord

ROOT = Path(__file__).resolve().parents[2]


def _env(fake: FakeDiscord, level: str, db: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"DISCORD_BOT_TOKEN": DC_TOKEN, "DISCORD_API_BASE_URL": fake.api_base,
                "DISCORD_GATEWAY_URL": fake.gateway_url, "LOG_LEVEL": level, "SAFETY_BOT_SETTINGS_DB": str(db),
                "PYTHONUNBUFFERED": "1"})
    return env


@pytest.mark.parametrize("level", ["DEBUG", "INFO", "WARNING"])
async def test_entry_point_leaks_nothing(level, tmp_path):
    fake = FakeDiscord()
    await fake.start()
    env = _env(fake, level, tmp_path / "s.sqlite3")
    (tmp_path / "home").mkdir()
    env["HOME"] = str(tmp_path / "home")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "discord", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await fake.wait_for_op(2, timeout=60)  # IDENTIFY
        await fake.wait_for_call("PUT", "/applications/", timeout=30)
        fake.fail_next("POST", f"/channels/{DC_DM_CHANNEL_ID}/messages", 429, 0, "You are being rate limited.",
                       retry_after=0.05)
        await fake.dispatch("MESSAGE_CREATE", d.dm_message(f"{TEXT_MARKER} he says he will leak my nudes"))
        await fake.wait_for_call("POST", f"/channels/{DC_DM_CHANNEL_ID}/messages", count=2, timeout=30)
        await fake.dispatch("INTERACTION_CREATE", d.slash_command("help", guild=True))
        await fake.wait_for_call("POST", "/interactions/", timeout=30)
        proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await fake.stop()
    output = (out + err).decode(errors="replace")
    assert proc.returncode == 0, output
    assert not find_canaries(output), output
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert written == ["s.sqlite3"], written  # the server-settings database and nothing else
    import sqlite3

    db = sqlite3.connect(tmp_path / "s.sqlite3")
    assert [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["server_settings"]
    assert db.execute("SELECT COUNT(*) FROM server_settings").fetchone()[0] == 0  # no per-user rows, ever
    db.close()


async def test_negative_control_naive_logging_leaks_ids(tmp_path):
    fake = FakeDiscord()
    await fake.start()
    script = (
        "import asyncio, logging, discord, yarl\n"
        "logging.basicConfig(level=logging.DEBUG)\n"
        f"discord.http.Route.BASE = {fake.api_base!r}\n"
        f"discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL({fake.gateway_url!r})\n"
        "async def main():\n"
        "    client = discord.Client(intents=discord.Intents.none(), guild_ready_timeout=0.01)\n"
        f"    await client.login({DC_TOKEN!r})\n"
        "    task = asyncio.create_task(client.connect(reconnect=False))\n"
        "    await client.wait_until_ready()\n"
        "    await asyncio.sleep(0.5)\n"
        "    await client.close()\n"
        "asyncio.run(main())\n"
    )
    try:
        proc = await asyncio.create_subprocess_exec(sys.executable, "-c", script, cwd=ROOT,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        wait = asyncio.create_task(proc.communicate())
        await fake.wait_for_op(2, timeout=60)
        await fake.dispatch("MESSAGE_CREATE", d.dm_message(f"{TEXT_MARKER} hi"))
        out, err = await asyncio.wait_for(wait, timeout=60)
    finally:
        await fake.stop()
    assert TEXT_MARKER in find_canaries((out + err).decode(errors="replace"))


async def test_run_starts_the_enabled_platform_and_stops_on_sigterm(tmp_path):
    fake = FakeDiscord()
    await fake.start()
    env = _env(fake, "INFO", tmp_path / "s.sqlite3")
    env.pop("TELEGRAM_BOT_TOKEN", None)
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await fake.wait_for_op(2, timeout=60)
        await fake.dispatch("MESSAGE_CREATE", d.dm_message("hi"))
        await fake.wait_for_call("POST", f"/channels/{DC_DM_CHANNEL_ID}/messages", timeout=30)
        proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await fake.stop()
    output = (out + err).decode(errors="replace")
    assert proc.returncode == 0, output
    assert "Discord bot running" in output
    assert not find_canaries(output)


async def test_run_without_any_token_explains():
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN")}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode == 2
    assert b"no platform to run" in err
