"""Canary identities planted in every platform test.

The fakes' payload builders default to these values, so any test that drives a bot through a fake
platform plants them. Privacy tests then assert that none of them reaches logs, stdout or stderr
(``find_canaries``). The values are distinctive enough that a hit is never a coincidence.
"""

from __future__ import annotations

# --- Telegram -------------------------------------------------------------------------------------

#: The part after the colon: "AAH" plus 32 fixed characters that look random (real token format).
TG_TOKEN_SECRET = "AAHc4n4ryt0k3n5d1c9q7x2m8w4p6z3b0v1"
TG_TOKEN = "7731999117:" + TG_TOKEN_SECRET

TG_USER_ID = 7731999117
TG_CHAT_ID = TG_USER_ID  # a private chat has the user's id
TG_GROUP_ID = -1001999888777

FIRST_NAME = "Canaryfirstname"
LAST_NAME = "Canarylastname"
USERNAME = "canary_tg_username"

#: Put this in every message text / caption a test sends on the user's behalf.
TEXT_MARKER = "[canary-text-5d1c]"

# --- Discord --------------------------------------------------------------------------------------

#: Real bot-token shape: base64 of the bot's user id (24 chars) "." 6 chars "." 38 chars. Fixed, fake.
DC_TOKEN = "NDI0MjQyNDI0MjQyNDI0MjQy.Gc4nRy.c4n4ryD1sc0rdT0k3n5d1cQ7xM8wP6zB0v1KqZ"

DC_USER_ID = "1187654321098765432"
DC_DM_CHANNEL_ID = "1187654321098765433"
DC_GUILD_ID = "1187654321098765434"
DC_CHANNEL_ID = "1187654321098765435"

DC_USERNAME = "canary_dc_username"
DC_GLOBAL_NAME = "Canaryglobalname"

#: The token of every interaction a test feeds in (it is part of the callback and followup URLs).
DC_INTERACTION_TOKEN = "aW50ZXJhY3Rpb24tY2FuYXJ5LXRva2VuLTVkMWM"

#: Every canary in string form (ids included), without duplicates, in a fixed order.
ALL: tuple[str, ...] = tuple(
    dict.fromkeys(
        (
            TG_TOKEN,
            TG_TOKEN_SECRET,
            str(TG_USER_ID),
            str(TG_CHAT_ID),
            str(TG_GROUP_ID),
            FIRST_NAME,
            LAST_NAME,
            USERNAME,
            TEXT_MARKER,
            DC_TOKEN,
            DC_USER_ID,
            DC_DM_CHANNEL_ID,
            DC_GUILD_ID,
            DC_CHANNEL_ID,
            DC_USERNAME,
            DC_GLOBAL_NAME,
            DC_INTERACTION_TOKEN,
        )
    )
)


def find_canaries(text: str) -> list[str]:
    """Return the canaries (from ``ALL``, in that order) that occur in ``text``.

    Matching is case-insensitive, so a lower-cased or upper-cased name still counts as a leak.
    Overlapping canaries are all reported (the token contains the secret and the user id).
    """
    if not text:
        return []
    folded = text.casefold()
    return [canary for canary in ALL if canary.casefold() in folded]
