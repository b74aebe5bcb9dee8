"""Builds the seeded tiny random DebertaV2ForSequenceClassification fixtures and their extra goldens.

Writes test/fixtures/models/tiny-deberta-{1label-f32,3label-f16,1label-bf16,norel-f32}/ (config, safetensors, a tokenizer
our loader reads: the cased WordPiece tokenizer of tiny-1label-bf16, until a DeBERTa-v3 Unigram one is
supported), test/fixtures/goldens/deberta-log-buckets.json (make_log_bucket_position as transformers computes
it, for the bucket settings below) and test/fixtures/goldens/tiny-deberta-long.json (fp32 logits of sequences
longer than 1024 tokens, which the pair corpus never reaches). Pair goldens come from make_goldens.py.
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import torch
from transformers import DebertaV2Config, DebertaV2ForSequenceClassification
from transformers.models.deberta_v2.modeling_deberta_v2 import make_log_bucket_position

from common import GOLDENS, MODELS, write_json
from make_tiny_models import init_weights

# The WordPiece tokenizer the fixtures borrow (7,113 tokens, cased).
TOKENIZER_FROM = MODELS / "tiny-1label-bf16"
TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"]
VOCAB = 7113


def init_deberta(model: torch.nn.Module, seed: int) -> None:
    """make_tiny_models' wide init (logits of a few units); embed_proj is a projection, not a table."""
    init_weights(model, seed)
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "embed_proj" in name:
                p.copy_((1.5 / p.shape[1] ** 0.5) * torch.randn(p.shape, generator=g))


# name -> (config kwargs, storage dtype, seed, tokenizer model_max_length)
FIXTURES = {
    # DeBERTa-v3 as mxbai-rerank / nli-deberta-v3 configure it, scaled down: relative attention with log
    # buckets (mid 4 of 8, so distances >= 4 are log-scaled, clamped past 64), shared key projections, p2c+c2p,
    # LayerNorm on the relative embeddings, no absolute positions, no token types. 1,280 positions so that
    # sequences past 1,024 tokens are allowed.
    "tiny-deberta-1label-f32": (dict(
        vocab_size=VOCAB, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
        max_position_embeddings=1280, type_vocab_size=0, relative_attention=True, position_buckets=8,
        max_relative_positions=64, pos_att_type=["p2c", "c2p"], share_att_key=True, norm_rel_ebd="layer_norm",
        position_biased_input=False, hidden_act="gelu", pooler_hidden_act="gelu", layer_norm_eps=1e-7,
        num_labels=1), None, 401, 1280),
    # The other branches: separate pos_key_proj / pos_query_proj, pos_att_type as a "c2p|p2c" string, no buckets
    # (linear positions clamped at max_relative_positions 24), absolute positions added to the input, token types,
    # embedding_size 24 != hidden 48 (embed_proj), no LayerNorm on the relative embeddings, tanh pooler.
    "tiny-deberta-3label-f16": (dict(
        vocab_size=VOCAB, hidden_size=48, num_hidden_layers=2, num_attention_heads=3, intermediate_size=96,
        max_position_embeddings=160, type_vocab_size=2, relative_attention=True, position_buckets=-1,
        max_relative_positions=24, pos_att_type="c2p|p2c", share_att_key=False, norm_rel_ebd="none",
        position_biased_input=True, embedding_size=24, hidden_act="gelu", pooler_hidden_act="tanh",
        layer_norm_eps=1e-7, num_labels=3, id2label={0: "contradiction", 1: "entailment", 2: "neutral"},
        label2id={"contradiction": 0, "entailment": 1, "neutral": 2}), torch.float16, 402, 512),
    # v3-style again with max_relative_positions unset (-1: falls back to max_position_embeddings 256), 16
    # buckets, only c2p (scale sqrt(2d)), BF16 storage.
    "tiny-deberta-1label-bf16": (dict(
        vocab_size=VOCAB, hidden_size=32, num_hidden_layers=3, num_attention_heads=2, intermediate_size=64,
        max_position_embeddings=256, type_vocab_size=0, relative_attention=True, position_buckets=16,
        max_relative_positions=-1, pos_att_type=["c2p"], share_att_key=True, norm_rel_ebd="layer_norm",
        position_biased_input=False, hidden_act="gelu", pooler_hidden_act="gelu", layer_norm_eps=1e-7,
        num_labels=1), torch.bfloat16, 403, 256),
    # No relative attention (DebertaV2Config's defaults): plain attention, yet HF still counts pos_att_type in the
    # scale (sqrt(2d) here); absolute positions, relu feed-forward. Only long-sequence goldens (no pair goldens).
    "tiny-deberta-norel-f32": (dict(
        vocab_size=VOCAB, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=48,
        max_position_embeddings=200, type_vocab_size=2, relative_attention=False, pos_att_type=["c2p"],
        position_biased_input=True, hidden_act="relu", pooler_hidden_act="gelu", layer_norm_eps=1e-7,
        num_labels=2, id2label={0: "no", 1: "yes"}, label2id={"no": 0, "yes": 1}), None, 404, 200),
}

# (bucket_size, max_position) pairs whose bucket tables the C++ test compares against: the fixtures', and
# DeBERTa-v3-base/large's (256 buckets, 512 positions).
BUCKET_SETTINGS = [(8, 64), (16, 256), (256, 512), (4, 10), (32, 1024)]
BUCKET_RANGE = 3000


def build(name: str, out: Path) -> DebertaV2ForSequenceClassification:
    kwargs, dtype, seed, max_len = FIXTURES[name]
    cfg = DebertaV2Config(**kwargs)
    cfg.architectures = ["DebertaV2ForSequenceClassification"]
    torch.manual_seed(seed)
    model = DebertaV2ForSequenceClassification(cfg).eval()
    init_deberta(model, seed)
    (model.to(dtype) if dtype is not None else model).save_pretrained(out, safe_serialization=True)
    for f in TOKENIZER_FILES:
        shutil.copy(TOKENIZER_FROM / f, out / f)
    tok_cfg = TOKENIZER_FROM / "tokenizer_config.json"
    import json
    tc = json.loads(tok_cfg.read_text(encoding="utf-8"))
    tc["model_max_length"] = max_len
    write_json(out / "tokenizer_config.json", tc)
    return DebertaV2ForSequenceClassification.from_pretrained(out, dtype=torch.float32).eval()


def long_goldens(models: dict[str, DebertaV2ForSequenceClassification]) -> dict:
    """Logits of a few long sequences, each scored alone (no padding), from the fp32 reloaded model."""
    out = {}
    g = torch.Generator().manual_seed(7)
    for name, model in models.items():
        limit = model.config.max_position_embeddings
        lengths = sorted({limit, min(limit, 1100), limit // 2 + 3, 97})
        seqs = []
        for n in lengths:
            ids = torch.randint(5, VOCAB, (n,), generator=g)
            ids[0] = 2  # [CLS] of the borrowed vocab
            ids[n // 3] = 3
            ids[-1] = 3
            types = torch.zeros(n, dtype=torch.long)
            if model.config.type_vocab_size > 0:
                types[n // 3 + 1:] = 1
            with torch.no_grad():
                logits = model(input_ids=ids[None], token_type_ids=types[None]).logits[0]
            seqs.append({"input_ids": ids.tolist(), "token_type_ids": types.tolist(),
                         "logits": [float(v) for v in logits]})
        out[name] = seqs
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=MODELS)
    args = ap.parse_args()
    torch.set_num_threads(1)
    models = {}
    for name in FIXTURES:
        d = args.out / name
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        models[name] = build(name, d)
        print(name, sorted(p.name for p in d.iterdir()), sum(p.stat().st_size for p in d.iterdir()), "bytes")
    rel = torch.arange(-BUCKET_RANGE, BUCKET_RANGE + 1, dtype=torch.long)
    buckets = [{"bucket_size": b, "max_position": m, "first_relative_position": -BUCKET_RANGE,
                "buckets": make_log_bucket_position(rel, b, m).to(torch.long).tolist()}
               for b, m in BUCKET_SETTINGS]
    write_json(GOLDENS / "deberta-log-buckets.json", {"source": "transformers make_log_bucket_position",
                                                      "tables": buckets}, indent=None)
    write_json(GOLDENS / "tiny-deberta-long.json", long_goldens(models), indent=None)


if __name__ == "__main__":
    main()
