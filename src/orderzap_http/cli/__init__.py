"""The ``orderzap`` command line (Click).

Every command reads the same configuration as the server (environment, overridden by flags),
prints text by default and one JSON document on stdout with ``--json``, and fails with one line on
stderr and a non-zero exit: 2 for a usage error (Click's), 1 for anything else. ``--debug`` shows
the stack trace instead.

The :class:`Cli` object builds settings and services on first use, so ``--help`` and usage errors
never read the environment's secrets or open a database. Tests pass ``obj=Cli.on(services)``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import click
from attrs import evolve

from orderzap_core import OrderZapError, Services, ValidationFailed
from orderzap_http.bootstrap import StartupError
from orderzap_http.settings import Settings, SettingsError

if TYPE_CHECKING:
    from orderzap_core.services.mirror_audit import MirrorVerifier
    from orderzap_http.bootstrap import Runtime
    from orderzap_http.tokens import TokenService

F = TypeVar("F", bound=Callable[..., Any])

#: Errors that are the user's or the environment's, printed as one line without a trace.
EXPECTED: tuple[type[BaseException], ...] = (OrderZapError, SettingsError, StartupError)


class Schema(Protocol):
    """What ``db migrate`` and ``db status`` need of a database."""

    def migrate(self) -> list[str]:
        """Apply pending migrations; the names applied."""
        ...

    def status(self) -> list[tuple[str, datetime | None]]:
        """Every migration and when it was applied (None: pending)."""
        ...


class Cli:
    """What every command shares: settings, services and tokens, each built on first use."""

    def __init__(self, *, settings: Settings | None = None, services: Services | None = None,
                 schema: Schema | None = None, interactive: bool | None = None,
                 environ: Mapping[str, str] | None = None, verifier: MirrorVerifier | None = None) -> None:
        self._settings = settings
        self._services = services
        self._schema = schema
        self._verifier = verifier
        self._runtime: Runtime | None = None
        self._environ = environ
        self._closers: list[Callable[[], None]] = []
        self._tokens: TokenService | None = None
        self.interactive = sys.stdin.isatty() if interactive is None else interactive

    @classmethod
    def on(cls, services: Services, settings: Settings | None = None, *,
           schema: Schema | None = None, interactive: bool = False,
           verifier: MirrorVerifier | None = None) -> Cli:
        """A Cli over ready-made services (tests: ``Cli.on(memory.services())``)."""
        return cls(settings=settings or Settings(jwt_secret="x" * 32), services=services,
                   schema=schema, interactive=interactive, verifier=verifier)

    @property
    def settings(self) -> Settings:
        """The environment's settings. Raises SettingsError."""
        if self._settings is None:
            self._settings = Settings.from_env(self._environ)
        return self._settings

    def configure(self, **flags: Any) -> Settings:
        """The settings with a command's flags over the environment (a flag of None is not given).
        Raises SettingsError."""
        given = {name: value for name, value in flags.items() if value is not None}
        if self._settings is None:
            self._settings = Settings.from_env(self._environ, **given)
        elif given:
            self._settings = evolve(self._settings, **given)
        return self._settings

    @property
    def services(self) -> Services:
        """The application, on the configured database (opened, and on the embedded default
        migrated, on first use)."""
        if self._services is None:
            from orderzap_http.bootstrap import open_runtime

            runtime = open_runtime(self.settings, migrate=self.settings.embedded,
                                   check_schema=True, max_size=2)
            self._closers.append(runtime.close)
            self._runtime = runtime
            self._services = runtime.services
        return self._services

    def verifier(self) -> MirrorVerifier:
        """The mirror's verifier (``cache verify``). Raises SettingsError without a mirror."""
        if self._verifier is None:
            if self.settings.convex_url is None:
                from orderzap_http.bootstrap import NO_MIRROR

                raise SettingsError(NO_MIRROR)
            self.services     # noqa: B018 — opens the runtime
            assert self._runtime is not None
            self._verifier = self._runtime.verifier()
        return self._verifier

    def schema(self) -> Schema:
        """The database's migrations (owner connection; nothing migrated on opening)."""
        if self._schema is None:
            from orderzap_http.bootstrap import open_schema

            session = open_schema(self.settings)
            self._closers.append(session.close)
            self._schema = session.schema
        return self._schema

    @property
    def tokens(self) -> TokenService:
        """The token service, signing with the server's settings."""
        if self._tokens is None:
            from orderzap_http.tokens import TokenService

            self._tokens = TokenService(self.settings)
        return self._tokens

    def close(self) -> None:
        """Close what this command opened (pools, the embedded PostgreSQL handle)."""
        closers, self._closers = self._closers, []
        for close in reversed(closers):
            try:
                close()
            except Exception as error:  # noqa: BLE001 — the command's answer is already out
                click.echo(f"warning: closing the database failed: {error}", err=True)


pass_cli = click.make_pass_decorator(Cli)


def json_option(command: F) -> F:
    """``--json``: print one JSON document on stdout instead of text."""
    return click.option("--json", "as_json", is_flag=True,
                        help="Print one JSON document on stdout instead of text.")(command)


def one_line(error: BaseException) -> str:
    """The line printed for an expected error."""
    if isinstance(error, ValidationFailed):
        problems = "; ".join(f"{p.field.replace('_', '-')} {p.message}" for p in error.problems)
        return f"{problems} [{error.code}]"
    if isinstance(error, OrderZapError):
        return f"{error.message} [{error.code}]"
    return str(error)


def _one_line(error: click.UsageError) -> click.UsageError:
    # NOTE: without its context Click prints only "Error: …", not the usage and the help hint:
    # api.md wants one clear line (the exit code stays 2).
    if error.ctx is not None and "--help" not in error.message:
        error.message = f"{error.message.rstrip()} (see '{error.ctx.command_path} --help')"
    error.ctx = None
    return error


class OrderZapGroup(click.Group):
    """The root group: turns every error into one line on stderr, unless ``--debug``."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        """Parse the root options; a usage error is one line (see invoke)."""
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as error:
            raise _one_line(error) from None

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; expected errors become one line, anything else one line too."""
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            raise _one_line(error) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except EXPECTED as error:
            if _debugging(ctx):
                raise
            raise click.ClickException(one_line(error)) from None
        except Exception as error:  # noqa: BLE001 — the one place an unexpected error is printed
            if _debugging(ctx):
                raise
            detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise click.ClickException(
                f"unexpected {type(error).__name__}{': ' + detail if detail else ''} "
                "(run with --debug for the stack trace)") from None


def quiet_logging(debug: bool) -> None:
    """Library log lines (pool retries, pgserver) would break the one-line promise: without
    --debug they go nowhere, with it to stderr. ``serve`` configures real logging itself."""
    root = logging.getLogger()
    if debug:
        logging.basicConfig(level=logging.INFO, stream=sys.stderr)   # no-op if already configured
        return
    if not any(getattr(h, _QUIET, False) for h in root.handlers):
        quiet = logging.NullHandler()
        setattr(quiet, _QUIET, True)
        root.addHandler(quiet)


_QUIET = "_orderzap_quiet"


def _debugging(ctx: click.Context) -> bool:
    root = ctx.find_root()
    return bool(root.params.get("debug"))


@click.group(cls=OrderZapGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, envvar="ORDERZAP_DEBUG",
              help="Show stack traces instead of one-line errors.")
@click.version_option(package_name="orderzap", prog_name="orderzap")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """OrderZap: the order backend for restaurants.

    Reads the same environment as the server (DATABASE_URL, JWT_SECRET, ORDERZAP_DATA_DIR, ...);
    with DATABASE_URL unset, every command uses the embedded PostgreSQL in the data directory.
    """
    if ctx.obj is None:
        ctx.obj = Cli()
    quiet_logging(debug)
    ctx.call_on_close(ctx.obj.close)


def _register() -> None:
    from orderzap_http.cli import (
        cache,
        db,
        demo,
        menu,
        orders,
        realtime,
        restaurants,
        serve,
        sync,
        tokens,
        users,
    )

    main.add_command(serve.serve)
    main.add_command(db.db)
    main.add_command(restaurants.restaurant)
    main.add_command(users.user)
    main.add_command(tokens.token)
    main.add_command(menu.menu)
    main.add_command(orders.orders)
    main.add_command(demo.demo)
    main.add_command(sync.sync)
    main.add_command(cache.cache)
    main.add_command(realtime.realtime)


_register()

__all__ = ["Cli", "OrderZapGroup", "json_option", "main", "pass_cli"]
