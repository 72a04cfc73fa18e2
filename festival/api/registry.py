"""The API blueprint and the registry of its endpoints, from which the OpenAPI document is built."""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint
from pydantic import BaseModel

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@dataclass(frozen=True)
class Endpoint:
    rule: str
    method: str
    summary: str
    who: str
    status: int = 200
    body: type[BaseModel] | None = None
    # One model, or one per audience (each audience's serializer names every field it shows):
    # documented as anyOf.
    response: type[BaseModel] | tuple[type[BaseModel], ...] | None = None
    paginated: bool = False
    query: dict[str, dict] = field(default_factory=dict)
    errors: tuple[int, ...] = ()
    public: bool = False

    @property
    def response_models(self) -> tuple[type[BaseModel], ...]:
        if self.response is None:
            return ()
        return self.response if isinstance(self.response, tuple) else (self.response,)


ENDPOINTS: list[Endpoint] = []


def endpoint(rule: str, method: str, **spec) -> Callable:
    """Register a view under /api/v1 and describe it for the OpenAPI document."""
    described = Endpoint(rule=rule, method=method, **spec)

    def decorate(view: Callable) -> Callable:
        ENDPOINTS.append(described)
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=view, methods=[method])
        return view

    return decorate
