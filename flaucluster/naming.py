"""Optional cluster names from a language model behind any OpenAI-compatible chat endpoint.

Ollama (``http://localhost:11434/v1``), a llama.cpp server (``http://localhost:8080/v1``), vLLM or
a hosted API all speak ``POST {url}/chat/completions``. Off by default and never needed: without a
namer, names come from the keyphrases (:func:`flaucluster.label.covering_phrases`). The standard
library's ``urllib`` makes the calls, so no client package is required. What was asked and what
came back is kept (:attr:`ChatNamer.record`) and written to ``topics.json`` under
``clustering.naming``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from . import french
from .errors import ConfigError
from .label import Topic

__all__ = ["ChatNamer"]

logger = logging.getLogger(__name__)

PROMPT_FR = (
    "Tu nommes des groupes de formations en français.\n"
    "Mots-clés du groupe : {keywords}\n"
    "Exemples représentatifs :\n{examples}\n"
    "Noms déjà donnés à d'autres groupes (ne les reprends pas) : {taken}\n"
    "Réponds uniquement par un nom court (2 à 5 mots), un groupe nominal en français, "
    "majuscule au premier mot seulement, sans guillemets ni ponctuation finale."
)
_MAX_NAME = 80  # characters: longer replies are not names


@dataclass
class ChatNamer:
    """Name clusters with a chat model, one at a time, telling it the names already given to the others.

    The first line of a reply is the name (quotes, asterisks, a final period and a leading ``Nom :`` removed,
    first letter in upper case). A reply that is empty, too long or the same as a sibling's name (accents and
    case aside) is asked again once with that reason; if it is still unusable the keyphrase name stays. Each
    parameter is kept as the attribute of the same name.

    Parameters
    ----------
    url : str
        The http(s) address of an OpenAI-compatible endpoint, such as ``http://localhost:11434/v1``; requests go
        to ``{url}/chat/completions`` (a final ``/`` is removed).
    model : str
        The model name the endpoint serves.
    prompt : str, default PROMPT_FR
        The request, a format string with ``{keywords}``, ``{examples}`` (up to three representative sentences)
        and ``{taken}`` (the names already given); the default is in French.
    timeout : float, default 60.0
        Seconds to wait for each reply.
    temperature : float, default 0.0
        The sampling temperature sent with each request.
    api_key : str, optional
        Sent as a bearer token; ``None``: the ``FLAUCLUSTER_NAMER_KEY`` environment variable, if set. Never
        written to outputs.
    record : dict, optional
        What was asked and what came back, filled by :meth:`name` (:meth:`describe` and, per cluster, the
        prompt, the replies and the name kept); written to ``topics.json`` under ``clustering.naming``.

    Raises
    ------
    ConfigError
        ``url`` is not an http(s) address, or ``model`` is empty.
    """

    url: str
    model: str
    prompt: str = PROMPT_FR
    timeout: float = 60.0
    temperature: float = 0.0
    api_key: str | None = None
    record: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not re.match(r"^https?://", self.url):
            raise ConfigError(f"namer url {self.url!r}: give an http(s) address such as http://localhost:11434/v1.")
        if not self.model:
            raise ConfigError("namer model is empty: give the model name the endpoint serves (e.g. --namer-model).")
        self.url = self.url.rstrip("/")

    def describe(self) -> dict[str, Any]:
        """Describe the namer, as outputs record it (without the API key).

        Returns
        -------
        dict
            ``namer`` (``"chat"``), ``url``, ``model``, ``prompt`` and ``temperature``.
        """
        return {
            "namer": "chat",
            "url": self.url,
            "model": self.model,
            "prompt": self.prompt,
            "temperature": self.temperature,
        }

    def check(self) -> None:
        """Fail now, with advice, when the endpoint does not answer (before any long work).

        Sends one short request.

        Raises
        ------
        ConfigError
            The endpoint does not answer, answers with an HTTP error, or not with a chat completion.
        """
        try:
            self._post([{"role": "user", "content": "Réponds : ok"}])
        except ConfigError as exc:
            raise ConfigError(f"{exc} Nothing was computed; start the server or drop --namer.") from None

    def name(self, topics: Sequence[Topic], taken: Sequence[str] = ()) -> dict[int, str]:
        """Name ``topics``, each name distinct from ``taken`` and from the others.

        What was asked and answered is added to :attr:`record`.

        Parameters
        ----------
        topics : sequence of Topic
            The clusters to name, with their keywords and representative sentences.
        taken : sequence of str, default ()
            Names already given to other clusters, not to be given again.

        Returns
        -------
        dict of int to str
            ``{cluster: name}`` for the clusters that got a usable name; the others keep their keyphrase name.

        Raises
        ------
        ConfigError
            The endpoint does not answer, answers with an HTTP error, or not with a chat completion.
        """
        used = {french.fold_key(t.lower()) for t in taken}
        names: dict[int, str] = {}
        asked: dict[str, Any] = {}
        for topic in topics:
            prompt = self.prompt.format(
                keywords=", ".join(k for k, _ in topic.keywords) or "(aucun)",
                examples="\n".join(f"- {r}" for r in topic.representatives[:3]) or "- (aucun)",
                taken=", ".join(sorted({*taken, *names.values()})) or "(aucun)",
            )
            messages = [{"role": "user", "content": prompt}]
            reply = self._post(messages)
            name, why = _usable(reply, used)
            replies = [reply]
            if why:
                messages += [{"role": "assistant", "content": reply}, {"role": "user", "content": why}]
                reply = self._post(messages)
                replies.append(reply)
                name, why = _usable(reply, used)
            if name and not why:
                names[topic.cluster] = name
                used.add(french.fold_key(name.lower()))
            else:
                logger.warning(
                    "namer: no usable name for cluster %d (%s); the keyphrase name stays", topic.cluster, why
                )
            asked[str(topic.cluster)] = {"prompt": prompt, "replies": replies, "name": names.get(topic.cluster)}
        self.record = {**self.describe(), "clusters": {**self.record.get("clusters", {}), **asked}}
        return names

    def _post(self, messages: list[dict[str, str]]) -> str:
        body = json.dumps(
            {"model": self.model, "messages": messages, "temperature": self.temperature, "stream": False}
        ).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        key = self.api_key or os.environ.get("FLAUCLUSTER_NAMER_KEY")
        if key:
            headers["Authorization"] = f"Bearer {key}"
        request = urllib.request.Request(f"{self.url}/chat/completions", data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read().decode("utf-8"))
            return str(answer["choices"][0]["message"]["content"])
        except urllib.error.HTTPError as exc:
            raise ConfigError(f"namer {self.url}: the server answered HTTP {exc.code} ({exc.reason}).") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ConfigError(f"namer {self.url}: no answer ({reason}).") from None
        except (ValueError, KeyError, IndexError, TypeError):
            raise ConfigError(
                f"namer {self.url}: the reply is not an OpenAI-style chat completion (choices[0].message.content)."
            ) from None


def _usable(reply: str, used: set[str]) -> tuple[str, str]:
    """(cleaned name, '' when usable, else what to tell the model)."""
    lines = [line for line in reply.strip().splitlines() if line.strip()]
    name = lines[0].strip().strip("\"'«»“”`*").strip().rstrip(".") if lines else ""
    name = re.sub(r"^(nom|name)\s*:\s*", "", name, flags=re.IGNORECASE).strip()
    if not name:
        return "", "Ta réponse est vide : donne un nom court."
    if len(name) > _MAX_NAME:
        return "", "Trop long : donne un nom de 2 à 5 mots."
    if french.fold_key(name.lower()) in used:
        return "", f"« {name} » est déjà le nom d'un autre groupe : donne un nom qui les distingue."
    return name[:1].upper() + name[1:], ""
