"""Serializers shared by several resources; each names every field it shows."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class UserOut(Output):
    id: int
    username: str
    display_name: str
    role: str
    organization_id: int | None
    is_active: bool
    created_at: datetime


class OrganizationOut(Output):
    id: int
    name: str
    level: str
    parent_id: int | None
    created_at: datetime
