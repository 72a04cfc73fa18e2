"""Numbers from outside (URLs, query strings, JSON) that will meet the database's integers."""

# Ids and counts are 32-bit integers in PostgreSQL; a larger number in a query makes the
# database refuse the whole statement (and SQLite stops at 64 bits).
DB_INT_MAX = 2**31 - 1


def db_int(text: str) -> int:
    """A whole number that fits the database's integers; ValueError for anything else, so that
    ``request.args.get(name, type=db_int)`` treats a huge number like a malformed one."""
    number = int(text)
    if not -DB_INT_MAX - 1 <= number <= DB_INT_MAX:
        raise ValueError(f"{text!r} is out of range")
    return number
