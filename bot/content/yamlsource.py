"""YAML loading that remembers where every value came from.

Curators fix content from error messages, so every mapping, list and string we load carries
its file and line; `ContentError` prints them as ``file:line: message``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Where:
    """A position in a content file (1-based line)."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


class ContentError(Exception):
    """One or more problems in the content, each tied to a file and line."""

    def __init__(self, problems: list[tuple[Where | None, str]]):
        self.problems = list(dict.fromkeys(problems))  # one line per distinct problem
        super().__init__("\n".join(format_problem(w, m) for w, m in problems))


def format_problem(where: Where | None, message: str) -> str:
    return f"{where}: {message}" if where else message


class LStr(str):
    """A string that knows where it was written."""

    where: Where


class LDict(dict):
    """A mapping that knows where it was written."""

    where: Where


class LList(list):
    """A list that knows where it was written."""

    where: Where


_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: much faster


def _make_loader(path: str) -> type[yaml.SafeLoader]:
    class _Loader(_BASE_LOADER):  # type: ignore[valid-type,misc]
        pass

    def _where(node: yaml.Node) -> Where:
        return Where(path, node.start_mark.line + 1)

    def construct_str(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> LStr:
        value = LStr(loader.construct_scalar(node))
        value.where = _where(node)
        return value

    def construct_map(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LDict:
        result = LDict()
        result.where = _where(node)
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in seen:
                raise ContentError(
                    [(_where(key_node), f"duplicate key {key!r} (first at line {seen[key]})")]
                )
            seen[key] = key_node.start_mark.line + 1
            result[key] = loader.construct_object(value_node, deep=True)
        return result

    def construct_seq(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LList:
        result = LList(loader.construct_object(child, deep=True) for child in node.value)
        result.where = _where(node)
        return result

    _Loader.add_constructor("tag:yaml.org,2002:str", construct_str)
    _Loader.add_constructor("tag:yaml.org,2002:map", construct_map)
    _Loader.add_constructor("tag:yaml.org,2002:seq", construct_seq)
    return _Loader


def load_yaml(path: Path, display: str | None = None) -> Any:
    """Parse one YAML file; syntax errors become a `ContentError` with the file and line."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError([(Where(name, 1), f"cannot read file ({type(exc).__name__})")]) from None
    try:
        return yaml.load(text, Loader=_make_loader(name))  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise ContentError([(Where(name, line), f"YAML syntax error: {exc.problem}")]) from None
    except yaml.YAMLError as exc:
        raise ContentError([(Where(name, 1), f"YAML error: {type(exc).__name__}")]) from None


def where_of(value: Any, fallback: Where | None = None) -> Where | None:
    """The position a loaded value came from, if it has one."""
    return getattr(value, "where", fallback)
