"""The components of a :class:`~flaucluster.model.TopicModel`, with their defaults filled in and checked once per fit.

The estimator stores what the user gave (a model name or an :class:`~flaucluster.embed.config.EncoderConfig`, a
:class:`~flaucluster.consensus.ConsensusClusterer` or any scikit-learn clusterer, ...); :func:`resolve` turns
that into the objects a fit runs with, and :meth:`Components.record` into the plain data a state keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sklearn.base import clone

from .consensus import ConsensusClusterer
from .describe import FrenchDescriber
from .embed.config import EncoderConfig
from .errors import ConfigError
from .themes import Themes, records


@dataclass(frozen=True)
class Components:
    """What a fit runs with: every component, checked, and the themes read."""

    encoder: EncoderConfig
    clusterer: ConsensusClusterer  # its seed set to the model's
    describer: FrenchDescriber
    namer: Any
    themes: Themes | None
    themes_frame: pd.DataFrame | None

    def record(
        self, max_unassigned: float | None, missing_values: Any, seed: int, encoder_used: str | None = None
    ) -> dict[str, Any]:
        """The parameters as plain data, by component: what a state, a saved folder and a report keep (a custom
        clusterer by its name, a namer by its address or class name, the themes themselves, and the encoder
        actually used when none was named: a refit never takes whatever the default has become)."""
        clusterer = self.clusterer.get_params(deep=False)
        clusterer["method"] = self.clusterer.method_name
        encoder = self.encoder.record()
        if encoder["model"] is None and encoder_used is not None:
            encoder["model"] = encoder_used
        return {
            "encoder": encoder,
            "clusterer": clusterer,
            "describer": self.describer.record(),
            "namer": None if self.namer is None else getattr(self.namer, "url", type(self.namer).__name__),
            "themes": None
            if self.themes is None or self.themes_frame is None
            else {"themes": records(self.themes_frame), "threshold": self.themes.threshold, "mode": self.themes.mode},
            "max_unassigned": max_unassigned,
            "missing_values": None if missing_values is None else list(missing_values),
            "seed": seed,
        }


PARAMS = ("encoder", "clusterer", "describer", "namer", "themes", "max_unassigned", "missing_values", "seed")


def resolve(params: dict[str, Any]) -> Components:
    """The components of a :class:`~flaucluster.model.TopicModel`'s parameters (``get_params(deep=False)``), each
    with its defaults and checked; a :class:`~flaucluster.errors.ConfigError` names the first that cannot work."""
    enc, seed = EncoderConfig.of(params["encoder"]).check(), params["seed"]
    clu = ConsensusClusterer() if params["clusterer"] is None else params["clusterer"]
    if not isinstance(clu, ConsensusClusterer):
        if not callable(getattr(clu, "fit", None)):
            raise ConfigError(f"clusterer={clu!r}: give a ConsensusClusterer or a scikit-learn clusterer.")
        clu = ConsensusClusterer(clu)
    if clu.seed is not None and clu.seed != seed:
        raise ConfigError(f"clusterer seed={clu.seed} and model seed={seed}: give the seed once, to TopicModel(seed=).")
    clu = clone(clu).set_params(seed=seed).check()
    desc = FrenchDescriber() if params["describer"] is None else params["describer"]
    if not isinstance(desc, FrenchDescriber):
        raise ConfigError(f"describer={desc!r}: give a FrenchDescriber.")
    desc.check()
    namer = params["namer"]
    if namer is not None and not callable(getattr(namer, "name", None)):
        raise ConfigError(f"namer={namer!r}: give an object with .name(topics, taken), such as a ChatNamer.")
    share = params["max_unassigned"]
    if share is not None and not (isinstance(share, (int, float)) and not isinstance(share, bool) and 0 <= share <= 1):
        raise ConfigError(
            f"max_unassigned={share!r}: give a share of rows from 0 to 1 (0.1 = at most 10 % unassigned), or None "
            "to keep every outlier unassigned."
        )
    spec = params["themes"]
    if spec is not None and not isinstance(spec, Themes):
        spec = Themes(spec)
    frame = spec.read() if spec is not None else None  # a bad themes file fails before any work
    return Components(enc, clu, desc, namer, spec, frame)
