"""Matcher speed: messages/s and p50/p99 latency for short and 4,000-character messages,
content load+compile time, and a naive baseline (one stdlib regex per term, searched in turn).

Run:  python benchmarks/bench_matcher.py [--quick] [--json]
Targets (DESIGN.md): >= 10,000 short messages/s on one core, p99 <= 1 ms at 4,000 characters,
load+compile <= 0.5 s. Timings are wall-clock on this machine; run it on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.content.loader import load_content  # noqa: E402
from bot.matching import Matcher  # noqa: E402
from bot.matching.terms import expand_term  # noqa: E402

DATA = ROOT / "tests" / "data"


def corpus() -> list[str]:
    texts = []
    for name in ("dev-messages.jsonl", "eval.jsonl", "crisis.jsonl"):
        path = DATA / name
        if path.exists():
            texts += [json.loads(line)["text"] for line in path.open(encoding="utf-8") if line.strip()]
    return texts


def long_messages(texts: list[str], count: int, length: int = 4000) -> list[str]:
    rng = random.Random(1)
    out = []
    for _ in range(count):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < length:
            parts.append(rng.choice(texts))
        out.append(" ".join(parts)[:length])
    return out


def latencies(fn, messages: list[str]) -> list[float]:
    times = []
    clock = time.perf_counter
    for message in messages:
        start = clock()
        fn(message)
        times.append(clock() - start)
    return times


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "messages": len(times),
        "per_second": len(times) / sum(times),
        "p50_ms": ordered[len(ordered) // 2] * 1e3,
        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1e3,
    }


def naive_baseline(content):
    """One compiled stdlib regex per expanded concept term, tried in turn (what we replaced)."""
    patterns = []
    for concept in content.concepts.values():
        for term in concept.terms:
            for phrase in expand_term(term.text.lower(), term.inflect):
                patterns.append((concept.name, re.compile(r"\b" + re.escape(phrase) + r"\b")))

    def scan(text: str) -> list[str]:
        low = text.lower()
        return [name for name, pattern in patterns if pattern.search(low)]

    return scan, len(patterns)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer messages (a smoke run)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    loads = []
    for _ in range(3 if args.quick else 7):
        start = time.perf_counter()
        content = load_content()
        matcher = Matcher(content)
        loads.append(time.perf_counter() - start)
    texts = [t for t in corpus() if len(t) <= 200]
    short = (texts * (1 + (2000 if args.quick else 20000) // len(texts)))[: 2000 if args.quick else 20000]
    long = long_messages(texts, 100 if args.quick else 1000)
    for message in short[:500]:
        matcher.match(message)  # warm caches the way a running bot would

    results = {
        "load_and_compile_s": statistics.median(loads),
        "lexicon_keys": matcher.lexicon.size,
        "rules": len(matcher.intent_rules) + len(matcher.crisis_rules),
        "short": summary(latencies(matcher.match, short)),
        "long_4000": summary(latencies(matcher.match, long)),
    }
    scan, npatterns = naive_baseline(content)
    # The baseline is ~1000x slower: a small sample is enough to measure it.
    base_short = summary(latencies(scan, short[: 50 if args.quick else 300]))
    base_long = summary(latencies(scan, long[: 3 if args.quick else 10]))
    results["naive_regex_patterns"] = npatterns
    results["naive_short"] = base_short
    results["naive_long_4000"] = base_long
    results["speedup_short"] = results["short"]["per_second"] / base_short["per_second"]
    results["speedup_long"] = results["long_4000"]["per_second"] / base_long["per_second"]

    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"content load + validate + compile: {results['load_and_compile_s'] * 1e3:.0f} ms "
          f"({results['lexicon_keys']} scan keys, {results['rules']} rules)")
    for label, key in (("short (<=200 chars)", "short"), ("4,000 chars", "long_4000")):
        r = results[key]
        print(f"{label:<20} {r['per_second']:>9,.0f} msg/s   p50 {r['p50_ms']:.3f} ms   p99 {r['p99_ms']:.3f} ms"
              f"   ({r['messages']} messages)")
    print(f"naive baseline: {npatterns} regexes, one per expanded term, searched in turn")
    for label, key in (("short (<=200 chars)", "naive_short"), ("4,000 chars", "naive_long_4000")):
        r = results[key]
        print(f"{label:<20} {r['per_second']:>9,.0f} msg/s   p50 {r['p50_ms']:.3f} ms   p99 {r['p99_ms']:.3f} ms")
    print(f"speed-up over the baseline: {results['speedup_short']:.0f}x short, {results['speedup_long']:.0f}x long")
    return 0


if __name__ == "__main__":
    sys.exit(main())
