"""Clustering commands (filled in by the clustering stage)."""
from __future__ import annotations


def add_commands(sub, add_input_options, add_model_options) -> None:
    return None
