"""Pure text -> intent + crisis matching (no I/O, no state)."""

from bot.matching.matcher import Candidate, Match, Matcher

__all__ = ["Candidate", "Match", "Matcher"]
