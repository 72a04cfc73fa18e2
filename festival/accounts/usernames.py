"""The one form of a username: what is stored, looked up, counted and compared.

Every username that enters (account creation, login, a bearer token login, imports, the CLI,
filters) goes through ``normalize_username``, and the stored name is already in that form, so a
look-alike spelling (the Kelvin sign K for K, fullwidth ｋ, another letter case) is the same
account and its failed logins count against the same limit.
"""

import unicodedata


def normalize_username(text: str) -> str:
    """NFKC and case folding, without surrounding spaces: "Ｗａｎｇ", "WANG" and "wang" are "wang"."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    # Case folding can undo a composition (and NFKC maps U+3000 to a space): normalise again.
    return unicodedata.normalize("NFKC", folded).strip()
