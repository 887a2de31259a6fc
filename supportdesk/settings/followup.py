"""Progress updates and reminders (issue 24, README "Progress updates and reminders"); base.py imports them.

The intervals themselves are per team (tickets.FollowUpPolicy in the admin); these only bound the sweep.
"""

import environ

env = environ.Env()

# One sweep takes at most this many steps (updates, reminders and closes together); the rest wait for the
# next run, oldest first.
FOLLOW_UP_MAX_PER_RUN = env.int("FOLLOW_UP_MAX_PER_RUN", default=200)
