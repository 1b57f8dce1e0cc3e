"""Configuration: an optional YAML file, overridden by environment variables, with clear errors.

Precedence: built-in defaults < config file (``--config PATH`` or ``SAFETY_BOT_CONFIG``) <
environment variables < command-line options. Unknown keys and bad values are errors that name
the key, never silently ignored. Tokens are never read from the file: only from the environment.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(ValueError):
    """The configuration is invalid; the message says which key and why."""


@dataclass(frozen=True)
class Limits:
    max_message_chars: int = 4096
    state_ttl_minutes: int = 30
    state_max_entries: int = 10000
    messages_per_minute: int = 20


@dataclass(frozen=True)
class TelegramConfig:
    mode: str = "polling"  # polling | webhook
    base_url: str | None = None  # Bot API base, e.g. http://127.0.0.1:8081/bot for a self-hosted server
    base_file_url: str | None = None
    webhook_url: str | None = None  # public https URL Telegram posts to (webhook mode)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443


@dataclass(frozen=True)
class DiscordConfig:
    api_base_url: str | None = None  # REST base, e.g. http://127.0.0.1:8082/api/v10 for a proxy
    gateway_url: str | None = None  # e.g. ws://127.0.0.1:8082/gateway
    settings_path: str = "safety-bot-servers.sqlite3"  # the only persisted state: server id -> settings
    sharded: bool = False  # AutoShardedClient for large installs
    sync_commands: bool = True
    server_messages_per_minute: int = 300


@dataclass(frozen=True)
class Config:
    default_country: str = "international"
    language: str = "en"
    content_path: Path | None = None
    log_level: str = "WARNING"
    limits: Limits = field(default_factory=Limits)
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    discord: DiscordConfig = field(default_factory=DiscordConfig)
    platforms: tuple[str, ...] = ("telegram", "discord")  # what `safety-bot run` starts (if its token is set)
    privacy_url: str | None = None  # where the operator publishes PRIVACY.md; /privacy links to it
    source: str = "defaults"


ENV = {
    "SAFETY_BOT_DEFAULT_COUNTRY": "default_country",
    "SAFETY_BOT_LANGUAGE": "language",
    "SAFETY_BOT_CONTENT": "content_path",
    "LOG_LEVEL": "log_level",
    "SAFETY_BOT_PRIVACY_URL": "privacy_url",
}
DISCORD_ENV = {"DISCORD_API_BASE_URL": "api_base_url", "DISCORD_GATEWAY_URL": "gateway_url",
               "SAFETY_BOT_SETTINGS_DB": "settings_path"}
TELEGRAM_ENV = {"TELEGRAM_API_BASE_URL": "base_url", "TELEGRAM_API_BASE_FILE_URL": "base_file_url",
                "TELEGRAM_MODE": "mode", "TELEGRAM_WEBHOOK_URL": "webhook_url"}


def _check_country(value: Any, key: str) -> str:
    if not isinstance(value, str) or not (re.fullmatch(r"[A-Za-z]{2}", value) or value == "international"):
        raise ConfigError(f"{key}: expected an ISO 3166-1 alpha-2 country code such as GB or US, or 'international'")
    code = value.upper() if value != "international" else value
    if code == "UK":
        raise ConfigError(f"{key}: use GB for the United Kingdom")
    return code


def _check_positive_int(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{key}: expected a whole number of at least 1, got {value!r}")
    return value


def _build(data: Mapping[str, Any], source: str) -> Config:
    known = {f.name for f in fields(Config)} - {"source"}
    for key in data:
        if key not in known:
            raise ConfigError(f"{source}: unknown key {key!r} (known: {', '.join(sorted(known))})")
    values: dict[str, Any] = {}
    if "default_country" in data:
        values["default_country"] = _check_country(data["default_country"], "default_country")
    if "language" in data:
        language = data["language"]
        if not isinstance(language, str) or not re.fullmatch(r"[a-z]{2}", language):
            raise ConfigError("language: expected a two-letter language code such as en")
        values["language"] = language
    if data.get("content_path") is not None:
        if not isinstance(data["content_path"], str):
            raise ConfigError("content_path: expected a directory path")
        values["content_path"] = Path(data["content_path"]).expanduser()
    if "log_level" in data:
        level = str(data["log_level"]).upper()
        if level not in LOG_LEVELS:
            raise ConfigError(f"log_level: expected one of {', '.join(LOG_LEVELS)}")
        values["log_level"] = level
    if "limits" in data:
        limits = data["limits"]
        if not isinstance(limits, Mapping):
            raise ConfigError("limits: expected a mapping")
        known_limits = {f.name for f in fields(Limits)}
        for key, value in limits.items():
            if key not in known_limits:
                raise ConfigError(f"limits: unknown key {key!r} (known: {', '.join(sorted(known_limits))})")
            _check_positive_int(value, f"limits.{key}")
        values["limits"] = Limits(**dict(limits))
    if "telegram" in data:
        values["telegram"] = _telegram(data["telegram"])
    if "discord" in data:
        values["discord"] = _discord(data["discord"])
    if data.get("privacy_url") is not None:
        url = data["privacy_url"]
        if not isinstance(url, str) or not url.startswith("https://"):
            raise ConfigError("privacy_url: expected an https URL (where PRIVACY.md is published)")
        values["privacy_url"] = url
    if "platforms" in data:
        platforms = data["platforms"]
        if not isinstance(platforms, list) or not set(platforms) <= {"telegram", "discord"} or not platforms:
            raise ConfigError("platforms: expected a list with telegram and/or discord")
        values["platforms"] = tuple(platforms)
    return Config(source=source, **values)


def _platform_section(section: Any, name: str, cls: type, token_variable: str) -> dict[str, Any]:
    """A platform section must be a mapping of known keys; tokens never belong in it."""
    if not isinstance(section, Mapping):
        raise ConfigError(f"{name}: expected a mapping")
    known = {f.name for f in fields(cls)}
    for key in section:
        if key not in known:
            raise ConfigError(f"{name}: unknown key {key!r} (known: {', '.join(sorted(known))}; "
                              f"the token comes only from {token_variable})")
    return dict(section)


def _discord(section: Any) -> DiscordConfig:
    values = _platform_section(section, "discord", DiscordConfig, "DISCORD_BOT_TOKEN")
    for key, scheme in (("api_base_url", r"^https?://"), ("gateway_url", r"^wss?://")):
        value = values.get(key)
        if value is not None and (not isinstance(value, str) or not re.match(scheme, value)):
            raise ConfigError(f"discord.{key}: expected a {'http(s)' if 'http' in scheme else 'ws(s)'} URL")
    for key in ("sharded", "sync_commands"):
        if key in values and not isinstance(values[key], bool):
            raise ConfigError(f"discord.{key}: expected true or false")
    if "server_messages_per_minute" in values:
        _check_positive_int(values["server_messages_per_minute"], "discord.server_messages_per_minute")
    if "settings_path" in values and not isinstance(values["settings_path"], str):
        raise ConfigError("discord.settings_path: expected a file path")
    return DiscordConfig(**values)


def _telegram(section: Any) -> TelegramConfig:
    values = _platform_section(section, "telegram", TelegramConfig, "TELEGRAM_BOT_TOKEN")
    if values.get("mode", "polling") not in ("polling", "webhook"):
        raise ConfigError("telegram.mode: expected polling or webhook")
    for key in ("base_url", "base_file_url", "webhook_url"):
        value = values.get(key)
        if value is not None and (not isinstance(value, str) or not re.match(r"^https?://", value)):
            raise ConfigError(f"telegram.{key}: expected an http(s) URL")
    if values.get("webhook_url") and not str(values["webhook_url"]).startswith("https://"):
        raise ConfigError("telegram.webhook_url: Telegram only posts to https URLs")
    if "webhook_port" in values:
        _check_positive_int(values["webhook_port"], "telegram.webhook_port")
    return TelegramConfig(**values)


def load_config(path: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Defaults, then the file (if any), then the environment."""
    env = os.environ if environ is None else environ
    path = path or env.get("SAFETY_BOT_CONFIG") or None
    data: dict[str, Any] = {}
    source = "defaults"
    if path:
        file = Path(path).expanduser()
        try:
            loaded = yaml.safe_load(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {file}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read config file {file} ({type(exc).__name__})") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f":{mark.line + 1}" if mark else ""
            raise ConfigError(f"{file}{where}: not valid YAML") from None
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ConfigError(f"{file}: expected a mapping of settings")
        data.update(loaded)
        source = str(file)
    for variable, key in ENV.items():
        if env.get(variable):
            data[key] = env[variable]
    _overlay(data, "telegram", TELEGRAM_ENV, env)
    _overlay(data, "discord", DISCORD_ENV, env)
    return _build(data, source)


def _overlay(data: dict[str, Any], name: str, variables: Mapping[str, str], env: Mapping[str, str]) -> None:
    """Environment variables override keys of a platform section (a non-mapping is left for _build)."""
    raw = data.get(name) or {}
    if not isinstance(raw, dict):
        return
    section = dict(raw)
    for variable, key in variables.items():
        if env.get(variable):
            section[key] = env[variable]
    if section:
        data[name] = section
