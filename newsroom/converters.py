class PkConverter:
    """A primary key that fits a 64-bit column, so a forged id 404s instead of overflowing."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
