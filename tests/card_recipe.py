"""The model card's manual usage, the reference every FlauBERT-folder test compares against."""

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer


def card_recipe(folder):
    """``run(texts, max_length=512)``: lowercase (do_lower_case), tokenize, mean-pool with the mask.
    Tokenizer and model are loaded once per call of ``card_recipe``."""
    tok = AutoTokenizer.from_pretrained(folder)
    model = AutoModel.from_pretrained(folder).eval()

    def run(texts, max_length=512):
        enc = tok(
            [t.strip().lower() for t in texts],
            padding=True,
            truncation=True,
            max_length=max_length,
            return_tensors="pt",
        )
        with torch.no_grad():
            hidden = model(**enc)[0]
        mask = enc["attention_mask"].unsqueeze(-1).float()
        return ((hidden * mask).sum(1) / mask.sum(1)).numpy()

    return run


def min_cosine(a, b) -> float:
    """The lowest cosine between matching rows of two vector arrays: how far an encoder strays from a reference."""
    return float(((a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)).min())
