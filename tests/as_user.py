"""The command line as a user runs it, and what a user is told: shared by the hostile-input tests."""

from __future__ import annotations

from flaucluster.cli import main


def cli(*args: object) -> int:
    """``flaucluster ARGS...`` as a user types it (paths and numbers as they are)."""
    return main([str(a) for a in args])


def one_error_line(caplog) -> str:
    """The run's only error message, which must be one line and no traceback."""
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    message = errors[0].getMessage()
    assert "\n" not in message and "Traceback" not in message
    return message
