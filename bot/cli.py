"""The `safety-bot` command line: curator tools now, the conversation surfaces later."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bot.config import LOG_LEVELS, Config, ConfigError, load_config
from bot.content.loader import default_content_root, load_content
from bot.content.yamlsource import ContentError

CAP_BYTES = 4096 * 4  # enough bytes for 4,096 characters of UTF-8


def _content_path(args: argparse.Namespace) -> Path | None:
    return getattr(args, "content", None) or args.config_obj.content_path


def _load_engine(args: argparse.Namespace):
    """The conversation engine every surface uses, built from the config (content, language, country)."""
    from bot.conversation.engine import Engine

    config: Config = args.config_obj
    return Engine.from_content(_content_path(args), config.language, config.default_country, config.privacy_url)


def _load_matcher(args: argparse.Namespace):
    from bot.matching import Matcher

    config: Config = args.config_obj
    return Matcher(load_content(_content_path(args), config.language))


def cmd_chat(args: argparse.Namespace) -> int:
    """The console conversation: no token, no network."""
    from bot.platforms.console import run_console

    country = args.country.upper() if args.country and args.country != "international" else args.country
    if country == "UK":
        country = "GB"
    engine = _load_engine(args)
    if country and not engine.directory.known(country):
        known = ", ".join(engine.directory.codes())
        print(f"safety-bot chat: no resources for country {args.country!r} (known: {known})", file=sys.stderr)
        return 2
    return run_console(engine, country)


def cmd_telegram(args: argparse.Namespace) -> int:
    """Run the Telegram bot until SIGTERM or SIGINT."""
    import asyncio
    import logging
    import os

    from bot.platforms.telegram_run import serve

    log = logging.getLogger("bot.cli")
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        print("safety-bot telegram: set TELEGRAM_BOT_TOKEN (from @BotFather) in the environment", file=sys.stderr)
        return 2
    config: Config = args.config_obj
    secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "")
    if config.telegram.mode == "webhook" and (not config.telegram.webhook_url or not secret):
        print("safety-bot telegram: webhook mode needs telegram.webhook_url and TELEGRAM_WEBHOOK_SECRET",
              file=sys.stderr)
        return 2
    engine = _load_engine(args)
    log.info("content loaded; starting Telegram")
    return asyncio.run(serve(engine, token, config, secret))


def cmd_discord(args: argparse.Namespace) -> int:
    """Run the Discord bot until SIGTERM or SIGINT."""
    import asyncio
    import os

    from bot.platforms.discord_run import serve

    token = os.environ.get("DISCORD_BOT_TOKEN", "").strip()
    if not token:
        print("safety-bot discord: set DISCORD_BOT_TOKEN (Developer Portal -> Bot -> Token) in the environment",
              file=sys.stderr)
        return 2
    config: Config = args.config_obj
    engine = _load_engine(args)
    return asyncio.run(serve(engine, token, config))


def cmd_run(args: argparse.Namespace) -> int:
    """Every enabled platform (with its token set) in one process and one event loop."""
    import asyncio

    from bot.platforms.discord_run import run_all

    config: Config = args.config_obj
    engine = _load_engine(args)
    return asyncio.run(run_all(engine, config))


def cmd_classify(args: argparse.Namespace) -> int:
    """One message per stdin line -> one JSON object per stdout line."""
    matcher = _load_matcher(args)
    out = sys.stdout
    for raw in sys.stdin.buffer:
        line = raw[:CAP_BYTES].decode("utf-8", errors="replace").rstrip("\r\n")
        match = matcher.match(line)
        out.write(json.dumps(match.as_json(explain=args.explain), ensure_ascii=False) + "\n")
        out.flush()
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.evaluation import EvalFileError, evaluate, format_report, read_labelled

    matcher = _load_matcher(args)
    try:
        messages = read_labelled(args.file)
    except (OSError, EvalFileError) as exc:
        print(f"safety-bot eval: {exc}", file=sys.stderr)
        return 2
    report, _ = evaluate(matcher, messages, worst=args.worst)
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    failures = []
    if args.min_accuracy is not None and report.accuracy < args.min_accuracy:
        failures.append(f"accuracy {report.accuracy:.3f} < {args.min_accuracy}")
    if args.min_crisis_recall is not None and (report.crisis_recall or 0.0) < args.min_crisis_recall:
        failures.append(f"crisis recall {report.crisis_recall} < {args.min_crisis_recall}")
    rate = report.hard_negative_false_alarm_rate
    limit = args.max_hard_negative_false_alarms
    if limit is not None and rate is not None and rate > limit:
        failures.append(f"hard-negative false alarms {rate:.3f} > {args.max_hard_negative_false_alarms}")
    for failure in failures:
        print(f"GATE FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


def cmd_check(args: argparse.Namespace) -> int:
    from bot.content.lint import Finding, lint_matcher
    from bot.matching import Matcher

    started = time.perf_counter()
    try:
        content = load_content(args.path or args.config_obj.content_path, args.config_obj.language)
        matcher = Matcher(content)
    except ContentError as exc:
        for where, message in exc.problems:
            print(f"{where}: error: {message}" if where else f"error: {message}")
        print(f"check failed: {len(exc.problems)} error(s)", file=sys.stderr)
        return 1
    findings = lint_matcher(content, matcher)
    try:
        from bot.conversation.lint import lint_conversation

        findings += lint_conversation(content, matcher)
    except ContentError as exc:
        findings += [Finding("error", where, message) for where, message in exc.problems]
    for finding in findings:
        print(finding)
    errors = sum(f.level == "error" for f in findings)
    warnings = sum(f.level == "warning" for f in findings)
    elapsed = time.perf_counter() - started
    summary = (f"checked {len(content.files)} files, {len(content.intents)} intents, "
               f"{len(content.concepts)} concepts: {errors} error(s), {warnings} warning(s) in {elapsed:.2f}s")
    print(summary, file=sys.stderr)
    return 1 if errors or (args.strict and warnings) else 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                        help="YAML config file (default: $SAFETY_BOT_CONFIG, else built-in defaults)")
    common.add_argument("--log-level", choices=LOG_LEVELS, type=str.upper, default=argparse.SUPPRESS,
                        help="log level (default: $LOG_LEVEL, else the config, else WARNING)")
    parser = argparse.ArgumentParser(
        prog="safety-bot",
        description="A confidential safety chatbot for teenagers (Discord, Telegram, console). "
                    "Start with `safety-bot chat`.",
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def content_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--content", type=Path, default=None, metavar="DIR",
                       help=f"content directory (default: the config's content_path, else {default_content_root()})")

    p = sub.add_parser("chat", parents=[common], help="talk to the bot in this terminal (no token, no network)",
                       description="The console conversation. Type a number to pick a choice or write a message; "
                                   "/menu, /country, /privacy, /quit. Works with piped stdin for scripts.")
    p.add_argument("--country", metavar="CC", default=None,
                   help="ISO country code for helplines, e.g. GB, US, AU (default: the config's default_country)")
    content_option(p)
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("telegram", parents=[common], help="run the Telegram bot (token from TELEGRAM_BOT_TOKEN)",
                       description="Runs until SIGTERM/SIGINT. Long polling by default; webhook mode with "
                                   "telegram.mode: webhook, telegram.webhook_url and TELEGRAM_WEBHOOK_SECRET. "
                                   "The Bot API base URL comes from telegram.base_url or TELEGRAM_API_BASE_URL.")
    content_option(p)
    p.set_defaults(func=cmd_telegram)

    p = sub.add_parser("discord", parents=[common], help="run the Discord bot (token from DISCORD_BOT_TOKEN)",
                       description="Runs until SIGTERM/SIGINT. REST and gateway URLs from discord.api_base_url / "
                                   "DISCORD_API_BASE_URL and discord.gateway_url / DISCORD_GATEWAY_URL.")
    content_option(p)
    p.set_defaults(func=cmd_discord)

    p = sub.add_parser("run", parents=[common], help="run every enabled platform in one process",
                       description="Starts Telegram and/or Discord (config `platforms`, each only if its token "
                                   "is set) in one event loop; stops all on SIGTERM/SIGINT.")
    content_option(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("classify", parents=[common], help="classify messages from stdin, one JSON result per line",
                       description="Read one message per line on stdin; write one JSON object per line: "
                                   '{"intent", "crisis", "crisis_level", "confidence"}. Lines are cut to '
                                   "4,096 characters; invalid UTF-8 is replaced, never fatal.")
    p.add_argument("--explain", action="store_true",
                   help="add the rules, concepts and matched terms (contains message words: never log it)")
    content_option(p)
    p.set_defaults(func=cmd_classify)

    p = sub.add_parser("eval", parents=[common], help="measure the matcher on a labelled JSONL file",
                       description='Each line: {"text", "intent", "crisis", "note"?}. Notes starting with '
                                   '"hard negative" count towards the hard-negative false-alarm rate.')
    p.add_argument("file", type=Path, metavar="FILE.jsonl")
    p.add_argument("--min-accuracy", type=float, metavar="X", help="fail (exit 1) below this accuracy (0..1)")
    p.add_argument("--min-crisis-recall", type=float, metavar="Y", help="fail below this crisis recall (0..1)")
    p.add_argument("--max-hard-negative-false-alarms", type=float, metavar="Z",
                   help="fail above this crisis false-alarm rate on hard negatives (0..1)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--worst", type=int, default=10, metavar="N", help="how many confusions to list (default 10)")
    content_option(p)
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("check", parents=[common], help="validate the content (file:line errors, non-zero exit)",
                       description="Validate schema, references, rules that can never fire, and that every "
                                   "example matches its intent and no counter-example does.")
    p.add_argument("path", nargs="?", type=Path, default=None, metavar="PATH",
                   help="content directory (default: the project's intents/)")
    p.add_argument("--strict", action="store_true", help="fail on warnings too")
    p.set_defaults(func=cmd_check)
    return parser


def _setup_logging(level: str) -> None:
    """The privacy-safe setup (bot/privacy.py), before any platform library is constructed."""
    import os

    from bot import privacy

    names = ("TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET")
    tokens = [os.environ.get(name, "") for name in names]
    privacy.configure(level, secrets=tokens)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = load_config(getattr(args, "config", None))
    except ConfigError as exc:
        print(f"safety-bot: {exc}", file=sys.stderr)
        return 2
    args.config_obj = config
    _setup_logging(getattr(args, "log_level", None) or config.log_level)
    try:
        return int(args.func(args))
    except ContentError as exc:
        print(f"safety-bot: the content has errors (run `safety-bot check`):\n{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
