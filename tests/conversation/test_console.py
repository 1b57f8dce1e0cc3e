"""`safety-bot chat` as a real process: scripted with piped stdin, clean exits."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def chat(stdin: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "chat", *args], input=stdin.encode(), capture_output=True,
                          cwd=ROOT, timeout=60)


def test_scripted_sextortion_path():
    proc = chat("he says he'll post my nudes unless i pay him\n1\n/quit\n", "--country", "GB")
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr
    assert "bot, not a person" in out
    assert "Report it on the app" in out or "Don't pay" in out
    assert "Childline" in out
    assert proc.stderr == b""


def test_eof_at_once_exits_cleanly():
    proc = chat("")
    assert proc.returncode == 0
    assert b"Bye" in proc.stdout
    assert proc.stderr == b""


def test_bad_country_is_a_clear_error():
    proc = chat("", "--country", "XX")
    assert proc.returncode == 2
    assert b"no resources for country" in proc.stderr


def test_country_command_and_number_choice():
    proc = chat("/country\n1\n", "--country", "GB")
    assert proc.returncode == 0
    assert b"Australia" in proc.stdout


def test_ctrl_c_exits_cleanly():
    proc = subprocess.Popen([sys.executable, "-m", "bot", "chat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=ROOT)
    deadline = time.time() + 30
    assert proc.stdout is not None
    line = b""
    while b"bot, not a person" not in line and time.time() < deadline:
        line = proc.stdout.readline()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert b"Traceback" not in err
