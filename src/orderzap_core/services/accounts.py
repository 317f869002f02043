"""Accounts: restaurants (operators), users, credentials and identities."""

from __future__ import annotations

from collections.abc import Sequence

from attrs import define

from orderzap_core import rules
from orderzap_core.commands import Login, NewRestaurant, NewUser
from orderzap_core.domain.accounts import Restaurant, Role, User
from orderzap_core.errors import Forbidden, InvalidCredentials, NotFound, Unauthenticated, ValidationFailed
from orderzap_core.ids import OPERATOR_ID, RestaurantId, UserId
from orderzap_core.policy import Principal
from orderzap_core.ports.system import Clock, IdGenerator, PasswordHasher
from orderzap_core.ports.unit_of_work import Directory, UnitOfWorkFactory


@define
class AccountService:
    """Restaurants, users, logins."""

    _uow: UnitOfWorkFactory
    _directory: Directory
    _clock: Clock
    _ids: IdGenerator
    _hasher: PasswordHasher
    #: A real hash of a random password, verified when no user matches, so a login for an unknown
    #: email costs as much time as a wrong password.
    _decoy_hash: str | None = None

    def create_restaurant(self, command: NewRestaurant) -> Restaurant:
        """Create a restaurant (operators). Raises ValidationFailed (name, slug, currency, slug taken)."""
        problems = [
            *rules.name("name", command.name),
            *rules.slug("slug", command.slug),
            *rules.currency("currency", command.currency),
        ]
        if problems:
            raise ValidationFailed(problems)
        restaurant = Restaurant(
            id=RestaurantId(self._ids.new()), name=command.name.strip(), slug=command.slug,
            currency=command.currency, created_at=self._clock.now())
        with self._uow(restaurant.id) as uow:
            uow.restaurant.add(restaurant)
            uow.commit()
        return restaurant

    def list_restaurants(self) -> Sequence[Restaurant]:
        """Every restaurant (operators)."""
        return self._directory.list_restaurants()

    def restaurant(self, slug: str) -> Restaurant:
        """The restaurant with ``slug``. Raises NotFound."""
        restaurant_id = self._directory.restaurant_id_for_slug(slug)
        if restaurant_id is not None:
            with self._uow(restaurant_id) as uow:
                restaurant = uow.restaurant.get()
            if restaurant is not None:
                return restaurant
        raise NotFound("restaurant")

    def operator(self, slug: str) -> Principal:
        """The principal an operator acts as in a restaurant (the CLI): an admin with no user row."""
        return Principal(OPERATOR_ID, self.restaurant(slug).id, Role.ADMIN)

    def create_user(self, principal: Principal, command: NewUser) -> User:
        """Add a user to the principal's restaurant (admins and operators). Raises Forbidden,
        ValidationFailed (email, password, email taken)."""
        if principal.role is not Role.ADMIN:
            raise Forbidden("only an admin may create users")
        problems = [*rules.email("email", command.email), *rules.password("password", command.password)]
        if problems:
            raise ValidationFailed(problems)
        user = User(
            id=UserId(self._ids.new()), restaurant_id=principal.restaurant_id,
            email=rules.normalise_email(command.email), role=command.role,
            password_hash=self._hasher.hash(command.password), created_at=self._clock.now())
        with self._uow(principal.restaurant_id) as uow:
            if uow.users.by_email(user.email) is not None:
                raise ValidationFailed.one("email", "is already a user of this restaurant")
            uow.users.add(user)
            uow.commit()
        return user

    def user_by_email(self, slug: str, email: str) -> tuple[User, Restaurant]:
        """A user of a restaurant, by email (operators issuing tokens). Raises NotFound."""
        restaurant = self.restaurant(slug)
        with self._uow(restaurant.id) as uow:
            user = uow.users.by_email(rules.normalise_email(email))
        if user is None:
            raise NotFound("user")
        return user, restaurant

    def authenticate(self, login: Login) -> tuple[User, Restaurant]:
        """The user behind a login. Raises InvalidCredentials, the same for every wrong value."""
        restaurant_id = (
            self._directory.restaurant_id_for_slug(login.restaurant_slug)
            if not rules.slug("", login.restaurant_slug) else None)
        user = restaurant = None
        if restaurant_id is not None and not rules.has_forbidden_controls(login.email):
            with self._uow(restaurant_id) as uow:
                restaurant = uow.restaurant.get()
                user = uow.users.by_email(rules.normalise_email(login.email))
        if user is None or restaurant is None:
            self._hasher.verify(self._decoy(), login.password)
            raise InvalidCredentials()
        if not login.password or not self._hasher.verify(user.password_hash, login.password):
            raise InvalidCredentials()
        return user, restaurant

    def me(self, principal: Principal) -> tuple[User, Restaurant]:
        """The caller and its restaurant. Raises Unauthenticated when the user no longer exists."""
        with self._uow(principal.restaurant_id) as uow:
            user = uow.users.get(principal.user_id)
            restaurant = uow.restaurant.get()
        if user is None or restaurant is None or user.role is not principal.role:
            raise Unauthenticated("the token's user no longer exists")
        return user, restaurant

    def _decoy(self) -> str:
        if self._decoy_hash is None:
            self._decoy_hash = self._hasher.hash(str(self._ids.new()))
        return self._decoy_hash
