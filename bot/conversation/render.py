"""Plain-text rendering of a `Reply` (the console, and the length checks for every platform).

Platform adapters render the same `Reply` their own way (embeds, HTML, keyboards); this module
is the reference layout: preview line, paragraphs, numbered steps, resources, choices.
"""

from __future__ import annotations

from bot.conversation.engine import Reply
from bot.conversation.resources import INTERNATIONAL, ResolvedResource


def resource_line(item: ResolvedResource) -> str:
    r = item.resource
    contact = []
    if r.phone:
        label = f" ({r.phone_label})" if r.phone_label and r.phone_label != r.phone else ""
        contact.append(f"call {r.phone}{label}")
    if r.sms:
        contact.append(f"text {r.sms}" + (f" ({r.sms_note})" if r.sms_note else ""))
    if r.url:
        contact.append(r.url)
    line = f"- {r.name}: {', '.join(contact)}"
    if r.hours:
        line += f" [{r.hours}]"
    if r.summary:
        line += f"\n  {r.summary}"
    return line


def render_body(reply: Reply) -> str:
    """Text blocks and resources (no choices): what a platform puts in the message body."""
    parts: list[str] = []
    for block in reply.blocks:
        lines = [block.preview, *block.text]
        lines += [f"{n}. {step}" for n, step in enumerate(block.steps, 1)]
        lines += list(block.footer)
        parts.append("\n".join(lines))
    if reply.resources:
        local = [r for r in reply.resources if r.country == reply.country and reply.country != INTERNATIONAL]
        other = [r for r in reply.resources if r not in local]
        lines = []
        if local:
            lines.append(f"Help in {reply.country_name}:")
            lines += [resource_line(r) for r in local]
        if other:
            lines.append("Help anywhere:" if local or reply.country == INTERNATIONAL
                         else f"No local entry for {reply.country_name}, so here is help anywhere:")
            lines += [resource_line(r) for r in other]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def render_text(reply: Reply) -> str:
    """The whole reply with numbered choices (the console layout)."""
    body = render_body(reply)
    if not reply.choices:
        return body + "".join(f"\n{label}: {url}" for label, url in reply.links)
    choices = "\n".join(f"  {n}) {choice.label}" for n, choice in enumerate(reply.choices, 1))
    links = "".join(f"\n{label}: {url}" for label, url in reply.links)
    return f"{body}{links}\n\n{choices}"
