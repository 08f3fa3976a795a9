"""Argument parsing, logging, and the one place where errors become exit codes.

User errors (bad file, option, folder, model) print one line and exit with status 2; an
interruption exits 130 with nothing half-written; ``--debug`` shows the traceback of either."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from .. import __version__
from .cluster_cmd import register as register_cluster
from .edit_cmd import register as register_edit
from .embed_cmd import register as register_embed
from .report_cmd import register as register_report
from .sts_cmd import register as register_sts
from .update_cmd import register as register_update

if TYPE_CHECKING:
    from ..offload import Helper

logger = logging.getLogger("flaucluster")
_NOISY = ("numba", "httpx", "urllib3", "huggingface_hub", "matplotlib", "PIL")


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line (argparse prints the whole usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="flaucluster", description="Thematic groups from French educational text.")
    parser.add_argument("-v", "--verbose", action="count", default=0)
    parser.add_argument("-q", "--quiet", action="store_true")
    parser.add_argument("--debug", action="store_true", help="show the traceback of any error")
    parser.add_argument("--version", action="version", version=f"flaucluster {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for register in (register_embed, register_sts, register_cluster, register_report, register_edit, register_update):
        register(sub)
    return parser


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if in_main_thread else None  # `kill`: as Ctrl-C
    argv = list(sys.argv[1:] if argv is None else argv)
    helper = _helper_for(argv)
    try:
        return _main(argv, helper)
    finally:
        if helper is not None:
            helper.shutdown(cancel_futures=True)
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)


def _helper_for(argv: list[str]) -> Helper | None:
    """For ``cluster``, a helper process (:mod:`flaucluster.offload`) started before this one has built its
    parser, so that its own start-up runs beside ours; None for the other commands."""
    command = next((a for a in argv if not a.startswith("-")), None)  # the global options take no value
    if command != "cluster" or "-h" in argv or "--help" in argv:
        return None
    from ..offload import start_helper

    return start_helper()


def _main(argv: Sequence[str], helper: Helper | None) -> int:
    from .. import timing

    args = build_parser().parse_args(argv)
    timing.SECONDS.clear()  # a second command in one process (tests, a notebook) reports its own stages only
    timing.SECONDS["startup"] = time.process_time()  # interpreter and imports so far: one thread, CPU-bound
    level = logging.WARNING if args.quiet else (logging.DEBUG if args.verbose > 1 else logging.INFO)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for noisy in _NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from ..embed import ModelUnavailableError
    from ..errors import ConfigError, InputError

    try:
        return args.run(args) if helper is None else args.run(args, helper=helper)
    except KeyboardInterrupt:
        if args.debug:
            raise
        logger.error("interrupted: no output folder was changed.")
        return 130
    except (InputError, ConfigError, ModelUnavailableError) as exc:
        if args.debug:
            raise
        logger.error("%s", _one_line(exc))
        return 2
    except BrokenPipeError:  # `flaucluster ... | head`: the reader left; the work itself is done
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115  -- so that the flush at exit stays silent
        return 141
    except OSError as exc:  # a disk, permission or cache problem the user can fix
        if args.debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        logger.error("%s%s (nothing was written; --debug shows the traceback).", where, exc.strerror or _one_line(exc))
        return 2
    except Exception as exc:  # a bug: still one line, with the way to the traceback
        if args.debug:
            raise
        logger.error(
            "unexpected %s: %s. This is a flaucluster bug; rerun with --debug and report the traceback.",
            type(exc).__name__,
            _one_line(exc),
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
