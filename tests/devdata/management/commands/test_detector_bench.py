"""`manage.py detector_bench` at small scale: it reports speed, memory and detection, so it never rots.

No timing assertions: only the structure and the detection counts of the output.
"""

import re

from django.core.management import call_command


def test_detector_bench_reports_speed_memory_and_detection(capsys):
    call_command("detector_bench", rounds=5, size=2048, unspaced=20)

    output = capsys.readouterr().out
    assert re.search(r"wordlists and patterns: [\d.]+ MiB held", output)
    assert re.search(r"find_secrets on \d+ bytes .* 5 runs: wall p50 [\d.]+ ms, p95 .* CPU p50 [\d.]+ ms", output)
    pattern = r"generated set: (\d+) secrets .*found (\d+), certain and removed (\d+)"
    [(total, found, removed)] = re.findall(pattern, output)
    assert int(total) > 700
    assert int(total) - int(removed) <= 2  # an unspaced Chinese phrase that reads like prose may be missed
    assert int(found) >= int(removed)
    assert re.search(r"false positives \(certain\) 0,", output)
    assert re.search(r"without separators after a label: \d+/20 caught", output)
