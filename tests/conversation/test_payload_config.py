"""Payload encoding, and configuration loading with clear errors."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_config
from bot.conversation.payload import Payload, decode


def test_payload_round_trip_and_size_limit():
    payload = Payload("t", "block_report_instagram", "international")
    assert decode(payload.encode()) == payload
    with pytest.raises(ValueError):
        Payload("t", "x" * 70, "GB").encode()


def test_no_config_file_gives_defaults():
    config = load_config(None, environ={})
    assert config.default_country == "international"
    assert config.log_level == "WARNING"


def test_file_then_environment(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("default_country: gb\nlog_level: info\nlimits: {state_ttl_minutes: 5}\n")
    config = load_config(path, environ={})
    assert (config.default_country, config.log_level, config.limits.state_ttl_minutes) == ("GB", "INFO", 5)
    env = load_config(path, environ={"SAFETY_BOT_DEFAULT_COUNTRY": "AU", "LOG_LEVEL": "debug"})
    assert (env.default_country, env.log_level) == ("AU", "DEBUG")
    via_env = load_config(None, environ={"SAFETY_BOT_CONFIG": str(path)})
    assert via_env.default_country == "GB"


@pytest.mark.parametrize(("text", "message"), [
    ("default_contry: GB\n", "unknown key 'default_contry'"),
    ("default_country: UK\n", "use GB"),
    ("default_country: Britain\n", "ISO 3166-1"),
    ("log_level: loud\n", "log_level"),
    ("limits: {state_ttl_minutes: 0}\n", "limits.state_ttl_minutes"),
    ("limits: {ttl: 5}\n", "unknown key 'ttl'"),
    ("- a\n- b\n", "expected a mapping"),
    ("a: [\n", "not valid YAML"),
])
def test_bad_config_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        load_config(path, environ={})


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml", environ={})


@pytest.mark.parametrize(("text", "message"), [
    ("telegram: {token: x}\n", "the token comes only from TELEGRAM_BOT_TOKEN"),
    ("discord: {token: x}\n", "the token comes only from DISCORD_BOT_TOKEN"),
    ("telegram: [1]\n", "telegram: expected a mapping"),
    ("telegram: {mode: carrier-pigeon}\n", "telegram.mode"),
    ("discord: {gateway_url: 'http://x'}\n", "discord.gateway_url"),
])
def test_platform_sections_refuse_tokens_and_bad_values(tmp_path, text, message):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(path, environ={})


def test_platform_environment_overrides(tmp_path):
    env = {"TELEGRAM_API_BASE_URL": "http://127.0.0.1:1/bot", "DISCORD_GATEWAY_URL": "ws://127.0.0.1:2/gateway"}
    config = load_config(None, environ=env)
    assert config.telegram.base_url == "http://127.0.0.1:1/bot"
    assert config.discord.gateway_url == "ws://127.0.0.1:2/gateway"
