"""Load and faults through both platforms at once, on 127.0.0.1 only, bounded in count and time.

N messages from U simulated users (half Telegram, half Discord) go through the real
python-telegram-bot and discord.py clients against the tests' fake servers, while the fakes
inject 429 and 502 bursts and the Discord gateway connection is dropped once. Reports replies/s,
end-to-end latency (update queued -> reply received by the fake), peak memory, that per-user
limits hold, that state expires after the flood, and that no accepted message lost its reply.

Run:  python benchmarks/load_platforms.py [--messages 2000] [--users 300] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

from bot.conversation.engine import Engine  # noqa: E402
from bot.platforms.discord import SafetyClient  # noqa: E402
from bot.platforms.server_settings import ServerSettings  # noqa: E402
from bot.platforms.telegram import TelegramSurface  # noqa: E402
from tests.canaries import DC_TOKEN, TG_TOKEN  # noqa: E402
from tests.fakes import dc_payloads as d  # noqa: E402
from tests.fakes import tg_payloads as p  # noqa: E402
from tests.fakes.discord_api import FakeDiscord, patch_discord_py  # noqa: E402
from tests.fakes.telegram_api import FakeTelegramBotAPI  # noqa: E402

LIMIT = 20  # per-user messages per minute in this run (the default config)
FLOOD = 3 * LIMIT  # the flooding user's message count


def corpus() -> list[str]:
    texts = []
    for name in ("eval.jsonl", "dev-messages.jsonl"):
        texts += [json.loads(line)["text"] for line in (ROOT / "tests" / "data" / name).open(encoding="utf-8")]
    return [t for t in texts if len(t) < 500]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def monitor(fake_calls, sent_at: dict, latencies: list, stop: asyncio.Event) -> None:
    """Match each reply the fake receives to the oldest outstanding message of that chat."""
    seen = 0
    while not stop.is_set() or seen < len(fake_calls()):
        calls = fake_calls()
        for chat in calls[seen:]:
            queue = sent_at.get(chat)
            if queue:
                latencies.append(time.perf_counter() - queue.pop(0))
        seen = len(calls)
        await asyncio.sleep(0.001)


async def run(messages: int, users: int, seed: int = 7, ttl: float = 2.0, faults: bool = False) -> dict:
    rng = random.Random(seed)
    engine = Engine.from_content(default_country="GB")
    # A crisis is answered even over the rate limit; keep them out so the limit check is exact.
    texts = [t for t in corpus() if not engine.matcher.match(t).crisis]
    tg_fake, dc_fake = FakeTelegramBotAPI(TG_TOKEN), FakeDiscord()
    await tg_fake.start()
    await dc_fake.start()
    undo = patch_discord_py(dc_fake.api_base, dc_fake.gateway_url)
    settings_dir = Path(os.environ.get("TMPDIR", "/tmp")) / f"sb-load-{os.getpid()}"
    settings = ServerSettings(settings_dir / "servers.sqlite3")
    tg = TelegramSurface(engine, TG_TOKEN, base_url=tg_fake.base_url, base_file_url=tg_fake.base_file_url,
                         state_ttl_seconds=ttl, messages_per_minute=LIMIT)
    dc = SafetyClient(engine, settings, guild_ready_timeout=0.01, state_ttl_seconds=ttl, messages_per_minute=LIMIT)
    await tg.start()
    await dc.login(DC_TOKEN)
    dc_task = asyncio.create_task(dc.connect(reconnect=True))
    await asyncio.wait_for(dc.wait_until_ready(), 10)
    rss_before = rss_mb()  # peak RSS so far: the whole process with both clients and content loaded

    tg_users = [9_000_000 + i for i in range(users // 2)]
    dc_users = [str(8_000_000_000_000_000_000 + i) for i in range(users - users // 2)]
    plan: list[tuple[str, object]] = []
    for i in range(messages - (0 if faults else FLOOD)):
        if i % 2 == 0:
            plan.append(("tg", rng.choice(tg_users)))
        else:
            plan.append(("dc", rng.choice(dc_users)))
    counts: dict = {}
    for _, user in plan:
        counts[user] = counts.get(user, 0) + 1
    plan = [(k, u) for k, u in plan if counts[u] <= LIMIT]  # ordinary users stay under the limit
    flooder = tg_users[0]
    plan = [(k, u) for k, u in plan if u != flooder]
    if not faults:
        plan += [("tg", flooder)] * FLOOD
    rng.shuffle(plan)
    expected = sum(1 for _, u in plan if u != flooder) + (0 if faults else LIMIT)

    sent_tg: dict = {}
    sent_dc: dict = {}
    latencies: list[float] = []
    stop = asyncio.Event()
    monitors = [
        asyncio.create_task(monitor(lambda: [c["chat_id"] for c in tg_fake.calls_to("sendMessage")],
                                    sent_tg, latencies, stop)),
        asyncio.create_task(monitor(lambda: [c.path.split("/")[2] for c in dc_fake.calls_to("POST", "/channels/")
                                             if c.path.endswith("/messages")], sent_dc, latencies, stop)),
    ]
    # Faults: 429 and 502 bursts on Telegram sends, 429 on Discord sends, one dropped gateway connection.
    tg_failures = dc_failures = 0
    if faults:
        for _ in range(5):
            tg_fake.fail_next("sendMessage", 429, "Too Many Requests", {"retry_after": 1})
            tg_fake.fail_next("sendMessage", 502, "Bad Gateway")
            dc_fake.fail_next("POST", "/channels/", 429, 0, "You are being rate limited.", retry_after=0.05)
        tg_failures, dc_failures = 10, 5

    started = time.perf_counter()
    message_id = 1000
    for index, (kind, user) in enumerate(plan):
        text = rng.choice(texts)
        message_id += 1
        if kind == "tg":
            update = p.private_text(text, message_id=message_id)
            update["message"]["from"]["id"] = user
            update["message"]["chat"]["id"] = user
            if user != flooder or len(sent_tg.get(user, [])) < LIMIT:
                sent_tg.setdefault(user, []).append(time.perf_counter())
            tg_fake.queue_update(update)
        else:
            event = d.dm_message(text, message_id=str(message_id))
            event["author"]["id"] = user
            event["channel_id"] = str(int(user) + 1)
            sent_dc.setdefault(event["channel_id"], []).append(time.perf_counter())
            await dc_fake.dispatch("MESSAGE_CREATE", event)
        if faults and index == len(plan) // 2:
            await dc_fake.drop_connection()
            await dc_fake.wait_for_op(6, timeout=10)
        if index % 50 == 0:
            await asyncio.sleep(0)
    tg_expected = sum(1 for k, u in plan if k == "tg" and u != flooder) + (0 if faults else LIMIT)
    dc_expected = sum(1 for k, _ in plan if k == "dc")
    deadline = time.perf_counter() + 120
    while time.perf_counter() < deadline:
        tg_done = len(tg_fake.calls_to("sendMessage")) - tg_failures  # failed attempts are recorded too
        dc_calls = [c for c in dc_fake.calls_to("POST", "/channels/") if c.path.endswith("/messages")]
        dc_done = len(dc_calls) - dc_failures
        if tg_done >= tg_expected and dc_done >= dc_expected:
            break
        await asyncio.sleep(0.01)
    elapsed = time.perf_counter() - started
    await asyncio.sleep(0.3)
    delivered_tg = len(tg_fake.calls_to("sendMessage")) - tg_failures
    dc_calls = [c for c in dc_fake.calls_to("POST", "/channels/") if c.path.endswith("/messages")]
    delivered_dc = len(dc_calls) - dc_failures
    flooder_replies = len([c for c in tg_fake.calls_to("sendMessage") if c["chat_id"] == flooder])
    state_during = len(tg.store) + len(dc.store)
    rss_peak = rss_mb()
    await asyncio.sleep(ttl + 0.5)
    state_after = len(tg.store) + len(dc.store)  # expired entries are evicted on access
    stop.set()
    for task in monitors:
        await task
    await tg.stop()
    await dc.close()
    dc_task.cancel()
    undo()
    await tg_fake.stop()
    await dc_fake.stop()
    settings.close()
    latencies.sort()
    return {
        "messages": len(plan), "users": users, "expected_replies": expected,
        "delivered_replies": delivered_tg + delivered_dc,
        "lost_replies": max(0, expected - delivered_tg - delivered_dc),
        "seconds": round(elapsed, 2), "replies_per_second": round((delivered_tg + delivered_dc) / elapsed, 1),
        "latency_p50_ms": round(latencies[len(latencies) // 2] * 1e3, 1) if latencies else None,
        "latency_p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1e3, 1) if latencies else None,
        "flood_messages": 0 if faults else FLOOD, "flood_replies_at_most": LIMIT, "flood_replies": flooder_replies,
        "rss_before_mb": round(rss_before, 1), "rss_peak_mb": round(rss_peak, 1),
        "state_entries_after_flood": state_during, "state_entries_after_expiry": state_after,
        "faults": "5x429 + 5x502 on Telegram sends, 5x429 on Discord sends, 1 dropped gateway connection"
        if faults else "none",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--fault-messages", type=int, default=200, help="messages in the fault phase")
    args = parser.parse_args()
    load = asyncio.run(run(args.messages, args.users))
    faults = asyncio.run(run(args.fault_messages, 40, faults=True))
    if args.json:
        print(json.dumps({"load": load, "faults": faults}, indent=2))
    else:
        for title, result in (("load (no faults)", load), ("faults", faults)):
            print(f"== {title}")
            for key, value in result.items():
                print(f"{key:<28} {value}")
    ok = all(r["lost_replies"] == 0 and r["flood_replies"] <= LIMIT for r in (load, faults))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
