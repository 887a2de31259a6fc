"""@mentions of staff in internal notes: "@alice", "@bob.smith" (Django usernames: letters, digits and @.+-_)."""

from __future__ import annotations

import re

# Not after a word character or "@" (an e-mail address such as a@b.com is not a mention of "b.com").
MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]+)")


def mentioned_usernames(text: str) -> set[str]:
    """The usernames mentioned in `text`; a sentence's full stop after a name is not part of it."""
    return {match.rstrip(".") for match in MENTION.findall(text or "") if match.rstrip(".")}
