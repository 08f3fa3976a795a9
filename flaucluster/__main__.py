"""``python -m flaucluster`` and the ``flaucluster`` command: :func:`run`."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def run(argv: Sequence[str] | None = None) -> int:
    """The command line as a process of its own: :func:`flaucluster.cli.main` between two process-wide settings
    that a library imported into someone else's process must not make.

    - Before numpy loads OpenBLAS: its idle threads sleep at once instead of spinning for about 0.1 s after
      each call (``OPENBLAS_THREAD_TIMEOUT``, unless already set). The ``cluster`` command's helper and encode
      worker compute on the other core, and a spinning thread would take that core from them.
    - After the command: the heap is frozen (:func:`gc.freeze`), so the interpreter's last collections at exit
      need not walk it again; the process ends about a quarter of a second sooner after a ``cluster`` run.

    ``benchmarks/bench_main_job.py --cold`` measures the command with both.
    """
    os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")  # 2**4 cycles, the least OpenBLAS takes
    from .cli import main

    code = main(argv)
    import gc

    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(run())
