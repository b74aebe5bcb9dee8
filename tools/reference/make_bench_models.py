"""Generates XLM-R-shaped random-weight benchmark models into test/.cache/models/ (never committed).

  xlmr-base:  XLMRobertaForSequenceClassification, 12 layers, hidden 768, 12 heads, FFN 3072, vocab 250002,
              514 positions (512 tokens), one label, F32 storage (~1.1 GB): `npm run bench -- --model xlmr-base`.
  xlmr-large: 24 layers, hidden 1024, 16 heads, FFN 4096, vocab 250002 (560M parameters, the size of
              bge-reranker-large), F16 storage (~1.1 GB): bench/load_large.mjs reports its load time and peak RSS.

Weights are N(0, 0.02) as transformers initialises them (the bench measures speed, not scores). The tokenizer is
the repository's cased WordPiece fixture tokenizer declared as RoBERTa-style (no token_type_ids) until the XLM-R
SentencePiece tokenizer lands: token ids stay far below the 250002-row table, which costs the same per token.
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import torch
from transformers import AutoModelForSequenceClassification, XLMRobertaConfig

from common import CACHE, MODELS, write_json
from make_tiny_models import bert_tokenizer_config

SHAPES = {
    "xlmr-base": (dict(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072),
                  torch.float32),
    "xlmr-large": (dict(hidden_size=1024, num_hidden_layers=24, num_attention_heads=16, intermediate_size=4096),
                   torch.float16),
}


def build(name: str, out: Path) -> None:
    shape, dtype = SHAPES[name]
    cfg = XLMRobertaConfig(vocab_size=250002, max_position_embeddings=514, type_vocab_size=1, pad_token_id=1,
                           bos_token_id=0, eos_token_id=2, layer_norm_eps=1e-5, num_labels=1, **shape)
    # Raw logits from every engine, so the bench can compare them.
    cfg.sentence_transformers = {"activation_fn": "torch.nn.modules.linear.Identity"}
    torch.manual_seed(0)
    with torch.device("cpu"):
        model = AutoModelForSequenceClassification.from_config(cfg, dtype=dtype).eval()
    if out.exists():
        shutil.rmtree(out)
    model.save_pretrained(out, safe_serialization=True, max_shard_size="20GB")
    source = MODELS / "tiny-1label-bf16"
    for f in ("tokenizer.json", "vocab.txt"):
        shutil.copy(source / f, out / f)
    tok = bert_tokenizer_config(False, 512)
    tok["model_input_names"] = ["input_ids", "attention_mask"]
    write_json(out / "tokenizer_config.json", tok)
    params = sum(p.numel() for p in model.parameters())
    print(f"{name}: {params / 1e6:.0f}M parameters, {dtype}, "
          f"{sum(p.stat().st_size for p in out.iterdir()) / 2**20:.0f} MiB in {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", default=["xlmr-base"], help=", ".join(SHAPES))
    args = ap.parse_args()
    for name in args.names:
        build(name, CACHE / "models" / name)


if __name__ == "__main__":
    main()
