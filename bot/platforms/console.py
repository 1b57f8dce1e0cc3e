"""The console conversation (`safety-bot chat`): the embedded default, no token, no network.

Works interactively and with piped stdin, so conversations can be scripted: a number picks a
choice, anything else is a message. /menu, /country, /privacy, /start and /quit are commands.
Exits cleanly on end of input and on Ctrl-C. Nothing is written anywhere but stdout.
"""

from __future__ import annotations

import contextlib
import sys
from typing import TextIO

from bot.conversation.engine import Context, Engine, Reply
from bot.conversation.payload import Payload
from bot.conversation.render import render_text

RULE = "-" * 60
BANNER = ("safety-bot (console). Type a number to choose, or write what is going on.\n"
          "Commands: /menu /country /privacy /start /quit")


class ConsoleChat:
    """One console conversation; the context lives in this object only (RAM)."""

    def __init__(self, engine: Engine, country: str | None, out: TextIO, interactive: bool):
        self.engine = engine
        self.context: Context = engine.context(country)
        self.out = out
        self.interactive = interactive
        self.reply: Reply | None = None

    def show(self, reply: Reply) -> None:
        self.reply = reply
        self.context = reply.context_after(self.context)
        self.out.write(f"{RULE}\n{render_text(reply)}\n{RULE}\n")
        self.out.flush()

    def handle(self, line: str) -> bool:
        """Process one input line; False means the user asked to quit."""
        text = line.strip()
        command = text.lower()
        if command in ("/quit", "/exit", "q", "quit", "exit"):
            return False
        if command in ("/start",):
            self.show(self.engine.start(self.context))
        elif command in ("/menu", "/help"):
            self.show(self.engine.menu(self.context))
        elif command == "/privacy":
            self.show(self.engine.privacy(self.context))
        elif command == "/country":
            self.show(self.engine.choose(Payload("t", "country", self.context.country).encode(), self.context))
        elif text.isdigit() and self.reply is not None:
            index = int(text) - 1
            if 0 <= index < len(self.reply.choices):
                self.show(self.engine.choose(self.reply.choices[index].payload, self.context))
            else:
                self.show(self.engine.menu(self.context))
        elif text:
            self.show(self.engine.respond(text, self.context))
        return True

    def run(self, stdin: TextIO) -> int:
        try:
            self.out.write(BANNER + "\n")
            self.show(self.engine.start(self.context))
            while True:
                if self.interactive:
                    self.out.write("> ")
                    self.out.flush()
                line = stdin.readline()
                if not line:
                    break
                if not self.handle(line):
                    break
        except KeyboardInterrupt:
            self.out.write("\n")
        self.out.write("Bye. Nothing from this chat was saved.\n")
        self.out.flush()
        return 0


def run_console(engine: Engine, country: str | None) -> int:
    stdin = sys.stdin
    with contextlib.suppress(AttributeError, ValueError):
        stdin.reconfigure(errors="replace")  # type: ignore[attr-defined]
    chat = ConsoleChat(engine, country, sys.stdout, interactive=stdin.isatty())
    return chat.run(stdin)
