"""`manage.py run_worker` starts qcluster again whenever it exits, with a growing pause, until told to stop."""

import signal
from unittest import mock

from django.core.management import call_command

from supportdesk.management.commands import run_worker


class _Exits:
    """qcluster stand-ins: each exits at once with code 1; the third is stopped by a SIGTERM to run_worker."""

    def __init__(self):
        self.started = 0

    def __call__(self, args):
        self.started += 1
        process = mock.Mock(args=args)
        process.poll.return_value = None
        if self.started == 3:
            process.wait.side_effect = lambda: signal.getsignal(signal.SIGTERM)(signal.SIGTERM, None) or 0
        else:
            process.wait.return_value = 1
        return process


def test_qcluster_is_started_again_after_each_exit_with_a_growing_pause_until_sigterm():
    exits = _Exits()
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        with (
            mock.patch.object(run_worker.subprocess, "Popen", side_effect=exits) as popen,
            mock.patch.object(run_worker.time, "sleep") as sleep,
        ):
            call_command("run_worker")
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])

    assert exits.started == 3
    assert popen.call_args.args[0][-1] == "qcluster"
    assert [call.args[0] for call in sleep.call_args_list] == [2, 4]
