"""`manage.py run_worker`: the django-q2 cluster, started again whenever it stops.

qcluster exits when its broker goes away (a Redis restart ends it with "Can not connect to Redis server"),
so a bare qcluster leaves jobs waiting forever after a Redis outage. This keeps one running: it restarts it
after 1, 2, 4 … 30 s while it keeps failing, and passes SIGTERM / SIGINT on for a clean stop. Containers
with a restart policy get the same from their runtime; `make serve` and `make cluster` use this.
"""

import logging
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

logger = logging.getLogger(__name__)

MAX_DELAY_SECONDS = 30
# A cluster that ran this long was healthy: the next failure starts the backoff from the beginning.
HEALTHY_RUN_SECONDS = 60


class Command(BaseCommand):
    help = "Run the django-q2 cluster and start it again whenever it stops (e.g. after a broker outage)."

    def handle(self, *args, **options):
        stopping = False
        child = None

        def forward(signum, frame):
            nonlocal stopping
            stopping = True
            if child is not None and child.poll() is None:
                child.send_signal(signum)

        signal.signal(signal.SIGTERM, forward)
        signal.signal(signal.SIGINT, forward)
        delay = 1
        while not stopping:
            started = time.monotonic()
            child = subprocess.Popen([sys.executable, "-m", "django", "qcluster"])
            code = child.wait()
            if stopping:
                break
            delay = 1 if time.monotonic() - started > HEALTHY_RUN_SECONDS else min(delay * 2, MAX_DELAY_SECONDS)
            logger.warning("qcluster exited with code %s; starting it again in %s s", code, delay)
            time.sleep(delay)
