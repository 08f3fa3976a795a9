"""Jinja environments for the report's pages: HTML always autoescaped, Markdown escaped by a filter."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).parent / "templates"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|~>$])")  # $: math in GitHub's Markdown


def md_escape(value: Any) -> str:
    """Text for Markdown that renders as itself: HTML inert, Markdown syntax escaped, one line."""
    text = html.escape(str(value), quote=False)
    text = re.sub(r"\s+", " ", text).strip()
    return _MD_SPECIAL.sub(r"\\\1", text)


def environment(markdown: bool):
    from jinja2 import Environment, FileSystemLoader

    # HTML: every value is escaped (autoescape=True, whatever the template's name). Markdown: the
    # `md` filter escapes what the template marks; nothing from the user is left unmarked.
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=not markdown, trim_blocks=True, lstrip_blocks=True)
    env.filters["md"] = md_escape
    return env
