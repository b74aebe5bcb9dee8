"""Builds the seeded tiny random BertForSequenceClassification fixtures under test/fixtures/models/."""
from __future__ import annotations

import argparse
import shutil
import tempfile
import unicodedata
from pathlib import Path

import torch
from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

from common import MODELS, gt_minilm_dir, write_json

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def init_weights(model: torch.nn.Module, seed: int) -> None:
    """Re-draws every parameter with a large spread.

    BERT's own init (std 0.02) gives logits ~0.01, where a 1e-4 tolerance is meaningless; real rerankers
    produce logits of several units, so we draw weights wide enough that attention is peaked, GELU is
    non-linear and the classifier output lands in the 1-10 range.
    """
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm.weight" in name:
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
            elif "LayerNorm.bias" in name:
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            elif "embeddings" in name:
                p.copy_(0.5 * torch.randn(p.shape, generator=g))
            elif name.startswith("classifier.weight"):
                p.copy_(0.8 * torch.randn(p.shape, generator=g))
            elif name.startswith("classifier.bias"):
                p.copy_(0.5 * torch.randn(p.shape, generator=g))
            elif name.endswith(".bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            else:
                fan_in = p.shape[1]
                # ~1.5x a unit-variance-preserving scale keeps activations O(1) but non-trivial.
                p.copy_((1.5 / fan_in**0.5) * torch.randn(p.shape, generator=g))


def bert_tokenizer_config(do_lower_case: bool, model_max_length: int) -> dict:
    return {
        "do_lower_case": do_lower_case,
        "do_basic_tokenize": True,
        "never_split": None,
        "tokenize_chinese_chars": True,
        "strip_accents": None,
        "unk_token": "[UNK]",
        "sep_token": "[SEP]",
        "pad_token": "[PAD]",
        "cls_token": "[CLS]",
        "mask_token": "[MASK]",
        "model_max_length": model_max_length,
        "tokenizer_class": "BertTokenizer",
        "clean_up_tokenization_spaces": True,
    }


SPECIAL_MAP = {"unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]"}


def derived_cased_vocab(uncased: list[str]) -> list[str]:
    """Deterministic cased vocab: specials at non-standard ids, every single-char token of the uncased
    vocab, Latin-1 accented letters (uncased BERT strips accents, a cased one keeps them), the 2500 most
    frequent whole words plus Capitalised variants, and a slice of ## pieces. Anything else -> splits/[UNK]."""
    out: list[str] = list(SPECIALS)
    seen = set(out)

    def add(tok: str) -> None:
        if tok not in seen:
            seen.add(tok)
            out.append(tok)

    singles = [t for t in uncased if len(t) == 1] + [t for t in uncased if t.startswith("##") and len(t) == 3]
    for t in singles:
        add(t)
    for cp in range(0xC0, 0x100):
        ch = chr(cp)
        if unicodedata.category(ch).startswith("L"):
            add(ch)
            add("##" + ch)
    words = [t for t in uncased[1996:] if t.isalpha() and not t.startswith("##")][:2500]
    for w in words:
        add(w)
    for w in words[:1500]:
        add(w[0].upper() + w[1:])
    for w in words[:200]:
        add(w.upper())
    pieces = [t for t in uncased[1996:] if t.startswith("##") and len(t) > 3][:800]
    for p in pieces:
        add(p)
    return out


def save_model(model: BertForSequenceClassification, out: Path, dtype: torch.dtype | None) -> None:
    if dtype is not None:
        model = model.to(dtype)
    model.save_pretrained(out, safe_serialization=True)


def build_tiny_1label_f32(out: Path, vocab: list[str]) -> None:
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                     intermediate_size=64, max_position_embeddings=64, type_vocab_size=2, num_labels=1)
    torch.manual_seed(101)
    model = BertForSequenceClassification(cfg).eval()
    init_weights(model, 101)
    save_model(model, out, None)
    # Tokenizer from vocab.txt only: exercises the "no tokenizer.json" loading path.
    (out / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    write_json(out / "tokenizer_config.json", bert_tokenizer_config(True, 64))
    write_json(out / "special_tokens_map.json", SPECIAL_MAP)


def build_tiny_3label_f16(out: Path, vocab: list[str], uncased_dir: Path) -> None:
    labels = ["contradiction", "entailment", "neutral"]
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=48, num_hidden_layers=3, num_attention_heads=3,
                     intermediate_size=96, max_position_embeddings=48, type_vocab_size=2, num_labels=3,
                     id2label={i: l for i, l in enumerate(labels)}, label2id={l: i for i, l in enumerate(labels)})
    torch.manual_seed(202)
    model = BertForSequenceClassification(cfg).eval()
    init_weights(model, 202)
    save_model(model, out, torch.float16)
    # tokenizer.json + tokenizer_config.json only; model_max_length 512 > 48 positions, so the
    # effective max_length comes from max_position_embeddings (sentence-transformers caps it).
    with tempfile.TemporaryDirectory() as tmp:
        tok = AutoTokenizer.from_pretrained(uncased_dir, model_max_length=512)
        tok.save_pretrained(tmp)
        shutil.copy(Path(tmp) / "tokenizer.json", out / "tokenizer.json")
    write_json(out / "tokenizer_config.json", bert_tokenizer_config(True, 512))


def build_tiny_1label_bf16(out: Path, uncased_vocab: list[str]) -> None:
    vocab = derived_cased_vocab(uncased_vocab)
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=128, type_vocab_size=2, num_labels=1,
                     pad_token_id=0)
    torch.manual_seed(303)
    model = BertForSequenceClassification(cfg).eval()
    init_weights(model, 303)
    # Legacy (<v4) sentence-transformers key, as cross-encoder/ms-marco-* configs carry it.
    model.config.sbert_ce_default_activation_function = "torch.nn.modules.linear.Identity"
    save_model(model, out, torch.bfloat16)
    (out / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    # Cased: do_lower_case false and strip_accents unset, so accents survive (HF only strips them when
    # lower-casing). model_max_length 100 < 128 positions: here the tokenizer limit wins.
    write_json(out / "tokenizer_config.json", bert_tokenizer_config(False, 100))
    write_json(out / "special_tokens_map.json", SPECIAL_MAP)
    with tempfile.TemporaryDirectory() as tmp:
        tok = AutoTokenizer.from_pretrained(out)
        assert tok.backend_tokenizer.normalizer is not None
        tok.save_pretrained(tmp)
        shutil.copy(Path(tmp) / "tokenizer.json", out / "tokenizer.json")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=MODELS)
    args = ap.parse_args()
    src = gt_minilm_dir()
    uncased = (src / "vocab.txt").read_text(encoding="utf-8").split("\n")
    if uncased and uncased[-1] == "":
        uncased.pop()
    builders = {
        "tiny-1label-f32": lambda d: build_tiny_1label_f32(d, uncased),
        "tiny-3label-f16": lambda d: build_tiny_3label_f16(d, uncased, src),
        "tiny-1label-bf16": lambda d: build_tiny_1label_bf16(d, uncased),
    }
    for name, build in builders.items():
        d = args.out / name
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        build(d)
        print(name, sorted(p.name for p in d.iterdir()), sum(p.stat().st_size for p in d.iterdir()), "bytes")


if __name__ == "__main__":
    main()
