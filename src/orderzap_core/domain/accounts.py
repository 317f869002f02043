"""Restaurants, users and their roles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from attrs import frozen

from orderzap_core.ids import RestaurantId, UserId


class Role(StrEnum):
    """What a user is to its restaurant."""

    ADMIN = "admin"
    STAFF = "staff"
    CUSTOMER = "customer"


@frozen
class Restaurant:
    """A tenant: every other row belongs to exactly one restaurant."""

    id: RestaurantId
    name: str
    slug: str
    currency: str
    created_at: datetime


@frozen
class User:
    """A person who logs in to one restaurant; ``email`` is stored lower-cased."""

    id: UserId
    restaurant_id: RestaurantId
    email: str
    role: Role
    password_hash: str
    created_at: datetime
