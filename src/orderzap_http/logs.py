"""Logging: structlog over the standard library, as console lines or JSON lines.

``configure(settings)`` installs one formatter on the root logger, so the app's own events and
those of libraries (gunicorn, psycopg) come out the same way: on stderr, and, with ``LOG_DIR``, in
``app.log`` (everything at ``LOG_LEVEL`` and above) and ``error.log`` (errors only). Python's
warnings and uncaught thread exceptions are logged too, so with ``LOG_FORMAT=json`` every line on
stderr is one JSON object (gunicorn's own lines: :mod:`orderzap_http.gunicorn_logs`). The request
id is bound per request (``structlog.contextvars``) and lands on every line logged meanwhile.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from typing import Any

import structlog

from orderzap_http.console_lines import ConsoleLines
from orderzap_http.settings import Settings

#: Marks the handlers installed here, so configuring again replaces them instead of adding more.
_OURS = "_orderzap_handler"

_SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def _level(name: str) -> int:
    return logging.getLevelNamesMapping().get(name.strip().upper(), logging.INFO)


def _handler(handler: logging.Handler, formatter: logging.Formatter, level: int) -> logging.Handler:
    handler.setFormatter(formatter)
    handler.setLevel(level)
    setattr(handler, _OURS, True)
    return handler


def configure(settings: Settings) -> None:
    """Send every log line through structlog's formatter to stderr and, with LOG_DIR, to
    ``app.log`` and ``error.log``. Safe to call again (handlers are replaced, not added)."""
    level = _level(settings.log_level)
    renderer: Any = (structlog.processors.JSONRenderer() if settings.log_format == "json"
                     else ConsoleLines())
    final: list[Any] = [structlog.stdlib.ProcessorFormatter.remove_processors_meta]
    if settings.log_format == "json":
        final.append(structlog.processors.format_exc_info)   # the trace as one JSON string field
    formatter = structlog.stdlib.ProcessorFormatter(foreign_pre_chain=_SHARED,
                                                    processors=[*final, renderer])
    structlog.configure(
        processors=[structlog.stdlib.filter_by_level, *_SHARED,
                    structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        # NOTE: cached: the processor chain is the same whatever the settings (they choose the
        # handlers and the renderer, which live on the root logger), so a later configure()
        # still reaches every logger; building the bound logger anew cost a third of each line.
        cache_logger_on_first_use=True,
    )
    # NOTE: the renderers never show the caller's file and line, nor thread and process ids;
    # the logging HOWTO's "Optimization" section: skip computing them for every record.
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    handlers = [_handler(logging.StreamHandler(sys.stderr), formatter, level)]
    if settings.log_dir is not None:
        directory = Path(settings.log_dir)
        directory.mkdir(parents=True, exist_ok=True)
        handlers.append(_handler(logging.FileHandler(directory / "app.log", encoding="utf-8"),
                                 formatter, level))
        handlers.append(_handler(logging.FileHandler(directory / "error.log", encoding="utf-8"),
                                 formatter, max(level, logging.ERROR)))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _OURS, False)]:
        root.removeHandler(old)
        old.close()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    # Python's warnings and a thread's uncaught exception would otherwise be bare text on stderr.
    logging.captureWarnings(True)
    threading.excepthook = _log_thread_crash


def _log_thread_crash(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    logging.getLogger("orderzap.thread").error(
        "thread crashed", exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
        extra={"thread_name": args.thread.name if args.thread else None})


def get_logger(name: str) -> Any:
    """A structlog logger named ``name`` (a bound logger once configure() ran)."""
    return structlog.stdlib.get_logger(name)


def bind_request(request_id: str) -> None:
    """Start a request's log context: every line until :func:`unbind_request` carries its id."""
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=request_id)


def bind(**values: Any) -> None:
    """Add values to the current request's log context (the restaurant, the user)."""
    structlog.contextvars.bind_contextvars(**values)


def unbind_request() -> None:
    """End a request's log context."""
    structlog.contextvars.clear_contextvars()
