"""Builds the seeded tiny random (XLM-)RoBERTa and ELECTRA sequence classifiers under test/fixtures/models/.

Each is made by transformers 5 from a config (`from_config`), re-drawn with make_tiny_models.init_weights' wide
init so logits land in the 1-10 range, and saved as safetensors in F32, F16 or BF16; some keep HF's base-model
prefix (`roberta.`, `electra.`), some are saved without it, as a bare base-model export would name them.

Tokenizer: until the XLM-R (SentencePiece Unigram) and RoBERTa (byte-level BPE) tokenizers land, every fixture
uses the cased WordPiece tokenizer of tiny-1label-bf16. The (XLM-)RoBERTa ones declare
model_input_names = [input_ids, attention_mask], as RoBERTa's tokenizers do, so transformers hands the model no
token_type_ids: the model adds type row 0 to every token, which is what our RoBERTa family does.
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import torch
from safetensors.torch import save_file
from transformers import (AutoModelForSequenceClassification, ElectraConfig, RobertaConfig, XLMRobertaConfig)

from common import MODELS, write_json
from make_tiny_models import bert_tokenizer_config, init_weights

TOKENIZER_SOURCE = MODELS / "tiny-1label-bf16"
NLI_LABELS = ["contradiction", "entailment", "neutral"]


def vocab_size() -> int:
    return sum(1 for line in (TOKENIZER_SOURCE / "vocab.txt").read_text(encoding="utf-8").split("\n") if line)


def labelled(num_labels: int) -> dict:
    if num_labels == 1:
        return {"num_labels": 1}
    return {"id2label": dict(enumerate(NLI_LABELS)), "label2id": {l: i for i, l in enumerate(NLI_LABELS)}}


# name -> (config class, config kwargs, storage dtype, keep the base-model prefix, model_max_length, seed)
def fixtures() -> dict:
    v = vocab_size()
    common = dict(vocab_size=v, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
                  layer_norm_eps=1e-5)
    return {
        # XLM-R layout: pad 1, one token type, 64 + 2 positions (limit 64 tokens).
        "xlmr-1label-f32": (XLMRobertaConfig, dict(common, max_position_embeddings=66, type_vocab_size=1,
                                                   pad_token_id=1, bos_token_id=2, eos_token_id=3, **labelled(1)),
                            torch.float32, True, 64, 401),
        # Long-context layout (4096 + 2 positions), 3 labels, GELU-tanh feed-forward.
        "xlmr-3label-f16": (XLMRobertaConfig, dict(common, max_position_embeddings=4098, type_vocab_size=1,
                                                   pad_token_id=1, hidden_act="gelu_new", **labelled(3)),
                            torch.float16, True, 4096, 402),
        # RoBERTa with padding_idx 0 (positions from 1), two token types never used, names without `roberta.`.
        "roberta-1label-bf16": (RobertaConfig, dict(common, max_position_embeddings=80, type_vocab_size=2,
                                                    pad_token_id=0, **labelled(1)),
                                torch.bfloat16, False, 79, 403),
        # ELECTRA with embedding_size 16 < hidden 32: embeddings_project.
        "electra-1label-f32": (ElectraConfig, dict(common, embedding_size=16, max_position_embeddings=64,
                                                   type_vocab_size=2, pad_token_id=0, **labelled(1)),
                               torch.float32, True, 64, 404),
        # ELECTRA without projection, 3 labels, names without `electra.`.
        "electra-3label-bf16": (ElectraConfig, dict(common, embedding_size=32, max_position_embeddings=48,
                                                    type_vocab_size=2, pad_token_id=0, **labelled(3)),
                                torch.bfloat16, False, 48, 405),
    }


def build(out: Path, config_class, kwargs: dict, dtype, keep_prefix: bool, max_length: int, seed: int) -> None:
    cfg = config_class(**kwargs)
    torch.manual_seed(seed)
    model = AutoModelForSequenceClassification.from_config(cfg).eval()
    init_weights(model, seed)
    # init_weights widens BERT's `classifier`; the RoBERTa/ELECTRA output layer is `classifier.out_proj`.
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        model.classifier.out_proj.weight.copy_(0.8 * torch.randn(model.classifier.out_proj.weight.shape, generator=g))
        model.classifier.out_proj.bias.copy_(0.5 * torch.randn(model.classifier.out_proj.bias.shape, generator=g))
    model = model.to(dtype)
    model.save_pretrained(out, safe_serialization=True)
    if not keep_prefix:
        prefix = model.base_model_prefix + "."
        state = {(k[len(prefix):] if k.startswith(prefix) else k): t.contiguous()
                 for k, t in model.state_dict().items()}
        (out / "model.safetensors").unlink()
        save_file(state, out / "model.safetensors", metadata={"format": "pt"})
    shutil.copy(TOKENIZER_SOURCE / "tokenizer.json", out / "tokenizer.json")
    shutil.copy(TOKENIZER_SOURCE / "vocab.txt", out / "vocab.txt")
    tok_cfg = bert_tokenizer_config(False, max_length)
    if config_class is not ElectraConfig:
        tok_cfg["model_input_names"] = ["input_ids", "attention_mask"]
    write_json(out / "tokenizer_config.json", tok_cfg)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("names", nargs="*")
    ap.add_argument("--out", type=Path, default=MODELS)
    args = ap.parse_args()
    for name, spec in fixtures().items():
        if args.names and name not in args.names:
            continue
        d = args.out / name
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        build(d, *spec)
        print(name, sorted(p.name for p in d.iterdir()), sum(p.stat().st_size for p in d.iterdir()), "bytes")


if __name__ == "__main__":
    main()
