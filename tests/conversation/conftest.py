from __future__ import annotations

import pytest

from bot.content.loader import default_content_root
from bot.conversation.engine import Engine
from bot.conversation.replies import parse_replies
from bot.conversation.resources import load_directory


@pytest.fixture(scope="session")
def engine(real_content, matcher) -> Engine:
    root = default_content_root()
    return Engine(real_content, matcher, parse_replies(real_content), load_directory(root), "GB")
