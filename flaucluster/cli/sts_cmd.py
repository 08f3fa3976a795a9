"""``flaucluster evaluate-sts``: the model cards' metric on the French STS benchmark."""

from __future__ import annotations

import argparse

from .options import add_model_options, embed_kwargs, encoder_from_args


def register(sub) -> None:
    p = sub.add_parser("evaluate-sts", help="Spearman x 100 on the French STS benchmark (the model cards' metric)")
    add_model_options(p)
    p.add_argument("--split", default="test", choices=["train", "dev", "test"])
    p.add_argument(
        "--sts-dir",
        default=None,
        help="folder with stsb-fr-{train,dev,test}.csv (default: $FLAUCLUSTER_STS_DIR, else the "
        "stsb_multi_mt French split from the Hugging Face hub when it is reachable)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..embed.sts import evaluate_sts, load_sts

    pairs = load_sts(args.split, args.sts_dir)  # before loading a model: a missing benchmark fails fast
    encoder = encoder_from_args(args)
    result = evaluate_sts(encoder, args.split, pairs=pairs, **embed_kwargs(args))
    print(
        f"STS-fr {result.split}: Spearman x 100 = {result.spearman_x100:.2f} "
        f"({result.n_pairs} pairs, model {result.model})"
    )
    return 0
