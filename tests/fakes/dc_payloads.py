"""Builders of Discord API v10 JSON (gateway events and REST objects), defaulting to the canary identities.

The shapes are what discord.py 2.7.1 parses; keys it reads with ``data[...]`` (not ``.get``) are always
present: e.g. interactions need ``token``, ``version``, ``application_id`` and ``attachment_size_limit``,
members need ``roles`` and ``flags``, users need ``discriminator`` and ``avatar``. Every builder returns a
fresh dict, so tests may modify the result. ``FakeDiscord.dispatch`` sends the ``d`` part of an event;
the builders return exactly that.

Ids are strings (snowflakes), as on the wire. The bot's application id equals its user id.
"""

from __future__ import annotations

import datetime
from typing import Any

from tests.canaries import (
    DC_CHANNEL_ID,
    DC_DM_CHANNEL_ID,
    DC_GLOBAL_NAME,
    DC_GUILD_ID,
    DC_INTERACTION_TOKEN,
    DC_USER_ID,
    DC_USERNAME,
)

BOT_ID = "424242424242424242"
APPLICATION_ID = BOT_ID
BOT_USERNAME = "safety-bot"

#: Default ids of the things a test feeds in (they contain no canary).
MESSAGE_ID = "1300000000000000001"
INTERACTION_ID = "1300000000000000101"
COMMAND_ID = "1300000000000000201"
ATTACHMENT_ID = "1300000000000000301"
BOT_MESSAGE_ID = "1300000000000000401"  # a message the bot sent earlier (carries the buttons pressed)
OWNER_ID = "1300000000000000501"  # the application owner (not the canary user)

GUILD_NAME = "Test server"
CHANNEL_NAME = "general"

#: 10 MiB, the default upload limit Discord reports in ``attachment_size_limit``.
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024

# Permission bits (Discord's bitfield, sent as decimal strings).
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_EXTERNAL_EMOJIS = 1 << 18
USE_APPLICATION_COMMANDS = 1 << 31
#: A member who may manage the server (``discord.Permissions.manage_guild``).
MANAGE_GUILD = str(1 << 5)
#: What the bot may do in the test channel (``app_permissions``).
BOT_PERMISSIONS = str(
    ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | USE_APPLICATION_COMMANDS
)

# Channel types and interaction contexts.
GUILD_TEXT = 0
DM = 1
CONTEXT_GUILD = 0
CONTEXT_BOT_DM = 1


def now_iso() -> str:
    """An ISO 8601 timestamp as Discord writes it (``2025-01-01T12:00:00.000000+00:00``)."""
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="microseconds")


# ----------------------------------------------------------------------------------------- users


def bot_user() -> dict[str, Any]:
    """The bot's user, as ``GET /users/@me`` and READY report it."""
    return {
        "id": BOT_ID,
        "username": BOT_USERNAME,
        "discriminator": "0",
        "global_name": None,
        "avatar": None,
        "bot": True,
        "system": False,
        "verified": True,
        "mfa_enabled": False,
        "locale": "en-US",
        "flags": 0,
        "public_flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
    }


def user() -> dict[str, Any]:
    """The canary user."""
    return {
        "id": DC_USER_ID,
        "username": DC_USERNAME,
        "discriminator": "0",
        "global_name": DC_GLOBAL_NAME,
        "avatar": None,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "primary_guild": None,
        "collectibles": None,
    }


def owner_user() -> dict[str, Any]:
    """The application owner in ``GET /oauth2/applications/@me`` (deliberately not the canary user)."""
    return {
        "id": OWNER_ID,
        "username": "app-owner",
        "discriminator": "0",
        "global_name": None,
        "avatar": None,
        "public_flags": 0,
        "flags": 0,
    }


def application() -> dict[str, Any]:
    """The application object of ``GET /oauth2/applications/@me``."""
    return {
        "id": APPLICATION_ID,
        "name": BOT_USERNAME,
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "flags": 0,
        "owner": owner_user(),
        "verify_key": "abc",
        "team": None,
        "hook": True,
        "is_monetized": False,
        "integration_types_config": {"0": {}, "1": {}},
        "redirect_uris": [],
        "tags": [],
        "bot": bot_user(),
    }


def member(
    user_obj: dict[str, Any] | None = None,
    *,
    permissions: str | None = None,
    roles: list[str] | None = None,
    include_user: bool = True,
) -> dict[str, Any]:
    """A guild member (``user`` omitted with ``include_user=False``, as in MESSAGE_CREATE's ``member``)."""
    result: dict[str, Any] = {
        "roles": list(roles or []),
        "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "premium_since": None,
        "nick": None,
        "avatar": None,
        "banner": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
        "unusual_dm_activity_until": None,
    }
    if include_user:
        result["user"] = user() if user_obj is None else user_obj
    if permissions is not None:
        result["permissions"] = permissions
    return result


def bot_member() -> dict[str, Any]:
    return member(bot_user())


# -------------------------------------------------------------------------------- guilds, channels


def text_channel(channel_id: str = DC_CHANNEL_ID, guild_id: str = DC_GUILD_ID) -> dict[str, Any]:
    """A guild text channel (type 0) as in GUILD_CREATE and ``GET /channels/{id}``."""
    return {
        "id": channel_id,
        "type": GUILD_TEXT,
        "guild_id": guild_id,
        "name": CHANNEL_NAME,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def dm_channel(channel_id: str = DC_DM_CHANNEL_ID) -> dict[str, Any]:
    """The DM channel with the canary user (``POST /users/@me/channels``)."""
    return {"id": channel_id, "type": DM, "last_message_id": None, "flags": 0, "recipients": [user()]}


def everyone_role(guild_id: str = DC_GUILD_ID) -> dict[str, Any]:
    return {
        "id": guild_id,
        "name": "@everyone",
        "description": None,
        "permissions": str(VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | USE_APPLICATION_COMMANDS),
        "position": 0,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
    }


def guild(guild_id: str = DC_GUILD_ID, channel_id: str = DC_CHANNEL_ID) -> dict[str, Any]:
    """A full GUILD_CREATE payload: one text channel, the @everyone role and the bot as the only member."""
    return {
        "id": guild_id,
        "name": GUILD_NAME,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": OWNER_ID,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "premium_progress_bar_enabled": False,
        "preferred_locale": "en-GB",
        "system_channel_id": channel_id,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "vanity_url_code": None,
        "features": [],
        "roles": [everyone_role(guild_id)],
        "emojis": [],
        "stickers": [],
        "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "large": False,
        "unavailable": False,
        "member_count": 2,
        "members": [bot_member()],
        "channels": [text_channel(channel_id, guild_id)],
        "threads": [],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "max_members": 500000,
        "max_video_channel_users": 25,
        "application_id": None,
        "incidents_data": None,
    }


def partial_guild(guild_id: str = DC_GUILD_ID) -> dict[str, Any]:
    """The partial ``guild`` object inside interactions."""
    return {"id": guild_id, "locale": "en-GB", "features": []}


# -------------------------------------------------------------------------------------- messages


def attachment(
    attachment_id: str = ATTACHMENT_ID,
    *,
    filename: str = "canary.jpg",
    size: int = 48_213,
    content_type: str = "image/jpeg",
    channel_id: str = DC_DM_CHANNEL_ID,
) -> dict[str, Any]:
    """An attachment object (a JPEG on the CDN). The bot must never fetch ``url``."""
    path = f"attachments/{channel_id}/{attachment_id}/{filename}"
    return {
        "id": attachment_id,
        "filename": filename,
        "size": size,
        "url": f"https://cdn.discordapp.com/{path}",
        "proxy_url": f"https://media.discordapp.net/{path}",
        "content_type": content_type,
        "width": 640,
        "height": 480,
        "ephemeral": False,
        "flags": 0,
    }


def message(
    content: str,
    *,
    message_id: str = MESSAGE_ID,
    channel_id: str = DC_DM_CHANNEL_ID,
    author: dict[str, Any] | None = None,
    guild_id: str | None = None,
    attachments: list[dict[str, Any]] | None = None,
    components: list[dict[str, Any]] | None = None,
    embeds: list[dict[str, Any]] | None = None,
    mentions: list[dict[str, Any]] | None = None,
    message_type: int = 0,
    flags: int = 0,
) -> dict[str, Any]:
    """A message object (also the ``d`` of MESSAGE_CREATE). ``guild_id`` is only added when given."""
    result: dict[str, Any] = {
        "id": message_id,
        "channel_id": channel_id,
        "author": user() if author is None else author,
        "content": content,
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": list(mentions or []),
        "mention_roles": [],
        "attachments": list(attachments or []),
        "embeds": list(embeds or []),
        "components": list(components or []),
        "pinned": False,
        "type": message_type,
        "flags": flags,
    }
    if guild_id is not None:
        result["guild_id"] = guild_id
    return result


def dm_message(
    content: str,
    message_id: str = MESSAGE_ID,
    attachments: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """MESSAGE_CREATE from the canary user in the DM channel (no ``guild_id``, no ``member``)."""
    return message(content, message_id=message_id, channel_id=DC_DM_CHANNEL_ID, attachments=attachments)


def mention_of_bot() -> str:
    return f"<@{BOT_ID}>"


def guild_message_mention(
    content: str,
    message_id: str = MESSAGE_ID,
    channel_id: str = DC_CHANNEL_ID,
    guild_id: str = DC_GUILD_ID,
) -> dict[str, Any]:
    """MESSAGE_CREATE in the guild's text channel whose content starts by mentioning the bot.

    Without the privileged message-content intent this is the only kind of guild message whose
    ``content`` Discord delivers (besides DMs).
    """
    mentioned = bot_user()
    mentioned["member"] = member(include_user=False)
    result = message(
        f"{mention_of_bot()} {content}",
        message_id=message_id,
        channel_id=channel_id,
        guild_id=guild_id,
        mentions=[mentioned],
    )
    result["member"] = member(include_user=False)
    return result


def button_row(custom_id: str = "sb:test", label: str = "Press") -> dict[str, Any]:
    """An action row with one secondary button."""
    return {
        "type": 1,
        "id": 1,
        "components": [{"type": 2, "id": 2, "style": 2, "label": label, "custom_id": custom_id}],
    }


def bot_message(
    content: str = "Pick one",
    *,
    message_id: str = BOT_MESSAGE_ID,
    channel_id: str = DC_DM_CHANNEL_ID,
    components: list[dict[str, Any]] | None = None,
    flags: int = 0,
) -> dict[str, Any]:
    """A message the bot sent earlier (author = the bot), e.g. the one whose button is pressed."""
    return message(
        content,
        message_id=message_id,
        channel_id=channel_id,
        author=bot_user(),
        components=components if components is not None else [button_row()],
        flags=flags,
    )


# ---------------------------------------------------------------------------------- interactions


def _interaction(
    interaction_type: int,
    data: dict[str, Any],
    *,
    guild: bool,
    permissions: str,
    interaction_id: str,
    token: str,
    locale: str,
    channel_id: str | None,
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": interaction_id,
        "application_id": APPLICATION_ID,
        "type": interaction_type,
        "data": data,
        "token": token,
        "version": 1,
        "locale": locale,
        "entitlements": [],
        "entitlement_sku_ids": [],
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        "app_permissions": BOT_PERMISSIONS,
    }
    if guild:
        cid = channel_id or DC_CHANNEL_ID
        channel = text_channel(cid)
        channel["permissions"] = permissions
        result.update(
            guild_id=DC_GUILD_ID,
            guild=partial_guild(),
            guild_locale="en-GB",
            channel_id=cid,
            channel=channel,
            member=member(permissions=permissions),
            context=CONTEXT_GUILD,
            authorizing_integration_owners={"0": DC_GUILD_ID},
        )
    else:
        cid = channel_id or DC_DM_CHANNEL_ID
        result.update(
            channel_id=cid,
            channel={"id": cid, "type": DM, "last_message_id": None, "flags": 0, "recipients": [user()]},
            user=user(),
            context=CONTEXT_BOT_DM,
            authorizing_integration_owners={"0": "0"},
        )
    return result


def _resolved_channel(channel_id: str) -> dict[str, Any]:
    return {
        "id": channel_id,
        "name": CHANNEL_NAME,
        "type": GUILD_TEXT,
        "guild_id": DC_GUILD_ID,
        "parent_id": None,
        "nsfw": False,
        "position": 0,
        "permissions": BOT_PERMISSIONS,
        "permission_overwrites": [],
        "rate_limit_per_user": 0,
        "flags": 0,
        "topic": None,
        "last_message_id": None,
    }


def slash_command(
    name: str,
    options: list[dict[str, Any]] | None = None,
    guild: bool = True,
    permissions: str = "0",
    *,
    interaction_id: str = INTERACTION_ID,
    command_id: str = COMMAND_ID,
    token: str = DC_INTERACTION_TOKEN,
    locale: str = "en-GB",
    channel_id: str | None = None,
    resolved: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """INTERACTION_CREATE type 2 (a global chat-input command) from the canary user.

    ``options`` are wire options, e.g. ``[{"name": "topic", "type": 3, "value": "x"}]``. Channel options
    (type 7) get their ``resolved.channels`` entry automatically unless ``resolved`` is given.
    ``permissions`` is the member's bitfield in a guild (``MANAGE_GUILD`` for a moderator).
    """
    data: dict[str, Any] = {"id": command_id, "name": name, "type": 1}
    if options:
        data["options"] = options
        if resolved is None:
            channels = {str(o["value"]): _resolved_channel(str(o["value"])) for o in options if o.get("type") == 7}
            if channels:
                resolved = {"channels": channels}
    if resolved is not None:
        data["resolved"] = resolved
    return _interaction(
        2,
        data,
        guild=guild,
        permissions=permissions,
        interaction_id=interaction_id,
        token=token,
        locale=locale,
        channel_id=channel_id,
    )


def component_press(
    custom_id: str,
    guild: bool = True,
    message_id: str = BOT_MESSAGE_ID,
    *,
    permissions: str = "0",
    interaction_id: str = INTERACTION_ID,
    token: str = DC_INTERACTION_TOKEN,
    locale: str = "en-GB",
    message_flags: int = 0,
) -> dict[str, Any]:
    """INTERACTION_CREATE type 3: the canary user pressed the button ``custom_id`` on a bot message."""
    result = _interaction(
        3,
        {"custom_id": custom_id, "component_type": 2, "id": 2},
        guild=guild,
        permissions=permissions,
        interaction_id=interaction_id,
        token=token,
        locale=locale,
        channel_id=None,
    )
    carrier = bot_message(
        message_id=message_id,
        channel_id=result["channel_id"],
        components=[button_row(custom_id)],
        flags=message_flags,
    )
    if guild:
        carrier["guild_id"] = DC_GUILD_ID
    result["message"] = carrier
    return result
