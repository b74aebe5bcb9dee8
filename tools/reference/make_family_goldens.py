"""Goldens for the RoBERTa / XLM-R / ELECTRA fixtures: sentence-transformers 6 CrossEncoder fp32 logits.

Writes test/fixtures/goldens/families/<model>.jsonl.gz (input ids, token type ids when the tokenizer returns
them, raw logits; first --pairs pairs of pairs.jsonl.gz) and <model>.meta.json (settings, default-activation
scores, the first 100 golden rows uncompressed, and `raw_cases`: id sequences fed straight to the HF model, e.g. padding-id tokens inside a sequence and
sequences thousands of tokens long, with their logits). Checks first that every parameter CrossEncoder loaded
equals the fixture file's tensor (so a checkpoint saved without the base-model prefix loaded fully).
"""
from __future__ import annotations

import argparse
import importlib.metadata as md
import math
import platform
import random
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file
from sentence_transformers import CrossEncoder

from common import GOLDENS, MODELS, PAIRS, read_jsonl_gz, write_json, write_jsonl_gz
from make_family_models import fixtures

OUT = GOLDENS / "families"


def versions() -> dict:
    v = {p: md.version(p) for p in ["torch", "transformers", "sentence-transformers", "tokenizers", "safetensors"]}
    v["python"] = platform.python_version()
    return v


def rows_of(x) -> list[list[float]]:
    a = np.asarray(x, dtype=np.float32)
    if a.ndim == 1:
        a = a[:, None]
    return [[float(v) for v in r] for r in a]


def check_loaded_weights(ce: CrossEncoder, path: Path) -> None:
    stored = load_file(str(path / "model.safetensors"))
    prefix = ce.model.base_model_prefix + "."
    loaded = ce.model.state_dict()
    for name, tensor in loaded.items():
        key = name if name in stored else name[len(prefix):] if name.startswith(prefix) else name
        if key not in stored:
            if "position_ids" in name or "token_type_ids" in name:
                continue  # buffers, not saved
            raise AssertionError(f"{path.name}: {name} not in the file")
        if not torch.equal(tensor, stored[key].to(torch.float32)):
            raise AssertionError(f"{path.name}: {name} differs from the file (not loaded?)")


def raw_cases(ce: CrossEncoder, cfg, uses_types: bool, max_length: int, seed: int) -> list[dict]:
    """Id sequences straight to the model: the position rule's corner cases and long inputs."""
    rng = random.Random(seed)
    v = cfg.vocab_size
    pad = cfg.pad_token_id
    seqs = []
    for n in (1, 2, 9, max_length, min(max_length, 3000)):
        seqs.append([rng.randrange(v) for _ in range(n)])
    # Padding ids inside a sequence (RoBERTa: they take position padding_idx and are not counted).
    s = [rng.randrange(v) for _ in range(20)]
    for i in (0, 5, 6, 19):
        s[i] = pad
    seqs.append(s)
    seqs.append([pad] * 7)
    out = []
    with torch.no_grad():
        for ids in seqs:
            t = torch.tensor([ids])
            types = torch.tensor([[0 if i < len(ids) // 2 else 1 for i in range(len(ids))]]) if uses_types else None
            kw = {"token_type_ids": types} if uses_types else {}
            logits = ce.model(input_ids=t, attention_mask=torch.ones_like(t), **kw).logits[0]
            case = {"input_ids": ids, "logits": [float(x) for x in logits]}
            if uses_types:
                case["token_type_ids"] = types[0].tolist()
            out.append(case)
    return out


def run(name: str, path: Path, pairs: list[dict], batch_size: int) -> None:
    ce = CrossEncoder(str(path), model_kwargs={"dtype": torch.float32}, device="cpu")
    assert all(p.dtype == torch.float32 for p in ce.model.parameters()), f"{name}: not fp32 after load"
    check_loaded_weights(ce, path)
    cfg = ce.model.config
    tok = ce.tokenizer
    max_length = ce.max_seq_length
    texts = [[p["a"], p["b"]] for p in pairs]
    feats = ce.preprocess(texts) if hasattr(ce, "preprocess") else tok(*zip(*texts), padding=True, truncation=True,
                                                                          max_length=max_length, return_tensors="pt")
    uses_types = "token_type_ids" in feats
    logits = []
    for i in range(0, len(texts), 256):
        logits += rows_of(ce.predict(texts[i:i + 256], activation_fn=torch.nn.Identity(), batch_size=batch_size))
    assert all(math.isfinite(x) for r in logits for x in r)
    rows = []
    for j, l in enumerate(logits):
        n = int(feats["attention_mask"][j].sum())
        row = {"input_ids": feats["input_ids"][j, :n].tolist(), "logits": l}
        if uses_types:
            row["token_type_ids"] = feats["token_type_ids"][j, :n].tolist()
        rows.append(row)
    write_jsonl_gz(OUT / f"{name}.jsonl.gz", rows)
    default = rows_of(ce.predict(texts[:100], batch_size=batch_size))
    meta = {
        "model": name,
        "architecture": cfg.architectures[0],
        "max_length": max_length,
        "num_labels": ce.num_labels,
        "labels": [cfg.id2label[i] for i in range(ce.num_labels)],
        "default_activation": type(ce.activation_fn).__name__,
        "token_type_ids": uses_types,
        "pairs": {"file": "test/fixtures/pairs.jsonl.gz", "count": len(pairs)},
        "activations": {"default": default},
        "raw_cases": raw_cases(ce, cfg, uses_types, max_length, 7),
        # The first pairs again with their texts, uncompressed, for the C++ suite (which reads no gzip).
        "sample": [{"a": p["a"], "b": p["b"], **r} for p, r in zip(pairs[:100], rows)],
        "versions": versions(),
    }
    write_json(OUT / f"{name}.meta.json", meta, indent=None)
    longest = max(len(r["input_ids"]) for r in rows)
    spread = max(abs(x) for r in logits for x in r)
    print(f"{name}: {len(rows)} pairs (longest {longest} tokens, max |logit| {spread:.2f}), max_length {max_length}, "
          f"token types {uses_types}, {len(meta['raw_cases'])} raw cases", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("names", nargs="*")
    ap.add_argument("--pairs", type=int, default=400)
    ap.add_argument("--batch-size", type=int, default=32)
    args = ap.parse_args()
    torch.set_num_threads(1)
    pairs = read_jsonl_gz(PAIRS)[:args.pairs]
    for name in fixtures():
        if args.names and name not in args.names:
            continue
        run(name, MODELS / name, pairs, args.batch_size)


if __name__ == "__main__":
    main()
