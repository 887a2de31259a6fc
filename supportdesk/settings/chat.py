"""Live desk settings (issue 21, README "Live chat"): chat, staff notifications and presence; read from the
environment; base.py imports them."""

import environ

env = environ.Env()

# REAL TIME (Channels): one process uses the in-memory layer; several must share Redis (REDIS_URL, or
# CHANNEL_LAYER_REDIS_URL for another Redis database).
CHANNEL_LAYER_REDIS_URL = env("CHANNEL_LAYER_REDIS_URL", default=env("REDIS_URL", default=""))
# channels_redis holds every socket of one server process behind ONE Redis queue, and its capacity (100 by default)
# counts that queue: a busy process with hundreds of sockets dropped live frames silently once 100 were pending
# (make bench-chat lost 15% of its lines). The capacity is per server process, not per socket.
CHANNEL_LAYER_CAPACITY = env.int("CHANNEL_LAYER_CAPACITY", default=5000)
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
if CHANNEL_LAYER_REDIS_URL:
    CHANNEL_LAYERS["default"] = {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [CHANNEL_LAYER_REDIS_URL], "expiry": 30, "capacity": CHANNEL_LAYER_CAPACITY},
    }

# Wallet sites allowed to embed the chat widget (origins such as https://wallet.example): they may open the
# chat socket and start a chat; every other foreign site is refused.
CHAT_EMBED_ORIGINS = env.list("CHAT_EMBED_ORIGINS", default=[])
# One socket frame at most this many bytes (a longer one closes the socket with an error); a line at most
# this many characters.
CHAT_MAX_FRAME_BYTES = env.int("CHAT_MAX_FRAME_BYTES", default=8 * 1024)
CHAT_MAX_MESSAGE_CHARS = env.int("CHAT_MAX_MESSAGE_CHARS", default=2000)
# Per connection: at most CHAT_RATE_MESSAGES frames in CHAT_RATE_SECONDS; more are refused (not stored, not
# acknowledged: the widget sends them again later).
CHAT_RATE_MESSAGES = env.int("CHAT_RATE_MESSAGES", default=20)
CHAT_RATE_SECONDS = env.int("CHAT_RATE_SECONDS", default=10)
# Chats an agent holds at once unless their console setting says otherwise.
CHAT_AGENT_MAX_CHATS = env.int("CHAT_AGENT_MAX_CHATS", default=3)
# An agent counts as online while their console has been seen within this many seconds (it pings every 20).
CHAT_AGENT_ONLINE_SECONDS = env.int("CHAT_AGENT_ONLINE_SECONDS", default=60)
# Expected wait per place in the queue when there is no recent chat to measure it from (seconds).
CHAT_DEFAULT_WAIT_SECONDS = env.int("CHAT_DEFAULT_WAIT_SECONDS", default=120)

# STAFF NOTIFICATIONS AND COLLISION DETECTION (issue 21)
# A notification still unread this many minutes after it came is mailed in the recipient's next digest
# (an agent at their desk has seen it on the bell by then).
NOTIFICATION_DIGEST_GRACE_MINUTES = env.int("NOTIFICATION_DIGEST_GRACE_MINUTES", default=10)
# A ticket page's viewers announce themselves this often (seconds); one silent for three beats has gone.
PRESENCE_HEARTBEAT_SECONDS = env.int("PRESENCE_HEARTBEAT_SECONDS", default=15)
