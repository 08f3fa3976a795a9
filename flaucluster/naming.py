"""Optional cluster names from a language model behind any OpenAI-compatible chat endpoint.

Ollama (``http://localhost:11434/v1``), a llama.cpp server (``http://localhost:8080/v1``), vLLM or
a hosted API all speak ``POST {url}/chat/completions``. Off by default and never needed: without a
namer, names come from the keyphrases (:func:`flaucluster.label.covering_phrases`). The standard
library's ``http.client`` makes the calls, so no client package is required. What was asked and what
came back is kept (:attr:`ChatNamer.record`) and written to ``topics.json`` under
``clustering.naming``.

The endpoint is not trusted (SECURITY.md, "The namer"): a redirect is never followed, the key goes only
to the host of ``url``, every request and every run has a deadline, a reply is read up to
:data:`MAX_REPLY_BYTES`, and a name is used only when it is plain text of 2 to 8 words.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import logging
import os
import re
import socket
import ssl
import threading
import time
import unicodedata
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from . import french
from .errors import ConfigError
from .label import Topic

__all__ = ["MAX_REPLY_BYTES", "ChatNamer"]

logger = logging.getLogger(__name__)

PROMPT_FR = (
    "Tu nommes des groupes de formations en français.\n"
    "Mots-clés du groupe : {keywords}\n"
    "Exemples représentatifs :\n{examples}\n"
    "Noms déjà donnés à d'autres groupes (ne les reprends pas) : {taken}\n"
    "Réponds uniquement par un nom court (2 à 5 mots), un groupe nominal en français, "
    "majuscule au premier mot seulement, sans guillemets ni ponctuation finale."
)
MAX_REPLY_BYTES = 1_000_000  # a reply larger than this is refused unread: a name is a few words
_MAX_NAME = 200  # characters
_WORDS = (2, 8)  # a name has this many words, bounds included
_EXAMPLE_CHARS = 300  # each representative sentence in the prompt is cut there
_STORED_CHARS = 1000  # each reply kept in the record is cut there, with a marker
_CHUNK = 65536


class _BadReply(Exception):
    """This reply cannot be used (too slow, too large, not a chat completion): the keyphrase name stays."""


@dataclass
class ChatNamer:
    """Name clusters with a chat model, one at a time, telling it the names already given to the others.

    The first line of a reply is the name (quotes, asterisks, a final period and a leading ``Nom :`` removed,
    spaces collapsed, NFC, first letter in upper case). A name is refused when it is empty, holds a control or
    invisible character (ANSI escapes, BEL, NUL, bidi overrides, zero-width characters, lone surrogates), has
    fewer than 2 or more than 8 words or more than 200 characters, or is a sibling's name (accents and case
    aside): the model is asked again once with the reason, and if the second reply is refused too the keyphrase
    name stays and the record says why. A reply that comes too late, is larger than :data:`MAX_REPLY_BYTES` or is
    not a chat completion keeps the keyphrase name too. Each parameter is kept as the attribute of the same name.

    Parameters
    ----------
    url : str
        The http(s) address of an OpenAI-compatible endpoint, such as ``http://localhost:11434/v1``; requests go
        to ``{url}/chat/completions`` (a final ``/`` is removed). Requests go to this host and port only: a
        redirect (HTTP 3xx) is an error naming its target and is never followed; an ``http://`` address is
        reached directly, never through a proxy; an ``https://`` one through the ``https_proxy`` of the
        environment, when set, as an encrypted tunnel the proxy cannot read.
    model : str
        The model name the endpoint serves.
    prompt : str, default PROMPT_FR
        The request, a format string with ``{keywords}``, ``{examples}`` (up to three representative sentences,
        each cut at 300 characters) and ``{taken}`` (the names already given); the default is in French.
    timeout : float, default 60.0
        Seconds for each request, from connecting to the last byte of the reply (a reply that trickles in is cut
        there, not only one that stops).
    temperature : float, default 0.0
        The sampling temperature sent with each request.
    api_key : str, optional
        Sent as a bearer token, to the host of ``url`` only; ``None``: the ``FLAUCLUSTER_NAMER_KEY`` environment
        variable, if set. Never written to outputs.
    record : dict, optional
        What was asked and what came back, filled by :meth:`name` (:meth:`describe` and, per cluster, the
        prompt, the replies, each cut at 1000 characters, the name kept and, when none was, ``why``); written
        to ``topics.json`` under ``clustering.naming``.
    run_deadline : float, default 1800.0
        Seconds for all the requests of one :meth:`name` call (one naming of a fit or an edit); the clusters
        not named by then keep their keyphrase names, with a warning. Keyword only.

    Raises
    ------
    ConfigError
        ``url`` is not an http(s) address with a host (or holds a user name, a password or a space), ``model``
        is empty, or a time limit is not a positive number.
    """

    url: str
    model: str
    prompt: str = PROMPT_FR
    timeout: float = 60.0
    temperature: float = 0.0
    api_key: str | None = None
    record: dict[str, Any] = field(default_factory=dict)
    run_deadline: float = field(default=1800.0, kw_only=True)

    def __post_init__(self) -> None:
        self.url = self.url.rstrip("/")
        advice = "give an http(s) address such as http://localhost:11434/v1"
        if any(c.isspace() or not c.isprintable() for c in self.url):
            raise ConfigError(f"namer url {self.url!r} holds a space or a control character: {advice}.")
        parts = urllib.parse.urlsplit(self.url)
        try:
            port = parts.port
        except ValueError:
            raise ConfigError(f"namer url {self.url!r}: the port is not a number; {advice}.") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"namer url {self.url!r}: {advice}.")
        if parts.username is not None or parts.password is not None:
            raise ConfigError(
                f"namer url {_shown(self.url.replace(parts.netloc, parts.netloc.rpartition('@')[2]))}: "
                "remove the user name and password from the address; give the key in $FLAUCLUSTER_NAMER_KEY."
            )
        if parts.query or parts.fragment:
            raise ConfigError(f"namer url {self.url!r}: remove the '?' or '#' part; {advice}.")
        if not self.model:
            raise ConfigError("namer model is empty: give the model name the endpoint serves (e.g. --namer-model).")
        for label, seconds in (("timeout", self.timeout), ("run_deadline", self.run_deadline)):
            if not (isinstance(seconds, (int, float)) and 0 < seconds < float("inf")):
                raise ConfigError(f"namer {label}={seconds!r}: give a positive number of seconds.")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = port or (443 if self._https else 80)
        self._path = f"{parts.path}/chat/completions"

    def describe(self) -> dict[str, Any]:
        """Describe the namer, as outputs record it (without the API key).

        Returns
        -------
        dict
            ``namer`` (``"chat"``), ``url``, ``model``, ``prompt``, ``temperature``, ``timeout`` and
            ``run_deadline``.
        """
        return {
            "namer": "chat",
            "url": self.url,
            "model": self.model,
            "prompt": self.prompt,
            "temperature": self.temperature,
            "timeout": self.timeout,
            "run_deadline": self.run_deadline,
        }

    def check(self) -> None:
        """Fail now, with advice, when the endpoint does not answer (before any long work).

        Sends one short request, with ``timeout``.

        Raises
        ------
        ConfigError
            The endpoint does not answer within ``timeout``, answers with an HTTP error or a redirect, or not
            with a chat completion of at most :data:`MAX_REPLY_BYTES`.
        """
        try:
            self._post([{"role": "user", "content": "Réponds : ok"}])
        except _BadReply as exc:
            raise ConfigError(
                f"namer {self.url}: {exc}. Nothing was computed; check the server or drop --namer."
            ) from None
        except ConfigError as exc:
            raise ConfigError(f"{exc} Nothing was computed; start the server or drop --namer.") from None

    def name(self, topics: Sequence[Topic], taken: Sequence[str] = ()) -> dict[int, str]:
        """Name ``topics``, each name distinct from ``taken`` and from the others.

        What was asked and answered is added to :attr:`record`. The clusters still unnamed when
        ``run_deadline`` passes keep their keyphrase names (a warning says how many).

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
            The endpoint does not answer, answers with an HTTP error, or redirects.
        """
        end = time.monotonic() + self.run_deadline
        used = {french.fold_key(t.lower()) for t in taken}
        names: dict[int, str] = {}
        asked: dict[str, Any] = {}
        for i, topic in enumerate(topics):
            if time.monotonic() >= end:
                late = topics[i:]
                logger.warning(
                    "namer: the run deadline of %g s passed; %d clusters keep their keyphrase names "
                    "(ChatNamer(run_deadline=...) gives more time)",
                    self.run_deadline,
                    len(late),
                )
                why = f"not asked: the run deadline of {self.run_deadline:g} s had passed"
                asked.update({str(t.cluster): {"prompt": None, "replies": [], "name": None, "why": why} for t in late})
                break
            prompt = self.prompt.format(
                keywords=", ".join(k for k, _ in topic.keywords) or "(aucun)",
                examples="\n".join(f"- {_cut(r, _EXAMPLE_CHARS)}" for r in topic.representatives[:3]) or "- (aucun)",
                taken=", ".join(sorted({*taken, *names.values()})) or "(aucun)",
            )
            messages = [{"role": "user", "content": prompt}]
            replies: list[str] = []
            name, why = "", ""
            for _ in range(2):  # asked again once, with the reason
                try:
                    reply = self._post(messages, end, self.run_deadline)
                except _BadReply as exc:
                    why = str(exc)
                    break
                replies.append(_stored(reply))
                name, why = _usable(reply, used)
                if not why:
                    break
                messages += [{"role": "assistant", "content": replies[-1]}, {"role": "user", "content": why}]
            if name and not why:
                names[topic.cluster] = name
                used.add(french.fold_key(name.lower()))
            else:
                logger.warning(
                    "namer: no usable name for cluster %d (%s); the keyphrase name stays", topic.cluster, why
                )
            entry = {"prompt": _stored(prompt, limit=None), "replies": replies, "name": names.get(topic.cluster)}
            asked[str(topic.cluster)] = entry if topic.cluster in names else {**entry, "why": why}
        self.record = {**self.describe(), "clusters": {**self.record.get("clusters", {}), **asked}}
        return names

    def _post(self, messages: list[dict[str, str]], end: float = float("inf"), run: float = 0.0) -> str:
        """The reply's text, within ``timeout`` and before ``end`` (the deadline of a run of ``run`` seconds);
        ConfigError when the endpoint is unusable, _BadReply when this reply is."""
        body = json.dumps(
            {"model": self.model, "messages": messages, "temperature": self.temperature, "stream": False}
        ).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        key = self.api_key or os.environ.get("FLAUCLUSTER_NAMER_KEY")
        if key:
            headers["Authorization"] = f"Bearer {key}"  # the connection below goes to the typed host only
        until = min(time.monotonic() + self.timeout, end)
        late = _BadReply(
            f"no complete reply within {self.timeout:g} s"
            if until < end
            else f"no complete reply before the run deadline of {run:g} s"
        )
        conn = self._connection(max(until - time.monotonic(), 0.001))
        cut = threading.Event()
        try:
            conn.connect()
            sock = conn.sock  # kept: http.client lets go of it when the reply closes the connection
            if time.monotonic() >= until:
                raise late
            # the deadline holds however slowly bytes arrive: at that time the socket is shut, ending any read
            timer = threading.Timer(until - time.monotonic(), _shut, (sock, cut))
            timer.daemon = True
            timer.start()
            try:
                conn.request("POST", self._path, body=body, headers=headers)
                response = conn.getresponse()
                self._refuse_status(response)
                data = _read_capped(response, until)
            finally:
                timer.cancel()
            if cut.is_set() or time.monotonic() >= until:
                raise late
        except TimeoutError:
            raise late from None
        except OSError as exc:
            if cut.is_set() or time.monotonic() >= until:
                raise late from None
            raise ConfigError(f"namer {self.url}: no answer ({_shown(str(exc))}).") from None
        except http.client.HTTPException as exc:
            if cut.is_set() or time.monotonic() >= until:
                raise late from None
            raise _BadReply(f"not an HTTP reply ({type(exc).__name__})") from None
        finally:
            conn.close()
        try:
            content = json.loads(data)["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError, RecursionError):
            content = None
        if not isinstance(content, str):
            raise _BadReply("the reply is not an OpenAI-style chat completion (choices[0].message.content)")
        return content

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        """A connection to the typed host: directly, or for https through the environment's proxy as a tunnel."""
        if not self._https:
            return http.client.HTTPConnection(self._host, self._port, timeout=timeout)
        context = ssl.create_default_context()
        proxy = urllib.request.getproxies().get("https")
        if not proxy or urllib.request.proxy_bypass(self._host):
            return http.client.HTTPSConnection(self._host, self._port, timeout=timeout, context=context)
        parts = urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        try:
            port = parts.port or 80
        except ValueError:
            port = 0
        if parts.scheme != "http" or not parts.hostname or not port:
            raise ConfigError(
                f"https_proxy {_shown(parts.netloc.rpartition('@')[2])}: the namer reaches a proxy given as "
                "http://HOST:PORT; set https_proxy so, or add the namer's host to no_proxy."
            )
        conn = http.client.HTTPSConnection(parts.hostname, port, timeout=timeout, context=context)
        tunnel = {}
        if parts.username is not None:  # the proxy's own credentials, never the namer's key
            user = f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
            tunnel["Proxy-Authorization"] = "Basic " + base64.b64encode(user.encode()).decode("ascii")
        conn.set_tunnel(self._host, self._port, headers=tunnel)
        return conn

    def _refuse_status(self, response: http.client.HTTPResponse) -> None:
        if 200 <= response.status < 300:
            return
        if 300 <= response.status < 400:
            target = response.getheader("Location")
            where = f"to {_shown(target)}" if target else "without a Location"
            raise ConfigError(
                f"namer {self.url}: the server answered HTTP {response.status}, a redirect {where}; redirects are "
                "never followed (the key and the texts would go elsewhere): give the final address as the URL."
            )
        raise ConfigError(
            f"namer {self.url}: the server answered HTTP {response.status} ({_shown(response.reason or '')})."
        )


def _shut(sock: socket.socket, cut: threading.Event) -> None:
    cut.set()
    with contextlib.suppress(OSError):
        # the plain socket's shutdown, also under TLS: it wakes a read blocked in another thread
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _read_capped(response: http.client.HTTPResponse, until: float) -> bytes:
    """The reply's body, read by chunks up to ``until``; more than MAX_REPLY_BYTES is refused, not kept."""
    length = response.getheader("Content-Length")
    if length and length.strip().isdigit() and int(length) > MAX_REPLY_BYTES:
        raise _BadReply(f"a reply of {int(length)} bytes refused (at most {MAX_REPLY_BYTES})")
    data = bytearray()
    while chunk := response.read1(_CHUNK):
        data += chunk
        if len(data) > MAX_REPLY_BYTES:
            raise _BadReply(f"a reply of more than {MAX_REPLY_BYTES} bytes refused")
        if time.monotonic() >= until:
            break  # the caller reports the deadline
    return bytes(data)


def _shown(text: str, limit: int = 200) -> str:
    """``text`` safe to print in one line: control and invisible characters escaped, cut at ``limit``."""
    shown = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text[:limit])
    return shown + ("…" if len(text) > limit else "")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _stored(text: str, limit: int | None = _STORED_CHARS) -> str:
    """``text`` as the record keeps it: control and invisible characters (ANSI escapes, bidi overrides, lone
    surrogates, which cannot even be saved as UTF-8) written as escapes such as ``\\x1b``, line breaks and tabs
    kept; cut at ``limit`` characters with a marker saying how long it was."""
    head = text if limit is None else text[:limit]
    safe = "".join(c if c in "\n\t" or unicodedata.category(c)[0] != "C" else ascii(c)[1:-1] for c in head)
    return safe if len(head) == len(text) else f"{safe}… [cut here: {len(text)} characters in all]"


def _usable(reply: str, used: set[str]) -> tuple[str, str]:
    """(cleaned name, '' when usable, else what to tell the model)."""
    lines = [line for line in re.split(r"[\r\n]+", reply) if line.strip()]
    name = unicodedata.normalize("NFC", lines[0]) if lines else ""
    name = name.strip().strip("\"'«»“”`*").strip().rstrip(".")
    name = re.sub(r"^(nom|name)\s*:\s*", "", name, flags=re.IGNORECASE).strip()
    if not name:
        return "", "Ta réponse est vide : donne un nom court."
    # controls (ANSI escapes, BEL, NUL), format characters (bidi overrides, zero-width), surrogates, unassigned
    if any(unicodedata.category(c).startswith("C") for c in name.replace("\t", " ")):
        return "", "Ta réponse contient des caractères de contrôle ou invisibles : donne un nom en texte simple."
    name = " ".join(name.split())
    words = len(name.split(" "))
    if len(name) > _MAX_NAME:
        return "", f"Trop long : donne un nom de {_WORDS[0]} à {_WORDS[1]} mots."
    if not _WORDS[0] <= words <= _WORDS[1]:
        return "", f"Ton nom a {words} mot(s) : donne un nom de {_WORDS[0]} à {_WORDS[1]} mots."
    if french.fold_key(name.lower()) in used:
        return "", f"« {name} » est déjà le nom d'un autre groupe : donne un nom qui les distingue."
    return name[:1].upper() + name[1:], ""
