"""FlauBERT's forward pass re-played with ``scaled_dot_product_attention`` over the model's own modules.

transformers offers no SDPA for FlauBERT; this skips its eager attention and the key/value cache it
fills in inference, with query, key and value as one matrix product. Other architectures use the
model's own forward.
"""

from __future__ import annotations

import contextlib


def sdpa_supported(model) -> bool:
    """FlaubertModel configurations whose forward ``flaubert_sdpa_forward`` reproduces."""
    config = model.config
    return (
        type(model).__name__ == "FlaubertModel"
        and not getattr(config, "causal", False)
        and not getattr(config, "pre_norm", False)
        and getattr(config, "is_encoder", True)
        and all(
            hasattr(model, name)
            for name in (
                "attentions",
                "ffns",
                "layer_norm1",
                "layer_norm2",
                "layer_norm_emb",
                "position_embeddings",
                "n_heads",
            )
        )
    )


def fuse_qkv(model) -> None:
    """Give each attention a ``qkv_lin``: the query, key and value projections as one matrix product.

    Why: one kernel launch instead of three per layer (the GPU loop is bound by launches on small
    batches) and one bigger GEMM on CPU. Each output column is the same dot product as before, so the
    vectors are unchanged (tests/test_flaubert_encoder.py). q_lin/k_lin/v_lin become views into the
    fused weights (no second copy) and still serve the model's own forward.
    """
    import torch

    for att in model.attentions:
        lins = (att.q_lin, att.k_lin, att.v_lin)
        if (
            not all(type(lin) is torch.nn.Linear and lin.bias is not None for lin in lins)
            or len({lin.out_features for lin in lins}) != 1
        ):  # the forward splits the product in three
            continue
        fused = torch.nn.Linear(
            lins[0].in_features,
            sum(lin.out_features for lin in lins),
            device=lins[0].weight.device,
            dtype=lins[0].weight.dtype,
        )
        with torch.no_grad():
            fused.weight.copy_(torch.cat([lin.weight for lin in lins]))
            fused.bias.copy_(torch.cat([lin.bias for lin in lins]))
        fused.requires_grad_(False)
        start = 0
        for lin in lins:
            end = start + lin.out_features
            lin.weight = torch.nn.Parameter(fused.weight[start:end], requires_grad=False)
            lin.bias = torch.nn.Parameter(fused.bias[start:end], requires_grad=False)
            start = end
        att.qkv_lin = fused


def sdpa_backends(device: str):
    """On CUDA, attention kernels that need no per-shape set-up: flash (batches without padding) and
    memory-efficient (masked), not cuDNN, whose SDPA builds a plan for every new batch shape; token-budget
    batches come in many shapes (the cost is in benchmarks/README.md)."""
    if device != "cuda":
        return contextlib.nullcontext()
    try:
        from torch.nn.attention import SDPBackend, sdpa_kernel
    except ImportError:  # torch < 2.3 has no cuDNN attention either
        return contextlib.nullcontext()
    return sdpa_kernel([SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION, SDPBackend.MATH])


def flaubert_sdpa_forward(model, input_ids, attention_mask, padded: bool = True):
    """``FlaubertModel.forward(input_ids, attention_mask)[0]`` in inference, with SDPA attention.

    Same modules and weights, same order of operations (post-norm: embeddings + positions,
    LayerNorm; per layer attention, residual, LayerNorm, FFN, residual, LayerNorm). What goes:
    the eager attention (scaled query, masked_fill, fp32 softmax), the key/value cache the model
    fills although nothing reads it, a host sync (``lengths.max().item()``), and the zeroing of
    padded rows after each layer: padded keys are masked out, so padded rows never reach a real
    one, and pooling ignores them (they are left non-zero here). ``padded=False`` (no padding in the
    batch) drops the mask, which lets CUDA pick its fastest attention kernel.
    """
    import torch

    bs, length = input_ids.shape
    dim, heads = model.dim, model.n_heads
    x = model.embeddings(input_ids) + model.position_embeddings.weight[:length]
    x = model.layer_norm_emb(x)
    mask = attention_mask.bool()[:, None, None, :] if padded else None
    for i in range(model.n_layers):
        att = model.attentions[i]
        if hasattr(att, "qkv_lin"):
            q, k, v = att.qkv_lin(x).view(bs, length, 3, heads, -1).permute(2, 0, 3, 1, 4).unbind(0)
        else:
            q, k, v = (lin(x).view(bs, length, heads, -1).transpose(1, 2) for lin in (att.q_lin, att.k_lin, att.v_lin))
        context = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        x = model.layer_norm1[i](x + att.out_lin(context.transpose(1, 2).reshape(bs, length, dim)))
        x = model.layer_norm2[i](x + model.ffns[i](x))
    return x
