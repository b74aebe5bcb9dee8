"""Builds the tiny random ModernBertForSequenceClassification fixtures and their PyTorch goldens.

Models go to test/fixtures/models/tiny-modernbert-*/ (transformers 5 from a config, seeded wide init, saved as
safetensors in F32 / F16 / BF16), goldens to test/fixtures/goldens-modernbert/<model>.json: ids and fp32 logits
of corpus pairs (sentence-transformers CrossEncoder) and of long random-id sequences (up to 4600 tokens, far past
the sliding window). Every logit is computed with both attn_implementation="eager" and "sdpa"; the script fails
if they disagree by more than 1e-4, our own tolerance (fp32 summation order: up to ~3e-5 seen), or if the sliding
window does not change the long sequences' logits.

The tokenizer is test/fixtures/tokenizer/modernbert-bpe (tools/reference/make_bpe_tokenizers.py): byte-level BPE
laid out like answerdotai/ModernBERT-base's tokenizer.json (NFC, ByteLevel, [CLS] $A [SEP] $B [SEP]), model_max_length
8192, no token_type_ids among its model inputs, as the real ModernBERT tokenizers.
"""
from __future__ import annotations

import argparse
import importlib.metadata as md
import json
import shutil
from pathlib import Path

import torch
from sentence_transformers import CrossEncoder
from transformers import AutoTokenizer, ModernBertConfig, ModernBertForSequenceClassification

from common import FIXTURES, MODELS, PAIRS, read_jsonl_gz, write_json

GOLDENS = FIXTURES / "goldens-modernbert"
TOKENIZER_SOURCE = FIXTURES / "tokenizer" / "modernbert-bpe"
N_PAIRS = 160
LONG_LENGTHS = [40, 300, 1100, 4600]
MAX_POSITIONS = 8192


def init_weights(model: torch.nn.Module, seed: int) -> None:
    """Re-draws every parameter wide (as make_tiny_models.py does for BERT): default init gives logits ~0.01."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm.weight" in name:
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
            elif "norm.bias" in name:
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            elif "tok_embeddings" in name:
                p.copy_(0.5 * torch.randn(p.shape, generator=g))
            elif name.startswith("classifier.weight"):
                p.copy_(0.8 * torch.randn(p.shape, generator=g))
            elif name.startswith("classifier.bias"):
                p.copy_(0.5 * torch.randn(p.shape, generator=g))
            elif name.endswith(".bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            else:
                p.copy_((1.5 / p.shape[1] ** 0.5) * torch.randn(p.shape, generator=g))


def specs() -> dict[str, dict]:
    """Three fixtures covering pooling (cls / mean), labels (1 / 3), storage (F32 / F16 / BF16), biases on and off,
    head_dim 16 and 24 (a multiple of 16 and not), layer types from global_attn_every_n_layers and RoPE thetas."""
    return {
        "tiny-modernbert-cls-f32": dict(
            dtype=None, seed=701,
            config=dict(hidden_size=32, intermediate_size=48, num_hidden_layers=4, num_attention_heads=2,
                        local_attention=16, global_attn_every_n_layers=3, classifier_pooling="cls", num_labels=1)),
        "tiny-modernbert-mean-3label-f16": dict(
            dtype=torch.float16, seed=702,
            config=dict(hidden_size=48, intermediate_size=40, num_hidden_layers=3, num_attention_heads=2,
                        local_attention=20, global_attn_every_n_layers=2, classifier_pooling="mean",
                        norm_bias=True, attention_bias=True, mlp_bias=True, classifier_bias=True,
                        hidden_activation="gelu_pytorch_tanh", norm_eps=1e-6, global_rope_theta=80000.0,
                        local_rope_theta=5000.0,
                        id2label={0: "contradiction", 1: "entailment", 2: "neutral"},
                        label2id={"contradiction": 0, "entailment": 1, "neutral": 2})),
        "tiny-modernbert-mean-bf16": dict(
            dtype=torch.bfloat16, seed=703,
            config=dict(hidden_size=32, intermediate_size=64, num_hidden_layers=3, num_attention_heads=1,
                        local_attention=32, global_attn_every_n_layers=3, classifier_pooling="mean", num_labels=1,
                        classifier_activation="gelu")),
    }


def build_model(out: Path, spec: dict, vocab_size: int, special_ids: dict) -> None:
    cfg = ModernBertConfig(vocab_size=vocab_size, max_position_embeddings=MAX_POSITIONS, **special_ids,
                           **spec["config"])
    torch.manual_seed(spec["seed"])
    model = ModernBertForSequenceClassification(cfg).eval()
    init_weights(model, spec["seed"])
    if spec["dtype"] is not None:
        model = model.to(spec["dtype"])
    model.save_pretrained(out, safe_serialization=True)


def copy_tokenizer(out: Path) -> None:
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(TOKENIZER_SOURCE / name, out / name)
    assert AutoTokenizer.from_pretrained(out).model_max_length == MAX_POSITIONS


def logits_of(path: Path, impl: str, batches: list[list[int]]) -> torch.Tensor:
    model = ModernBertForSequenceClassification.from_pretrained(path, dtype=torch.float32,
                                                                attn_implementation=impl).eval()
    rows = []
    with torch.no_grad():
        for ids in batches:
            t = torch.tensor([ids])
            rows.append(model(input_ids=t, attention_mask=torch.ones_like(t)).logits[0])
    return torch.stack(rows)


def long_sequences(vocab_size: int, cls_id: int, sep_id: int, seed: int) -> list[list[int]]:
    g = torch.Generator().manual_seed(seed)
    return [[cls_id] + torch.randint(5, vocab_size, (n - 2,), generator=g).tolist() + [sep_id] for n in LONG_LENGTHS]


def goldens(name: str, path: Path, pairs: list[dict], seed: int) -> dict:
    ce = CrossEncoder(str(path), model_kwargs={"dtype": torch.float32, "attn_implementation": "sdpa"}, device="cpu")
    assert all(p.dtype == torch.float32 for p in ce.model.parameters())
    texts = [[p["a"], p["b"]] for p in pairs]
    feats = ce.preprocess(texts)
    assert "token_type_ids" not in feats, "ModernBERT tokenizers return no token_type_ids"
    ids = [feats["input_ids"][i, : int(feats["attention_mask"][i].sum())].tolist() for i in range(len(texts))]
    st_logits = torch.tensor(ce.predict(texts, activation_fn=torch.nn.Identity(), batch_size=16)).reshape(len(texts), -1)

    cfg = ce.model.config
    long_ids = long_sequences(cfg.vocab_size, cfg.cls_token_id, cfg.sep_token_id, seed)
    worst_impl = 0.0
    per_impl = {}
    for impl in ("eager", "sdpa"):
        per_impl[impl] = (logits_of(path, impl, ids), logits_of(path, impl, long_ids))
    worst_impl = max(float((per_impl["eager"][i] - per_impl["sdpa"][i]).abs().max()) for i in range(2))
    assert worst_impl <= 1e-4, f"{name}: eager vs sdpa differ by {worst_impl}"
    # CrossEncoder pads its batches; unpadded single-sequence runs must agree with it (fp32 noise: up to ~2e-5 seen).
    st_vs_raw = float((st_logits - per_impl["sdpa"][0]).abs().max())
    assert st_vs_raw <= 1e-4, f"{name}: CrossEncoder vs single-sequence model differ by {st_vs_raw}"

    # The sliding window must matter for the long sequences (else the fixture would not test it).
    model = ModernBertForSequenceClassification.from_pretrained(path, dtype=torch.float32,
                                                                attn_implementation="eager").eval()
    model.config.local_attention = 4 * MAX_POSITIONS
    with torch.no_grad():
        no_window = torch.stack([model(input_ids=torch.tensor([x])).logits[0] for x in long_ids])
    window_effect = float((no_window - per_impl["eager"][1]).abs().max())
    assert window_effect > 1e-3, f"{name}: the sliding window does not change the long logits ({window_effect})"

    to_rows = lambda t: [[float(v) for v in r] for r in t]
    return {
        "model": name,
        "max_length": ce.max_seq_length,
        "num_labels": ce.num_labels,
        "labels": [cfg.id2label[i] for i in range(ce.num_labels)],
        "default_activation": type(ce.activation_fn).__name__,
        "versions": {p: md.version(p) for p in ["torch", "transformers", "sentence-transformers", "tokenizers"]},
        "notes": ("pairs: the first %d corpus pairs, ids from CrossEncoder.preprocess, logits from CrossEncoder.predict "
                  "(sdpa, fp32); long: random ids with [CLS]/[SEP], logits from the model (sdpa, fp32). "
                  "max |eager - sdpa| = %.3g; max |CrossEncoder - unpadded model| = %.3g; "
                  "max |logit change without the sliding window| on long = %.3g")
                 % (len(pairs), worst_impl, st_vs_raw, window_effect),
        "eager_vs_sdpa_max_abs": worst_impl,
        "crossencoder_vs_unpadded_max_abs": st_vs_raw,
        "pairs": [{"a": p["a"], "b": p["b"], "input_ids": i, "logits": l}
                  for p, i, l in zip(pairs, ids, to_rows(st_logits))],
        "long": [{"input_ids": i, "logits": l} for i, l in zip(long_ids, to_rows(per_impl["sdpa"][1]))],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.parse_args()
    tok = AutoTokenizer.from_pretrained(TOKENIZER_SOURCE)
    special_ids = dict(pad_token_id=tok.pad_token_id, cls_token_id=tok.cls_token_id, bos_token_id=tok.cls_token_id,
                       sep_token_id=tok.sep_token_id, eos_token_id=tok.sep_token_id)
    corpus = read_jsonl_gz(PAIRS)
    pairs = corpus[:N_PAIRS]
    # Two long pairs through the tokenizer as well (~1500 and ~5000 tokens): documents of the corpus joined.
    joined = "\n".join(p["b"] for p in corpus[N_PAIRS:N_PAIRS + 400])
    for target in (1500, 5000):
        enc = tok(joined, add_special_tokens=False, return_offsets_mapping=True)
        end = enc["offset_mapping"][min(target, len(enc["input_ids"])) - 1][1]
        pairs.append({"a": corpus[0]["a"], "b": joined[:end]})
    for name, spec in specs().items():
        out = MODELS / name
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        build_model(out, spec, len(tok), special_ids)
        copy_tokenizer(out)
        doc = goldens(name, out, pairs, spec["seed"])
        GOLDENS.mkdir(parents=True, exist_ok=True)
        with open(GOLDENS / f"{name}.json", "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
            f.write("\n")
        print(name, sorted(p.name for p in out.iterdir()), doc["notes"], flush=True)


if __name__ == "__main__":
    main()
