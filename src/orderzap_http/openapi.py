"""The OpenAPI 3.1 document of the HTTP API, and the resource that serves it at ``/openapi.json``.

The document is built from the core's own constants and enums (field rules, page limits, statuses,
payment methods, roles, event kinds, cache states), so a rule changed in the core changes the
document with it. ``tests/http/test_openapi.py`` checks it is valid OpenAPI 3.1 and that it names
exactly the routes and methods the app serves; ``tests/http/test_schemathesis.py`` checks the live
app's answers against it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from enum import Enum
from functools import cache
from typing import Any

import falcon

from orderzap_core import rules
from orderzap_core.domain.accounts import Role
from orderzap_core.domain.contact import DEFAULT_PHONE_REGION, EMAIL_MAX, PHONE_MAX
from orderzap_core.domain.events import EventType
from orderzap_core.domain.orders import PaymentMethod
from orderzap_core.domain.pagination import DEFAULT_LIMIT, MAX_LIMIT, MIN_LIMIT, Sort
from orderzap_core.domain.status import TRANSITIONS, OrderStatus
from orderzap_core.ports.idempotency import IDEMPOTENCY_TTL
from orderzap_core.services.orders import IDEMPOTENCY_KEY_MAX
from orderzap_core.services.reads import CacheStatus
from orderzap_http import realtime

Schema = dict[str, Any]

#: Every error code of the contract, its HTTP status and when it is answered (api.md's table).
ERROR_CODES: Mapping[str, tuple[int, str]] = {
    "BAD_REQUEST": (400, "The body is not JSON or not an object, or a query parameter or header is "
                         "malformed (limit out of range, unknown status or sort, a cursor the server "
                         "did not issue, an over-long Idempotency-Key)."),
    "UNAUTHENTICATED": (401, "The token is missing, malformed, wrongly signed, of another algorithm, "
                             "expired, not yet valid, of another issuer or audience, or lacks a claim."),
    "INVALID_CREDENTIALS": (401, "Login with a wrong restaurant, email or password (one message for all)."),
    "FORBIDDEN": (403, "Authenticated, but the caller's role may not do this."),
    "NOT_FOUND": (404, "No such resource in the caller's restaurant (another restaurant's id, a "
                       "malformed id, and an unknown route are 404 too)."),
    "METHOD_NOT_ALLOWED": (405, "A known route with a method it does not serve; `Allow` lists the "
                                "methods it does."),
    "INVALID_TRANSITION": (409, "The change is not allowed from the order's current state."),
    "IDEMPOTENCY_CONFLICT": (409, "An Idempotency-Key reused with a different body, or still in flight."),
    "PRECONDITION_FAILED": (412, "If-Match does not match the order's current version."),
    "PAYLOAD_TOO_LARGE": (413, "The body is over the configured limit (default 64 KiB)."),
    "UNSUPPORTED_MEDIA_TYPE": (415, "A body that is not application/json."),
    "VALIDATION_ERROR": (422, "Well-formed JSON that breaks a rule; `details` names every bad field."),
    "RATE_LIMITED": (429, "The restaurant's request budget is spent; `Retry-After` says when to retry."),
    "SERVICE_UNAVAILABLE": (503, "The database cannot be reached; `Retry-After` is set."),
    "INTERNAL_ERROR": (500, "Anything else; logged on the server with the request id."),
}

#: The reusable error responses, by status: the component's name and its description.
ERROR_RESPONSES: Mapping[int, tuple[str, str]] = {
    400: ("BadRequest", "Malformed JSON, query parameter or header."),
    401: ("Unauthenticated", "No valid bearer token."),
    403: ("Forbidden", "The caller's role may not do this."),
    404: ("NotFound", "No such resource in the caller's restaurant."),
    405: ("MethodNotAllowed", "The route does not serve this method."),
    409: ("Conflict", "Not allowed from the current state, or an idempotency conflict."),
    412: ("PreconditionFailed", "If-Match does not match the current version."),
    413: ("PayloadTooLarge", "The body is over the size limit."),
    415: ("UnsupportedMediaType", "The body is not application/json."),
    422: ("ValidationError", "Well-formed JSON that breaks a rule; details name the fields."),
    429: ("RateLimited", "The restaurant's request budget is spent."),
    500: ("InternalError", "An unexpected error, logged with the request id."),
    503: ("ServiceUnavailable", "The database cannot be reached."),
}

#: Statuses that carry Retry-After.
_RETRY_STATUSES = (429, 503)

UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
#: No control characters other than newline and tab (rules.has_forbidden_controls).
TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$"
#: A name must hold something other than white space (it is trimmed).
NAME_PATTERN = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F]" \
               "[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$"
REQUEST_ID_PATTERN = "^[A-Za-z0-9._-]{1,128}$"
#: Versions are read from at most 18 digits (the ETag, If-Match and minVersion).
MAX_VERSION = 10**18 - 1
IF_MATCH_PATTERN = '^(\\*|(W/)?"[1-9][0-9]{0,17}"|[1-9][0-9]{0,17})$'


# --- small builders --------------------------------------------------------------------------


def ref(kind: str, name: str) -> Schema:
    """A ``$ref`` to ``#/components/<kind>/<name>``."""
    return {"$ref": f"#/components/{kind}/{name}"}


def schema_ref(name: str) -> Schema:
    """A ``$ref`` to a component schema."""
    return ref("schemas", name)


def enum_of(kind: type[Enum], description: str | None = None) -> Schema:
    """A string schema holding the values of a core enum."""
    return _described({"type": "string", "enum": [m.value for m in kind]}, description)


def string(*, min_length: int | None = None, max_length: int | None = None, pattern: str | None = None,
           fmt: str | None = None, nullable: bool = False, description: str | None = None,
           example: Any = None) -> Schema:
    """A string schema (``null`` allowed too when ``nullable``)."""
    schema: Schema = {"type": ["string", "null"] if nullable else "string"}
    for key, value in (("minLength", min_length), ("maxLength", max_length), ("pattern", pattern),
                       ("format", fmt)):
        if value is not None:
            schema[key] = value
    if example is not None:
        schema["examples"] = [example]
    return _described(schema, description)


def integer(minimum: int | None = None, maximum: int | None = None, *,
            description: str | None = None, example: int | None = None) -> Schema:
    """An integer schema within ``minimum``..``maximum`` inclusive."""
    schema: Schema = {"type": "integer"}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    if example is not None:
        schema["examples"] = [example]
    return _described(schema, description)


def nullable(schema: Schema) -> Schema:
    """``schema`` or ``null``."""
    return {"anyOf": [schema, {"type": "null"}]}


def obj(properties: Mapping[str, Schema], *, required: Iterable[str] | None = None,
        closed: bool = False, description: str | None = None, **extra: Any) -> Schema:
    """An object schema; ``required=None`` means every property is required; ``closed`` refuses
    unknown properties."""
    schema: Schema = {
        "type": "object",
        "required": list(properties if required is None else required),
        "properties": dict(properties),
    }
    if closed:
        schema["additionalProperties"] = False
    schema.update(extra)
    return _described(schema, description)


def _described(schema: Schema, description: str | None) -> Schema:
    if description:
        schema["description"] = description
    return schema


UUID = string(fmt="uuid", pattern=UUID_PATTERN)
TIMESTAMP = string(fmt="date-time", description="RFC 3339, UTC, milliseconds: 2026-11-24T12:00:00.000Z")


def text(max_length: int = rules.TEXT_MAX, *, nullable_: bool = True,
         description: str | None = None) -> Schema:
    """A free text field: at most ``max_length`` characters, no control characters but newline and tab."""
    return string(max_length=max_length, pattern=TEXT_PATTERN, nullable=nullable_,
                  description=description or f"At most {max_length} characters; no control "
                                                 "characters other than newline and tab.")


def name(description: str = "") -> Schema:
    """A required name: 1–NAME_MAX characters after trimming, no control characters."""
    return string(min_length=1, max_length=rules.NAME_MAX, pattern=NAME_PATTERN,
                  description=(f"{description} " if description else "")
                  + f"1–{rules.NAME_MAX} characters after trimming; no control characters.")


# --- components ------------------------------------------------------------------------------


def _domain_schemas() -> dict[str, Schema]:
    transitions = "; ".join(
        f"{s.value} → {', '.join(t.value for t in OrderStatus if t in TRANSITIONS[s]) or '(terminal)'}"
        for s in OrderStatus)
    return {
        "OrderStatus": enum_of(OrderStatus, f"Where an order stands. Moves: {transitions}."),
        "PaymentMethod": enum_of(PaymentMethod),
        "Role": enum_of(Role),
        "EventType": enum_of(EventType),
        "OrderItem": obj({
            "id": UUID,
            "menuItemId": UUID,
            "name": string(min_length=1, max_length=rules.NAME_MAX,
                           description="The menu item's name when the order was placed."),
            "quantity": integer(rules.MIN_QUANTITY, rules.MAX_QUANTITY),
            "unitPriceCents": integer(rules.MIN_PRICE_CENTS, rules.MAX_PRICE_CENTS,
                                      description="The menu price when the order was placed."),
            "lineTotalCents": integer(0, description="quantity × unitPriceCents"),
            "specialInstructions": text(),
        }),
        "Order": obj({
            "id": UUID,
            "restaurantId": UUID,
            "orderNumber": integer(1, description="Counts from 1 per restaurant, with no gaps."),
            "customerName": string(min_length=1, max_length=rules.NAME_MAX),
            "customerPhone": string(pattern="^\\+[1-9][0-9]{1,14}$", description="E.164."),
            "status": schema_ref("OrderStatus"),
            "paymentMethod": schema_ref("PaymentMethod"),
            "notes": text(),
            "items": {"type": "array", "items": schema_ref("OrderItem"),
                      "minItems": rules.MIN_ITEMS, "maxItems": rules.MAX_ITEMS},
            "totalCents": integer(0, description="Always the sum of the items' lineTotalCents."),
            "currency": string(pattern="^[A-Z]{3}$", description="The restaurant's ISO 4217 code."),
            "version": integer(1, description="Starts at 1, +1 per change; the ETag."),
            "createdBy": UUID,
            "createdAt": TIMESTAMP,
            "updatedAt": TIMESTAMP,
            "deletedAt": nullable(TIMESTAMP),
        }, examples=[ORDER_EXAMPLE]),
        "MenuItem": obj({
            "id": UUID,
            "restaurantId": UUID,
            "name": string(min_length=1, max_length=rules.NAME_MAX),
            "priceCents": integer(rules.MIN_PRICE_CENTS, rules.MAX_PRICE_CENTS),
            "isAvailable": {"type": "boolean"},
            "createdAt": TIMESTAMP,
            "updatedAt": TIMESTAMP,
        }),
        "OrderEvent": obj({
            "version": integer(1, description="The order version this change produced."),
            "type": schema_ref("EventType"),
            "fromStatus": nullable(schema_ref("OrderStatus")),
            "toStatus": nullable(schema_ref("OrderStatus")),
            "actorId": UUID,
            "at": TIMESTAMP,
            "reason": text(description="The reason given with a status change (a cancellation), if any."),
        }),
        "Page": obj({
            "nextCursor": string(nullable=True,
                                 description="Pass as `cursor` for the next page; null on the last page."),
            "limit": integer(MIN_LIMIT),
        }),
    }


def _request_schemas() -> dict[str, Schema]:
    phone = string(min_length=1, max_length=PHONE_MAX,
                   description="A valid phone number, stored in E.164; one without a leading + is read "
                               f"as a number of region {DEFAULT_PHONE_REGION}.",
                   example="+14155550123")
    return {
        "OrderLine": obj({
            "menuItemId": {**UUID, "description": "An available, not deleted item of the caller's menu."},
            "quantity": integer(rules.MIN_QUANTITY, rules.MAX_QUANTITY),
            "specialInstructions": text(),
        }, required=["menuItemId", "quantity"]),
        "PlaceOrder": obj({
            "customerName": name(),
            "customerPhone": phone,
            "paymentMethod": schema_ref("PaymentMethod"),
            "notes": text(),
            "items": {"type": "array", "items": schema_ref("OrderLine"),
                      "minItems": rules.MIN_ITEMS, "maxItems": rules.MAX_ITEMS},
        }, required=["customerName", "customerPhone", "paymentMethod", "items"],
            description="Prices and totals come from the menu: any price, total, status or "
                        "restaurantId the client sends is ignored."),
        "EditOrder": obj({
            "customerName": name(),
            "customerPhone": phone,
            "paymentMethod": schema_ref("PaymentMethod"),
            "notes": text(),
        }, required=[], closed=True, minProperties=1,
            description="Any of the customer fields; unknown fields are 422."),
        "StatusChange": obj({
            "status": schema_ref("OrderStatus"),
            "reason": text(description="Why, for a cancellation; at most "
                                       f"{rules.TEXT_MAX} characters, no control characters."),
        }, required=["status"], closed=True, description="Unknown fields are 422."),
        "NewMenuItem": obj({
            "name": name("Unique among the restaurant's live items (a duplicate is 422 on name)."),
            "priceCents": integer(rules.MIN_PRICE_CENTS, rules.MAX_PRICE_CENTS),
            "isAvailable": {"type": "boolean", "default": True},
        }, required=["name", "priceCents"]),
        "EditMenuItem": obj({
            "name": name("Unique among the restaurant's live items."),
            "priceCents": integer(rules.MIN_PRICE_CENTS, rules.MAX_PRICE_CENTS),
            "isAvailable": {"type": "boolean"},
        }, required=[], closed=True, minProperties=1,
            description="Any of the fields; unknown fields are 422."),
        "RealtimeTokenRequest": obj({}, closed=True,
                                    description="No fields: send no body, or `{}`. Any field is 422."),
        "Login": obj({
            "restaurantSlug": string(example="demo"),
            "email": string(example="admin@example.com"),
            "password": string(description="An empty or wrong password is the same 401 as any other "
                                           "wrong value."),
        }),
    }


def _account_schemas() -> dict[str, Schema]:
    user = {"id": UUID, "email": string(max_length=EMAIL_MAX), "role": schema_ref("Role")}
    return {
        "LoginResult": obj({
            "token": string(description="A JWT (HS256) for `Authorization: Bearer`."),
            "expiresAt": TIMESTAMP,
            "user": obj({**user, "restaurantId": UUID}),
        }),
        "Me": obj({
            "user": obj(user),
            "restaurant": obj({
                "id": UUID,
                "name": string(min_length=1, max_length=rules.NAME_MAX),
                "slug": string(pattern="^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"),
                "currency": string(pattern="^[A-Z]{3}$"),
            }),
        }),
        "RealtimeToken": obj({
            "token": string(description=(
                "A short-lived ES256 JWT that the Convex mirror accepts: header `alg`, `kid` (the "
                f"key's RFC 7638 thumbprint), `typ`; claims `iss` (`{realtime.ISSUER}`), `aud` "
                f"(`{realtime.AUDIENCE}`), `sub` (the user), `restaurantId`, `role`, `iat`, `exp`. "
                "Give it to Convex's client (`setAuth`) for `kitchen:orders`.")),
            "expiresAt": _described(dict(TIMESTAMP), "When the token stops being accepted: "
                                    "ORDERZAP_REALTIME_TOKEN_TTL after issue "
                                    f"({realtime.REALTIME_TOKEN_TTL.seconds // 60} min by default, at most "
                                    f"{realtime.REALTIME_TOKEN_TTL_MAX.seconds // 60} min). Ask for a "
                                    "new one before then."),
            "convexUrl": string(fmt="uri", description="The Convex deployment to subscribe to."),
        }),
    }


def _operations_schemas() -> dict[str, Schema]:
    return {
        "Health": obj({"status": {"const": "ok"}}),
        "Ready": obj({
            "database": {"type": "string", "enum": ["ok", "down"]},
            "cache": {"type": "string", "enum": ["ok", "down", "disabled"]},
            "outbox": nullable(obj({
                "pending": integer(0, description="Snapshots not yet delivered to the mirror."),
                "oldestAgeSeconds": {"type": "number", "minimum": 0},
                "parked": integer(0, description="Snapshots the mirror refused; see `orderzap sync`."),
                "lastError": string(nullable=True, description="The relay's last delivery error, if any."),
            }, required=["pending", "oldestAgeSeconds"], description="null while the database is down.")),
        }),
    }


def _error_schemas() -> dict[str, Schema]:
    return {
        "ErrorCode": {"type": "string", "enum": list(ERROR_CODES), "description": "\n".join(
            f"- `{code}` ({status}): {why}" for code, (status, why) in ERROR_CODES.items())},
        "Problem": obj({
            "field": string(description="The field's path in camelCase, e.g. `items[0].quantity`, "
                                        "or `body`."),
            "message": string(),
        }),
        "Error": obj({
            "success": {"const": False},
            "error": obj({
                "code": schema_ref("ErrorCode"),
                "message": string(description="Human readable; never a stack trace, SQL or library text."),
                "details": {"type": "array", "items": schema_ref("Problem"),
                            "description": "Every bad field; present for VALIDATION_ERROR."},
                "requestId": string(pattern=REQUEST_ID_PATTERN,
                                    description="Equals the response's X-Request-Id."),
            }, required=["code", "message", "requestId"]),
        }),
    }


def _envelopes(names: Iterable[str], lists: Iterable[str]) -> dict[str, Schema]:
    """``<Name>Response`` (success envelope) and ``<Name>List`` (list envelope) components."""
    out: dict[str, Schema] = {}
    for item in names:
        out[f"{item}Response"] = obj({"success": {"const": True}, "data": schema_ref(item)})
    for item in lists:
        out[f"{item}List"] = obj({
            "success": {"const": True},
            "data": {"type": "array", "items": schema_ref(item)},
            "page": schema_ref("Page"),
        })
    return out


HEADERS: Mapping[str, Schema] = {
    "X-Request-Id": {"description": "The request's id: the client's when well-formed "
                                    "(1–128 of A-Z a-z 0-9 . _ -), else a new one.",
                     "schema": string(pattern=REQUEST_ID_PATTERN)},
    "ETag": {"description": "The order's version, quoted: `\"3\"`. Send it back in If-Match.",
             "schema": string(pattern='^"[1-9][0-9]*"$')},
    "Location": {"description": "The path of what was created.",
                 "schema": string(pattern="^/v1/(orders|menu-items)/[0-9a-f-]{36}$")},
    "X-Cache": {"description": "How the realtime cache served the read; `bypass`: no cache is "
                               "configured, or reads skip it.",
                "schema": enum_of(CacheStatus)},
    "Idempotent-Replayed": {"description": "Present (`true`) when this is the stored answer to an "
                                           "earlier request with the same Idempotency-Key.",
                            "schema": {"type": "string", "enum": ["true"]}},
    "Retry-After": {"description": "Seconds to wait before retrying.", "schema": integer(0)},
    "RateLimit-Limit": {"description": "Requests the restaurant may make per window (when rate "
                                       "limiting is configured).", "schema": integer(0)},
    "RateLimit-Remaining": {"description": "Requests left in the current window.", "schema": integer(0)},
    "RateLimit-Reset": {"description": "Seconds until the window resets.", "schema": integer(0)},
    "Allow": {"description": "The methods the route serves.", "schema": string()},
    "Cache-Control": {"description": "`no-store`: the answer is a credential that no cache may keep.",
                      "schema": {"type": "string", "const": "no-store"}},
}

RATE_LIMIT_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")


def headers(*names: str, required: Iterable[str] = ()) -> dict[str, Schema]:
    """Response header objects by name; X-Request-Id is always there and always required."""
    must = {"X-Request-Id", *required}
    return {header: {**HEADERS[header], "required": header in must} for header in ("X-Request-Id", *names)}


def _error_response_components() -> dict[str, Schema]:
    out: dict[str, Schema] = {}
    for status, (component, description) in ERROR_RESPONSES.items():
        codes = [code for code, (code_status, _) in ERROR_CODES.items() if code_status == status]
        schema = {"allOf": [schema_ref("Error"), {"properties": {"error": {"properties": {
            "code": {"enum": codes}}}}}]}
        extra = ["Retry-After"] if status in _RETRY_STATUSES else ["Allow"] if status == 405 else []
        out[component] = {
            "description": description,
            "headers": headers(*RATE_LIMIT_HEADERS, *extra, required=extra),
            "content": json_content(schema, example=_error_example(codes[0])),
        }
    return out


def _error_example(code: str) -> Schema:
    error: Schema = {"code": code, "message": "human readable", "requestId": "0c2f3a9e6b1d4e7f"}
    if code == "VALIDATION_ERROR":
        error["details"] = [{"field": "items[0].quantity",
                             "message": f"must be between {rules.MIN_QUANTITY} and {rules.MAX_QUANTITY}"}]
    return {"success": False, "error": error}


def json_content(schema: Schema, example: Any = None) -> Schema:
    """A JSON media type object."""
    media: Schema = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"application/json": media}


# --- parameters ------------------------------------------------------------------------------


def _parameter_components() -> dict[str, Schema]:
    def query(param: str, schema: Schema, description: str, **extra: Any) -> Schema:
        return {"name": param, "in": "query", "required": False, "schema": schema,
                "description": description, **extra}

    def header(param: str, schema: Schema, description: str) -> Schema:
        return {"name": param, "in": "header", "required": False, "schema": schema,
                "description": description}

    def path(param: str, what: str) -> Schema:
        return {"name": param, "in": "path", "required": True, "schema": UUID,
                "description": f"The {what}'s id; a malformed or another restaurant's id is 404."}

    return {
        "OrderId": path("orderId", "order"),
        "ItemId": path("itemId", "menu item"),
        "Limit": query("limit", integer(MIN_LIMIT, MAX_LIMIT) | {"default": DEFAULT_LIMIT},
                       f"Page size, {MIN_LIMIT}–{MAX_LIMIT} (default {DEFAULT_LIMIT}); outside it is 400."),
        "Cursor": query("cursor", string(),
                        "Opaque: `page.nextCursor` of the previous page. A cursor this server did not "
                        "issue, or one of another sort order, is 400."),
        "Status": query("status", {"type": "array", "items": schema_ref("OrderStatus"), "minItems": 1},
                        "One status or a comma-separated list (`status=received,preparing`). The "
                        "repeated form (`status=received&status=preparing`), which many generated "
                        "clients send, means the same, and the two may be mixed. An unknown status is "
                        "400. Every other query parameter may be given only once (a repeat is 400).",
                        style="form", explode=False),
        "CreatedAfter": query("createdAfter", string(fmt="date-time"),
                              "Only orders created after this RFC 3339 time; malformed is 400."),
        "CreatedBefore": query("createdBefore", string(fmt="date-time"),
                               "Only orders created before this RFC 3339 time; malformed is 400."),
        "Sort": query("sort", enum_of(Sort) | {"default": Sort.NEWEST_FIRST.value},
                      "`createdAt` (oldest first) or `-createdAt` (newest first, the default)."),
        "IncludeDeleted": query("includeDeleted", {"type": "boolean", "default": False},
                                "Include soft-deleted orders (admins only; ignored for other roles)."),
        "MinVersion": query("minVersion", integer(1, MAX_VERSION),
                            "Read-your-writes: a cached copy older than this version is not served."),
        "Available": query("available", {"type": "boolean"},
                           "`true`: only items that can be ordered; `false`: only unavailable ones."),
        "IfMatch": header(
            "If-Match", string(pattern=IF_MATCH_PATTERN),
            "The version the change expects, as its ETag (`\"3\"`; `W/\"3\"` and a bare `3` are read "
            "the same, `*` matches any version); a mismatch is 412, anything else 400."),
        "IdempotencyKey": header(
            "Idempotency-Key", string(min_length=1, max_length=IDEMPOTENCY_KEY_MAX, pattern="^[ -~]+$"),
            f"1–{IDEMPOTENCY_KEY_MAX} printable ASCII characters. The same key with the same body within "
            f"{int(IDEMPOTENCY_TTL.total_seconds() // 3600)} hours returns the first answer again with "
            "`Idempotent-Replayed: true`; with another body, or while the first is in flight, 409 "
            "IDEMPOTENCY_CONFLICT. Keys are scoped to the restaurant; a failed request stores nothing."),
        "RequestId": header("X-Request-Id", string(),
                            "Your id for this request, echoed back when it is 1–128 characters of "
                            "`A-Z a-z 0-9 . _ -`; otherwise the server makes a new one."),
    }


# --- operations ------------------------------------------------------------------------------


def response(description: str, schema: Schema | None = None, *, header_names: Iterable[str] = (),
             required: Iterable[str] = (), media: str = "application/json", v1: bool = True) -> Schema:
    """A success response object."""
    names = [*header_names, *(RATE_LIMIT_HEADERS if v1 else ())]
    out: Schema = {"description": description, "headers": headers(*names, required=required)}
    if schema is not None:
        out["content"] = {media: {"schema": schema}}
    return out


def order_response(description: str, *, extra: Iterable[str] = (), required: Iterable[str] = ()) -> Schema:
    """A response carrying one order, with its ETag."""
    return response(description, schema_ref("OrderResponse"), header_names=["ETag", *extra],
                    required=["ETag", *required])


def operation(operation_id: str, summary: str, responses: Mapping[int, Schema], *, tag: str,
              errors: Iterable[int] = (), params: Iterable[str] = (), body: str | None = None,
              body_required: bool = True, public: bool = False, description: str | None = None) -> Schema:
    """An operation object: its parameters (as component refs), body (``body_required=False``: it
    may be left out), success responses, and the error responses every operation of its kind can
    give (auth, rate limit, database, body)."""
    statuses = set(errors) | {500}
    if not public:
        statuses |= {401, 429, 503}
    if body is not None:
        statuses |= {400, 413, 415, 422}
    out: Schema = {
        "operationId": operation_id,
        "summary": summary,
        "tags": [tag],
        "parameters": [ref("parameters", p) for p in (*params, "RequestId")],
        "responses": {
            **{str(status): answer for status, answer in responses.items()},
            **{str(status): ref("responses", ERROR_RESPONSES[status][0]) for status in sorted(statuses)},
        },
    }
    if description:
        out["description"] = description
    if body is not None:
        out["requestBody"] = {"required": body_required, "content": json_content(schema_ref(body))}
    if public:
        out["security"] = []
    return out


def _order_paths() -> dict[str, Schema]:
    if_match = "IfMatch"
    return {
        "/v1/orders": {
            "post": operation(
                "placeOrder", "Place an order", {
                    201: order_response("The new order (or, with `Idempotent-Replayed: true`, the "
                                        "stored answer to the first request with this key).",
                                        extra=["Location", "Idempotent-Replayed"], required=["Location"]),
                }, tag="orders", params=["IdempotencyKey"], body="PlaceOrder", errors=[409],
                description="Any role; a customer becomes the order's `createdBy`. Prices are copied "
                            "from the menu."),
            "get": operation(
                "listOrders", "List orders", {
                    200: response("A page of orders (a customer sees only its own).",
                                  schema_ref("OrderList"), header_names=["X-Cache"], required=["X-Cache"]),
                }, tag="orders", errors=[400],
                params=["Status", "CreatedAfter", "CreatedBefore", "Limit", "Cursor", "Sort",
                        "IncludeDeleted"],
                description="Keyset pagination: a cursor walk returns every matching order exactly "
                            "once, even while new orders arrive."),
        },
        "/v1/orders/{orderId}": {
            "parameters": [ref("parameters", "OrderId")],
            "get": operation(
                "getOrder", "Get an order", {
                    200: order_response("The order.", extra=["X-Cache"], required=["X-Cache"]),
                }, tag="orders", errors=[400, 404], params=["MinVersion", "IncludeDeleted"],
                description="A soft-deleted order is 404 unless `includeDeleted=true` and the caller "
                            "is an admin."),
            "patch": operation(
                "editOrder", "Edit the customer fields of an order", {
                    200: order_response("The edited order."),
                }, tag="orders", errors=[403, 404, 409, 412], params=[if_match], body="EditOrder",
                description="Admin and staff. Not allowed once the order is completed or cancelled "
                            "(409 INVALID_TRANSITION)."),
            "delete": operation(
                "deleteOrder", "Soft-delete an order", {
                    200: order_response("The deleted order (`deletedAt` set, version bumped)."),
                }, tag="orders", errors=[400, 403, 404, 412], params=[if_match],
                description="Admin only. Deleting an order that is already deleted is 404; nothing "
                            "is ever hard-deleted through the API."),
        },
        "/v1/orders/{orderId}/status": {
            "parameters": [ref("parameters", "OrderId")],
            "patch": operation(
                "changeOrderStatus", "Move an order along the kitchen flow, or cancel it", {
                    200: order_response("The updated order."),
                }, tag="orders", errors=[403, 404, 409, 412], params=[if_match], body="StatusChange",
                description="Admin and staff; a customer may only cancel its own order while it is "
                            "`received`. Setting the status it already has is 409 INVALID_TRANSITION."),
        },
        "/v1/orders/{orderId}/restore": {
            "parameters": [ref("parameters", "OrderId")],
            "post": operation(
                "restoreOrder", "Undo a soft delete", {
                    200: order_response("The restored order (version bumped)."),
                }, tag="orders", errors=[400, 403, 404, 409, 412], params=[if_match],
                description="Admin only. Restoring an order that is not deleted is 409 "
                            "INVALID_TRANSITION."),
        },
        "/v1/orders/{orderId}/events": {
            "parameters": [ref("parameters", "OrderId")],
            "get": operation(
                "listOrderEvents", "The order's history, oldest first", {
                    200: response("A page of the history, one event per version; `limit` and "
                                  "`cursor` work as for orders.", schema_ref("OrderEventList")),
                }, tag="orders", errors=[400, 404], params=["Limit", "Cursor"]),
        },
    }


def _menu_paths() -> dict[str, Schema]:
    item = schema_ref("MenuItemResponse")
    return {
        "/v1/menu-items": {
            "get": operation(
                "listMenuItems", "List the menu", {
                    200: response("A page of live menu items, oldest first.", schema_ref("MenuItemList")),
                }, tag="menu", errors=[400], params=["Available", "Limit", "Cursor"]),
            "post": operation(
                "createMenuItem", "Add a menu item", {
                    201: response("The new item.", item, header_names=["Location"], required=["Location"]),
                },
                tag="menu", errors=[403], body="NewMenuItem", description="Admin only."),
        },
        "/v1/menu-items/{itemId}": {
            "parameters": [ref("parameters", "ItemId")],
            "get": operation(
                "getMenuItem", "Get a menu item", {200: response("The item.", item)},
                tag="menu", errors=[404]),
            "patch": operation(
                "editMenuItem", "Change a menu item", {200: response("The changed item.", item)},
                tag="menu", errors=[403, 404], body="EditMenuItem", description="Admin only."),
            "delete": operation(
                "deleteMenuItem", "Soft-delete a menu item", {
                    200: response("The deleted item; orders keep its copied name and price.", item),
                }, tag="menu", errors=[403, 404], description="Admin only."),
        },
    }


def _account_paths() -> dict[str, Schema]:
    return {
        "/v1/auth/login": {
            "post": operation(
                "login", "Log in and get a bearer token", {
                    200: response("The token and who it is for.", schema_ref("LoginResultResponse")),
                }, tag="auth", errors=[401, 503], body="Login", public=True,
                description="Every wrong value (an empty password included) is the same 401 "
                            "INVALID_CREDENTIALS; a missing field is 422."),
        },
        "/v1/me": {
            "get": operation("me", "Who the token is for", {
                200: response("The caller and its restaurant.", schema_ref("MeResponse")),
            }, tag="auth"),
        },
        "/v1/realtime/token": {
            "post": operation(
                "issueRealtimeToken", "A short-lived token for the realtime mirror", {
                    200: response("An ES256 token Convex accepts for the caller's restaurant.",
                                  schema_ref("RealtimeTokenResponse"), header_names=["Cache-Control"],
                                  required=["Cache-Control"]),
                }, tag="auth", errors=[404], body="RealtimeTokenRequest", body_required=False,
                description="Any role. 404 when no Convex mirror is configured (`CONVEX_URL`)."),
        },
    }


def _operations_paths() -> dict[str, Schema]:
    def public(operation_id: str, summary: str, responses: Mapping[int, Schema]) -> Schema:
        return operation(operation_id, summary, responses, tag="operations", public=True)

    return {
        "/health": {"get": public("health", "The process serves", {
            200: response("Always, while the process serves.", schema_ref("Health"), v1=False)})},
        "/ready": {"get": public("ready", "Whether the dependencies answer", {
            200: response("Ready.", schema_ref("Ready"), v1=False),
            503: response("Not ready: the database is down.", schema_ref("Ready"),
                          header_names=["Retry-After"], required=["Retry-After"], v1=False),
        })},
        "/metrics": {"get": public("metrics", "Prometheus metrics", {
            200: response("Prometheus text exposition format.", {"type": "string"},
                          media="text/plain", v1=False)})},
        "/openapi.json": {"get": public("openapi", "This document", {
            200: response("The OpenAPI 3.1 document.", {"type": "object"}, v1=False)})},
    }


ORDER_EXAMPLE: Schema = {
    "id": "6f1c2b9e-3f5a-4c1e-9d7b-2a8e4f6c1b3d", "restaurantId": "0b9d8c7e-6f5a-4b3c-8d2e-1f0a9b8c7d6e",
    "orderNumber": 42, "customerName": "Ada", "customerPhone": "+14155550123", "status": "received",
    "paymentMethod": "card", "notes": None,
    "items": [{"id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
               "menuItemId": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "name": "Margherita",
               "quantity": 2, "unitPriceCents": 1150, "lineTotalCents": 2300,
               "specialInstructions": "no basil"}],
    "totalCents": 2300, "currency": "USD", "version": 1, "createdBy": "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
    "createdAt": "2026-11-24T12:00:00.000Z", "updatedAt": "2026-11-24T12:00:00.000Z", "deletedAt": None,
}


@cache
def _document_json() -> bytes:
    return json.dumps(document(), separators=(",", ":")).encode()


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the whole HTTP API (a new dict on every call)."""
    schemas = {**_domain_schemas(), **_request_schemas(), **_account_schemas(), **_operations_schemas(),
               **_error_schemas(),
               **_envelopes(["Order", "MenuItem", "LoginResult", "Me", "RealtimeToken"],
                            ["Order", "MenuItem", "OrderEvent"])}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "OrderZap API",
            "version": "1.0.0",
            "summary": "The order backend for restaurants.",
            "description": (
                "Bodies are strict JSON with camelCase names. Success: `{\"success\": true, \"data\": "
                "...}` (lists add `page`). Every error: `{\"success\": false, \"error\": {\"code\", "
                "\"message\", \"details\"?, \"requestId\"}}`. Money is integer minor units plus the "
                "restaurant's `currency`; timestamps are RFC 3339 UTC; ids are UUIDs. Every `/v1` "
                "route but login needs `Authorization: Bearer <JWT>`; the restaurant comes from the "
                "token alone.\n\n"
                "Bodies are strict JSON (RFC 8259, UTF-8): `NaN`, `Infinity`, invalid UTF-8, duplicate "
                "keys or nesting deeper than 32 levels is 400 BAD_REQUEST. Values are never coerced: a "
                "number sent as a string, `2.5` or `1e2` where an integer is expected, or `\"true\"` for "
                "a boolean is 422 naming the field. A malformed id in a path is 404, like any unknown "
                "id. Every response carries `X-Request-Id`, which the error envelope's `requestId` "
                "repeats. Origins listed in `ALLOWED_ORIGINS` get CORS headers (preflights need no "
                "token) and may read ETag, Location, X-Request-Id, X-Cache, Idempotent-Replayed, "
                "Retry-After and the RateLimit-* headers."),
        },
        "servers": [{"url": "http://localhost:3001", "description": "`orderzap serve` (default port)"}],
        "tags": [
            {"name": "orders", "description": "Orders, their status and history."},
            {"name": "menu", "description": "The restaurant's menu."},
            {"name": "auth", "description": "Login and identity."},
            {"name": "operations", "description": "Health, readiness, metrics; no token needed."},
        ],
        "security": [{"bearerAuth": []}],
        "paths": {**_order_paths(), **_menu_paths(), **_account_paths(), **_operations_paths()},
        "components": {
            "securitySchemes": {"bearerAuth": {
                "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "An HS256 JWT from `POST /v1/auth/login` (or `orderzap token issue`)."}},
            "schemas": schemas,
            "parameters": _parameter_components(),
            "responses": _error_response_components(),
        },
    }


class OpenApiResource:
    """GET /openapi.json: the OpenAPI 3.1 document, no token needed."""

    auth = False

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Serve the document."""
        resp.content_type = falcon.MEDIA_JSON
        resp.data = _document_json()
