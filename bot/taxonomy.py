"""The public intent ids (shared/taxonomy.md). Tools and evaluation files rely on these names."""

INTENT_IDS: tuple[str, ...] = (
    "sextortion",
    "image_leaked",
    "deepfake_nudes",
    "pressure_to_send",
    "sent_image_worried",
    "grooming",
    "meetup_request",
    "unwanted_sexual_content",
    "received_peer_image",
    "helping_friend",
    "telling_adult",
    "reporting_help",
    "legal_worry",
    "account_compromise",
    "harassment_bullying",
    "crisis_self_harm",
    "immediate_danger",
    "bot_privacy",
    "moderator_guidance",
    "greeting",
    "thanks",
    "out_of_scope",
)

ALWAYS_CRISIS: frozenset[str] = frozenset({"crisis_self_harm", "immediate_danger"})
"""Intents that always carry ``crisis: true``."""
