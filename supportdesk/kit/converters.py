"""URL converters shared by every app's URLconf (registered in SupportdeskConfig.ready)."""


class IdConverter:
    """A database id: 1 to 18 digits.

    Django's `int` converter accepts any number of digits, and a 40-digit id
    overflows the database integer (a 500 instead of a 404).
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
