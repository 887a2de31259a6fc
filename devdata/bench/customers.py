"""Customer rows of the benchmark: names, languages and countries drawn per customer id."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from devdata.bench.plan import SPAN, SeedPlan, customer_email
from devdata.bench.rows import weighted

LANGUAGE_WEIGHTS = {"en": 45, "zh-hans": 35, "es": 6, "fr": 4, "id": 5, "vi": 5}
FIRST_NAMES = ["Alice", "Bob", "Chen", "Wei", "Maria", "Lucas", "Siti", "Minh", "Sophie", "Ahmed", "Yuki", "Ivan"]
LAST_NAMES = ["Chen", "Wang", "Li", "Garcia", "Martin", "Nguyen", "Santoso", "Dubois", "Kim", "Smith", "王", "张"]
COUNTRIES = ["CN", "US", "SG", "ID", "VN", "FR", "ES", "DE", "HK", "TW", "MY", "BR"]
CUSTOMER_FIELDS = [
    "id", "user_id", "name", "email", "phone", "language", "country", "notes", "is_vip", "created_at", "updated_at",
]  # fmt: skip

pick_language = weighted(LANGUAGE_WEIGHTS)


def customer_rows(plan: SeedPlan, first_id: int, last_id: int, *, end: datetime, user_id: int) -> Iterator[tuple]:
    for customer_id in range(first_id, last_id + 1):
        rng = random.Random(plan.seed * 7_000_003 + customer_id)
        created = end - SPAN - timedelta(days=rng.randint(0, 365), seconds=rng.randint(0, 86_400))
        yield (
            customer_id,
            user_id if customer_id == 1 else None,
            f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            customer_email(customer_id),
            "",
            pick_language(rng),
            rng.choice(COUNTRIES),
            "",
            rng.random() < 0.01,
            created,
            created,
        )
