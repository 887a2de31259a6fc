from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import ngettext

from supportdesk.kit.admin_actions import run_for_each


class RecordingAdmin:
    def __init__(self):
        self.sent = []

    def message_user(self, request, text, level):
        self.sent.append((level, str(text)))


def refuse_odd(row):
    if row.number % 2:
        raise ValidationError(f"{row.number} is odd")


def test_one_success_message_with_the_count_and_one_error_per_refused_row():
    model_admin = RecordingAdmin()
    rows = [SimpleNamespace(number=n, reference=f"T-{n}") for n in range(4)]

    run_for_each(model_admin, None, rows, refuse_odd, "%(count)d of %(total)d done.", total=4)

    assert model_admin.sent == [
        (messages.SUCCESS, "2 of 4 done."),
        (messages.ERROR, "T-1: 1 is odd"),
        (messages.ERROR, "T-3: 3 is odd"),
    ]


def test_a_plural_aware_message_is_built_from_the_count_and_nothing_done_says_no_success():
    model_admin = RecordingAdmin()
    one = [SimpleNamespace(number=2)]

    run_for_each(model_admin, None, one, refuse_odd, lambda n: ngettext("%(n)d row.", "%(n)d rows.", n) % {"n": n})
    assert model_admin.sent == [(messages.SUCCESS, "1 row.")]

    model_admin.sent.clear()

    def deny(row):
        raise PermissionDenied("not yours")

    run_for_each(model_admin, None, [SimpleNamespace(number=5)], deny, lambda n: f"{n} rows.")
    assert model_admin.sent == [(messages.ERROR, "namespace(number=5): not yours")]
