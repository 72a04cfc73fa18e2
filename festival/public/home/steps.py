"""What a home page asks of its user: one step, in a sentence, with where to do it."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Step:
    """One thing to do next, in a sentence, with the page where it is done."""

    text: str
    action: str  # the button's label
    endpoint: str
    values: dict = field(default_factory=dict)
    urgent: bool = False  # something waits for this user, not only news
