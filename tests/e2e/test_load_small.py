"""A small, always-on version of benchmarks/load_platforms.py: many users through both platforms
at once, then a run with 429/502 bursts and a dropped gateway connection. Nothing may be lost,
the per-user limit must hold, and the RAM state must expire after the flood."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("load_platforms", ROOT / "benchmarks" / "load_platforms.py")
load_platforms = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(load_platforms)  # type: ignore[union-attr]


async def test_many_users_at_once_lose_nothing_and_limits_hold():
    result = await load_platforms.run(240, 40, ttl=1.0)
    assert result["messages"] >= 150 and result["delivered_replies"] >= 150, result
    assert result["lost_replies"] == 0, result
    assert result["flood_replies"] == load_platforms.LIMIT, result
    assert result["state_entries_after_flood"] > 0
    assert result["state_entries_after_expiry"] == 0


async def test_429_502_bursts_and_a_dropped_gateway_lose_no_reply():
    result = await load_platforms.run(60, 12, ttl=1.0, faults=True)
    assert result["messages"] >= 50, result
    assert result["lost_replies"] == 0, result
    assert result["delivered_replies"] == result["expected_replies"]
