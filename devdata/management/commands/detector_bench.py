"""`make bench-detector` (also run by `make bench`): the secret detector's speed, memory and detection rate.

- speed: p50/p95/max of `find_secrets` on a 10 KB message of ordinary mixed Chinese/English support
  text (target p95 ≤ 2 ms), wall-clock and CPU time of this thread (the difference is time the machine
  gave to other processes);
- memory: what loading the wordlists and compiling the patterns allocates (tracemalloc), measured
  before anything else has used the detector;
- detection on the generated set of `devdata.bench.secret_texts`: every wordlist × phrase length ×
  separator in prose, the key shapes, and how many look-alikes come out certain (false positives) or
  suspected; plus the share of random Chinese phrases written without any separator that are caught.
"""

from __future__ import annotations

import random
import time
import tracemalloc

from django.core.management.base import BaseCommand

from devdata.bench.secret_texts import PROSE, key_samples, lookalikes, mixed_message, phrase_samples, phrase_words
from tickets.safety.detect import find_secrets, redact_secrets

TARGET_P95_MS = 2.0


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Benchmark the secret detector: p95 per 10 KB of mixed text, wordlist memory, detection figures."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rounds", type=int, default=500, help="timed scans of the 10 KB message")
        parser.add_argument("--size", type=int, default=10 * 1024, help="message size in UTF-8 bytes")
        parser.add_argument("--unspaced", type=int, default=2000, help="random unspaced Chinese phrases to try")
        parser.add_argument("--seed", type=int, default=20)

    def handle(self, *args, rounds: int, size: int, unspaced: int, seed: int, **options) -> None:
        rng = random.Random(seed)  # noqa: S311 - a reproducible generated set; the phrases are test data
        self._memory()
        self._speed(mixed_message(size, rng), rounds)
        self._detection(rng)
        self._unspaced(rng, unspaced)

    def _memory(self) -> None:
        tracemalloc.start()
        find_secrets("助记词：的 一 是 abandon ability 0x00")  # loads the wordlists, compiles the patterns
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        self.stdout.write(f"wordlists and patterns: {current / 2**20:.1f} MiB held, {peak / 2**20:.1f} MiB peak")

    def _speed(self, message: str, rounds: int) -> None:
        find_secrets(message)
        wall, cpu = [], []
        for _round in range(rounds):
            wall_start, cpu_start = time.perf_counter(), time.thread_time()
            find_secrets(message)
            wall.append((time.perf_counter() - wall_start) * 1000)
            cpu.append((time.thread_time() - cpu_start) * 1000)
        # Judged on CPU time: on a shared machine the wall clock also counts time given to other processes.
        p95 = _percentile(cpu, 0.95)
        verdict = "ok" if p95 <= TARGET_P95_MS else "OVER TARGET"
        self.stdout.write(
            f"find_secrets on {len(message.encode())} bytes ({len(message)} characters) of mixed text, {rounds} runs: "
            f"wall p50 {_percentile(wall, 0.5):.2f} ms, p95 {_percentile(wall, 0.95):.2f} ms, max {max(wall):.2f} ms; "
            f"CPU p50 {_percentile(cpu, 0.5):.2f} ms, p95 {p95:.2f} ms (target CPU p95 ≤ {TARGET_P95_MS} ms: {verdict})"
        )

    def _detection(self, rng: random.Random) -> None:
        samples = phrase_samples(rng) + key_samples(rng)
        found = certain = 0
        for sample in samples:
            findings = find_secrets(sample.text)
            start = sample.text.index(sample.secret)
            end = start + len(sample.secret)
            found += any(finding.start < end and start < finding.end for finding in findings)
            certain += sample.secret not in redact_secrets(sample.text)
        texts = lookalikes(rng)
        verdicts = [find_secrets(text) for text in texts]
        false_positives = sum(any(finding.is_certain for finding in found) for found in verdicts)
        suspected = sum(bool(found) and not any(finding.is_certain for finding in found) for found in verdicts)
        self.stdout.write(
            f"generated set: {len(samples)} secrets (12 wordlists × 5 lengths × every separator, keys): "
            f"found {found}, certain and removed {certain}; look-alikes: {len(texts)} texts, "
            f"false positives (certain) {false_positives}, suspected {suspected}"
        )

    def _unspaced(self, rng: random.Random, count: int) -> None:
        template, label = PROSE["zh"]
        caught = sum(
            phrase not in redact_secrets(template.format(label=label, phrase=phrase))
            for phrase in ("".join(phrase_words("chinese_simplified", 12, rng)) for _ in range(count))
        )
        self.stdout.write(
            f"random 12-character Chinese phrases without separators after a label: {caught}/{count} caught "
            f"({100 * caught / count:.2f} %)"
        )
