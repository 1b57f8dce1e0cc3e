"""The `safety-bot` command line: curator tools now, the conversation surfaces later."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bot.content.loader import default_content_root, load_content
from bot.content.yamlsource import ContentError

CAP_BYTES = 4096 * 4  # enough bytes for 4,096 characters of UTF-8


def _load_matcher(content_path: Path | None):
    from bot.matching import Matcher

    return Matcher(load_content(content_path))


def cmd_classify(args: argparse.Namespace) -> int:
    """One message per stdin line -> one JSON object per stdout line."""
    matcher = _load_matcher(args.content)
    out = sys.stdout
    for raw in sys.stdin.buffer:
        line = raw[:CAP_BYTES].decode("utf-8", errors="replace").rstrip("\r\n")
        match = matcher.match(line)
        out.write(json.dumps(match.as_json(explain=args.explain), ensure_ascii=False) + "\n")
        out.flush()
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.evaluation import EvalFileError, evaluate, format_report, read_labelled

    matcher = _load_matcher(args.content)
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
    from bot.content.lint import lint_matcher
    from bot.matching import Matcher

    started = time.perf_counter()
    try:
        content = load_content(args.path)
        matcher = Matcher(content)
    except ContentError as exc:
        for where, message in exc.problems:
            print(f"{where}: error: {message}" if where else f"error: {message}")
        print(f"check failed: {len(exc.problems)} error(s)", file=sys.stderr)
        return 1
    findings = lint_matcher(content, matcher)
    try:
        from bot.conversation.lint import lint_conversation
    except ImportError:
        pass
    else:
        findings += lint_conversation(content, matcher)
    for finding in findings:
        print(finding)
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    elapsed = time.perf_counter() - started
    summary = (f"checked {len(content.files)} files, {len(content.intents)} intents, "
               f"{len(content.concepts)} concepts: {errors} error(s), {warnings} warning(s) in {elapsed:.2f}s")
    print(summary, file=sys.stderr)
    return 1 if errors or (args.strict and warnings) else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="safety-bot",
        description="A confidential safety chatbot for teenagers (Discord, Telegram, console).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def content_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--content", type=Path, default=None, metavar="DIR",
                       help=f"content directory (default: {default_content_root()})")

    p = sub.add_parser("classify", help="classify messages from stdin, one JSON result per line",
                       description="Read one message per line on stdin; write one JSON object per line: "
                                   '{"intent", "crisis", "crisis_level", "confidence"}. Lines are cut to '
                                   "4,096 characters; invalid UTF-8 is replaced, never fatal.")
    p.add_argument("--explain", action="store_true",
                   help="add the rules, concepts and matched terms (contains message words: never log it)")
    content_option(p)
    p.set_defaults(func=cmd_classify)

    p = sub.add_parser("eval", help="measure the matcher on a labelled JSONL file",
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

    p = sub.add_parser("check", help="validate the content (file:line errors, non-zero exit)",
                       description="Validate schema, references, rules that can never fire, and that every "
                                   "example matches its intent and no counter-example does.")
    p.add_argument("path", nargs="?", type=Path, default=None, metavar="PATH",
                   help="content directory (default: the project's intents/)")
    p.add_argument("--strict", action="store_true", help="fail on warnings too")
    p.set_defaults(func=cmd_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
