"""flaucluster: thematic groups from French educational content."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("flaucluster")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0.dev0"
