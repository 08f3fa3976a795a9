"""The errors a user can fix, each worded to say what is wrong and what to do.

The command line prints them as one line and exits with status 2; anything else is a bug. Both are
:class:`ValueError` subclasses.
"""

from __future__ import annotations

__all__ = ["ConfigError", "EmptyTableError", "InputError"]


class InputError(ValueError):
    """A problem with the user's input file or output folder, worded so they know what to do."""


class ConfigError(ValueError):
    """An option or parameter value that cannot work (``k=1``, ``n_runs=0``, ...)."""


class EmptyTableError(InputError):
    """An input file with no data row (empty, or a header alone): an error for one file, a part with nothing
    in it among several (:mod:`flaucluster.partitions`)."""


class ModelFolderError(InputError):
    """A saved model or run folder that is incomplete, mixed or altered since it was written."""
