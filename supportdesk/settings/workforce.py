"""Training and staffing settings (issue 11), read from the environment; base.py imports them."""

import environ

env = environ.Env()

# Agents who joined within this many days get mandatory courses as "onboarding".
TRAINING_NEW_AGENT_DAYS = env.int("TRAINING_NEW_AGENT_DAYS", default=30)
# A refresher is assigned this many days before a certification expires.
TRAINING_REFRESHER_DAYS = env.int("TRAINING_REFRESHER_DAYS", default=30)
# Rolling window of survey answers for the low-rating rule; the threshold and the minimum number
# of answers are the scorecard's (FEEDBACK_TRAINING_THRESHOLD, FEEDBACK_SCORECARD_MIN_RESPONSES).
TRAINING_CSAT_WINDOW_DAYS = env.int("TRAINING_CSAT_WINDOW_DAYS", default=90)
# Monthly "top agents": ranked only with this many answers rating the service overall in the month;
# the first this-many ranks can be confirmed as awards.
TRAINING_AWARD_MIN_RESPONSES = env.int("TRAINING_AWARD_MIN_RESPONSES", default=10)
TRAINING_AWARD_PLACES = env.int("TRAINING_AWARD_PLACES", default=3)
# Staffing: Erlang C targets and shrinkage (share of paid time not spent on contacts).
# Service level per channel (JSON): {"channel": {"level": share answered, "seconds": within}}.
# Real-time channels (bot chat, phone) give seconds; a channel without seconds, or not listed, is
# asynchronous: its target is the first-response target of the SLA policy a normal-priority
# ticket on that channel gets (tickets.sla), and STAFFING_SERVICE_LEVEL / STAFFING_TARGET_SECONDS
# fill in what neither the channel's entry nor a policy gives.
STAFFING_SERVICE_LEVELS = env.json(
    "STAFFING_SERVICE_LEVELS",
    default={
        "bot": {"level": 0.8, "seconds": 20},
        "phone": {"level": 0.8, "seconds": 20},
        "email": {"level": 0.8, "seconds": None},
    },
)
STAFFING_SERVICE_LEVEL = env.float("STAFFING_SERVICE_LEVEL", default=0.8)
STAFFING_TARGET_SECONDS = env.int("STAFFING_TARGET_SECONDS", default=20)
STAFFING_SHRINKAGE = env.float("STAFFING_SHRINKAGE", default=0.3)
# Average handle time of a channel is measured from the reply box (per ticket, over the history
# window) once at least STAFFING_MIN_AHT_SAMPLES tickets have measured replies; until then this (seconds).
STAFFING_DEFAULT_AHT_SECONDS = env.int("STAFFING_DEFAULT_AHT_SECONDS", default=300)
STAFFING_MIN_AHT_SAMPLES = env.int("STAFFING_MIN_AHT_SAMPLES", default=30)
# One reply's measured handle time is capped at this (an agent who left the page open for a day).
STAFFING_MAX_HANDLE_SECONDS = env.int("STAFFING_MAX_HANDLE_SECONDS", default=3600)
# The busiest share of their time agents are planned to spend on contacts (asynchronous work fills the rest).
STAFFING_TARGET_OCCUPANCY = env.float("STAFFING_TARGET_OCCUPANCY", default=0.85)
# Weeks of history the forecast baseline averages over.
STAFFING_HISTORY_WEEKS = env.int("STAFFING_HISTORY_WEEKS", default=8)
