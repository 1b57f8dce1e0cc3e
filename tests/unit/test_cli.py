"""The curator tools, run as real processes (`python -m bot`), on hostile input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], stdin: bytes = b"", timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True,
                          timeout=timeout, cwd=ROOT)


def test_classify_one_json_object_per_line_on_hostile_input(mini_root):
    lines = [
        b"he will leak my pics unless i pay",
        b"",
        b"\xff\xfe\xfa not utf-8",
        b"control \x00\x01\x1b[31m chars",
        b"x" * (1024 * 1024),
        b"i want to die",
        b"\r",
    ]
    proc = run(["classify", "--content", str(mini_root)], b"\n".join(lines) + b"\n")
    assert proc.returncode == 0, proc.stderr
    results = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert len(results) == len(lines)
    for result in results:
        assert set(result) == {"intent", "crisis", "crisis_level", "confidence"}
    assert results[0]["intent"] == "sextortion"
    assert results[5]["crisis"] is True and results[5]["crisis_level"] == "crisis"
    assert proc.stderr == b""


def test_classify_long_line_is_capped_and_still_classified(mini_root):
    text = ("i want to die " + "blah " * 3000).encode()
    proc = run(["classify", "--content", str(mini_root)], text + b"\n")
    assert json.loads(proc.stdout)["crisis"] is True


def test_classify_explain_lists_rules_and_terms(mini_root):
    proc = run(["classify", "--explain", "--content", str(mini_root)], b"he will leak my pics unless i pay\n")
    result = json.loads(proc.stdout)
    rules = {e["rule"] for e in result["explain"]}
    assert "sextortion.threat" in rules


def _write_eval(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "eval.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_eval_reports_and_gates(mini_root, tmp_path):
    path = _write_eval(tmp_path, [
        {"text": "he will leak my pics unless i pay", "intent": "sextortion", "crisis": False},
        {"text": "hi", "intent": "greeting", "crisis": False},
        {"text": "i want to die", "intent": "out_of_scope", "crisis": True},
        {"text": "my mum will kill me lol", "intent": "out_of_scope", "crisis": False,
         "note": "hard negative: hyperbole"},
    ])
    ok = run(["eval", str(path), "--content", str(mini_root), "--min-accuracy", "0.9", "--min-crisis-recall", "1"])
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert b"accuracy:            100.0%" in ok.stdout
    report = json.loads(run(["eval", str(path), "--content", str(mini_root), "--json"]).stdout)
    assert report["crisis_recall"] == 1.0
    assert report["hard_negative_false_alarm_rate"] == 0.0
    assert set(report["per_intent"]["sextortion"]) == {"precision", "recall", "f1", "support"}


def test_eval_gate_failure_exits_non_zero(mini_root, tmp_path):
    path = _write_eval(tmp_path, [
        {"text": "hi", "intent": "sextortion", "crisis": True},
    ])
    proc = run(["eval", str(path), "--content", str(mini_root), "--min-accuracy", "0.5", "--min-crisis-recall", "1"])
    assert proc.returncode == 1
    assert b"GATE FAILED: accuracy" in proc.stderr
    assert b"GATE FAILED: crisis recall" in proc.stderr
    assert b"sextortion -> greeting" in proc.stdout


def test_eval_bad_file_is_a_clear_error(mini_root, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "hi"}\nnot json\n')
    proc = run(["eval", str(path), "--content", str(mini_root)])
    assert proc.returncode == 2
    assert b"bad.jsonl:2" in proc.stderr


def test_check_reports_file_and_line_and_fails(mini_root):
    greeting = mini_root / "en" / "intents" / "greeting.yaml"
    greeting.write_text(greeting.read_text() + "counter_examples: [\"hello\"]\n")
    proc = run(["check", str(mini_root)])
    assert proc.returncode == 1
    assert b"greeting.yaml:" in proc.stdout
    assert b"counter-example of greeting is classified as greeting" in proc.stdout


def test_help_explains_every_command():
    proc = run(["--help"])
    assert proc.returncode == 0
    for command in (b"classify", b"eval", b"check"):
        assert command in proc.stdout
