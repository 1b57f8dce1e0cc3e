"""`python -m bot` is the same as `safety-bot`."""

import sys

from bot.cli import main

sys.exit(main())
