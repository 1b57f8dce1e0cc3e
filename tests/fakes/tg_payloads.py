"""Builders of Telegram update dicts in Bot API JSON shape, defaulting to the canary identities.

Builders return an update *without* ``update_id``; ``FakeTelegramBotAPI.queue_update`` assigns it.
Every builder returns a fresh dict, so tests may modify the result.
"""

from __future__ import annotations

import time
from typing import Any

from tests.canaries import FIRST_NAME, LAST_NAME, TEXT_MARKER, TG_CHAT_ID, TG_GROUP_ID, TG_USER_ID, USERNAME

#: The bot user the fake server reports from getMe (and as the sender of the bot's messages).
BOT_USER: dict[str, Any] = {
    "id": 424242,
    "is_bot": True,
    "first_name": "SafetyBot",
    "username": "safety_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}

GROUP_TITLE = "Canary group"


def _utf16_len(text: str) -> int:
    """Telegram measures entity offsets and lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _now() -> int:
    return int(time.time())


def user(language_code: str | None = "en-GB") -> dict[str, Any]:
    """The canary user as a Telegram ``User``."""
    result: dict[str, Any] = {
        "id": TG_USER_ID,
        "is_bot": False,
        "first_name": FIRST_NAME,
        "last_name": LAST_NAME,
        "username": USERNAME,
    }
    if language_code is not None:
        result["language_code"] = language_code
    return result


def private_chat() -> dict[str, Any]:
    """The private chat with the canary user (chat id == user id)."""
    return {"id": TG_CHAT_ID, "type": "private", "first_name": FIRST_NAME, "username": USERNAME}


def group_chat(chat_id: int = TG_GROUP_ID) -> dict[str, Any]:
    return {"id": chat_id, "type": "supergroup", "title": GROUP_TITLE}


def _command_entities(text: str) -> list[dict[str, Any]]:
    if not text.startswith("/"):
        return []
    command = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": _utf16_len(command)}]


def _private_message(message_id: int, language_code: str | None, **fields: Any) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": message_id,
        "from": user(language_code),
        "chat": private_chat(),
        "date": _now(),
    }
    message.update(fields)
    return {"message": message}


def private_text(text: str, message_id: int = 1, language_code: str | None = "en-GB") -> dict[str, Any]:
    """A text message from the canary user in their private chat (commands get a bot_command entity)."""
    fields: dict[str, Any] = {"text": text}
    entities = _command_entities(text)
    if entities:
        fields["entities"] = entities
    return _private_message(message_id, language_code, **fields)


def callback(
    data: str,
    message_id: int = 1000,
    callback_id: str = "cbq-canary-1",
    language_code: str | None = "en-GB",
) -> dict[str, Any]:
    """The canary user pressed an inline button with ``data`` under the bot's message ``message_id``."""
    return {
        "callback_query": {
            "id": callback_id,
            "from": user(language_code),
            "message": {
                "message_id": message_id,
                "from": dict(BOT_USER),
                "chat": private_chat(),
                "date": _now(),
                "text": "x",
            },
            "chat_instance": "canary-chat-instance-1",
            "data": data,
        }
    }


def private_photo(message_id: int = 2, caption: str | None = None) -> dict[str, Any]:
    """A photo (two sizes) with a caption carrying the text marker."""
    return _private_message(
        message_id,
        "en-GB",
        photo=[
            {"file_id": "AgAC-canary-file", "file_unique_id": "AQAD-canary", "width": 90, "height": 90},
            {"file_id": "AgAC-canary-file-big", "file_unique_id": "AQAD-canary-big", "width": 800, "height": 800},
        ],
        caption=caption if caption is not None else f"{TEXT_MARKER} look at this",
    )


def private_document(message_id: int = 3, caption: str | None = None) -> dict[str, Any]:
    return _private_message(
        message_id,
        "en-GB",
        document={
            "file_id": "BQAC-canary-doc",
            "file_unique_id": "AgAD-canary-doc",
            "file_name": "canary.pdf",
            "mime_type": "application/pdf",
            "file_size": 1234,
        },
        caption=caption if caption is not None else f"{TEXT_MARKER} a document",
    )


def private_voice(message_id: int = 4) -> dict[str, Any]:
    return _private_message(
        message_id,
        "en-GB",
        voice={
            "file_id": "AwAC-canary-voice",
            "file_unique_id": "AgAD-canary-voice",
            "duration": 3,
            "mime_type": "audio/ogg",
            "file_size": 4321,
        },
    )


def private_sticker(message_id: int = 5) -> dict[str, Any]:
    return _private_message(
        message_id,
        "en-GB",
        sticker={
            "file_id": "CAAC-canary-sticker",
            "file_unique_id": "AgAD-canary-sticker",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "\N{SMILING FACE WITH SMILING EYES}",
        },
    )


def group_command(text: str = "/help", chat_id: int = TG_GROUP_ID, message_id: int = 6) -> dict[str, Any]:
    """A command from the canary user in a supergroup (with the bot_command entity)."""
    message: dict[str, Any] = {
        "message_id": message_id,
        "from": user(),
        "chat": group_chat(chat_id),
        "date": _now(),
        "text": text,
    }
    entities = _command_entities(text)
    if entities:
        message["entities"] = entities
    return {"message": message}


def group_text(text: str, chat_id: int = TG_GROUP_ID, message_id: int = 7) -> dict[str, Any]:
    """A plain text message (no entities) from the canary user in a supergroup."""
    return {
        "message": {
            "message_id": message_id,
            "from": user(),
            "chat": group_chat(chat_id),
            "date": _now(),
            "text": text,
        }
    }
