"""griffe extension for the API reference: the docstrings' Sphinx roles (:func:`flaucluster.x.y`, :meth:`~a.b`)
become cross-references, links where the target is documented and code text where it is not."""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:func|meth|class|mod|attr|data|obj|exc):`(~?)(?:([^`<]+?)\s*<([^`>]+)>|([^`]+))`")


def _link(match: re.Match) -> str:
    tilde, title, target, bare = match.groups()
    target = (target or bare).strip()
    text = title or (target.rsplit(".", 1)[-1] if tilde else target)
    return f'<autoref identifier="{target}" optional><code>{text}</code></autoref>'


class SphinxRoles(griffe.Extension):
    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = ROLE.sub(_link, obj.docstring.value)
