"""Builds the seeded tiny random (XLM-)RoBERTa and ELECTRA sequence classifiers under test/fixtures/models/.

Each is made by transformers 5 from a config (`from_config`), re-drawn with make_tiny_models.init_weights' wide
init so logits land in the 1-10 range, and saved as safetensors in F32, F16 or BF16; some keep HF's base-model
prefix (`roberta.`, `electra.`), some are saved without it, as a bare base-model export would name them.

Tokenizers: XLM-R fixtures get a small XLM-R-style SentencePiece Unigram (<s> <pad> </s> <unk> at 0-3, the
nmt_nfkc charsmap, <mask> last) trained here on the pair corpus and built by XLMRobertaTokenizer as bge-reranker's
hub files are; RoBERTa gets the byte-level BPE fixture test/fixtures/tokenizer/roberta-bpe; ELECTRA the cased
WordPiece tokenizer of tiny-1label-bf16. Neither XLM-R's nor RoBERTa's tokenizer returns token_type_ids, so
transformers adds type row 0 to every token, which is what our RoBERTa family does. vocab_size and pad_token_id
come from the tokenizer.
"""
from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

import sentencepiece as spm
import torch
from safetensors.torch import save_file
from sentencepiece import sentencepiece_model_pb2
from transformers import (AutoModelForSequenceClassification, AutoTokenizer, ElectraConfig, RobertaConfig,
                          XLMRobertaConfig, XLMRobertaTokenizer)

from common import FIXTURES, MODELS, PAIRS, read_jsonl_gz, write_json
from make_tiny_models import bert_tokenizer_config, init_weights

WORDPIECE = MODELS / "tiny-1label-bf16"
ROBERTA_BPE = FIXTURES / "tokenizer" / "roberta-bpe"
NLI_LABELS = ["contradiction", "entailment", "neutral"]


def xlmr_style_tokenizer(dest: Path) -> None:
    """A 4000-piece Unigram on the pair corpus (99% character coverage: rare characters are <unk>), laid out as
    XLM-R's (specials 0-3, nmt_nfkc charsmap), saved by XLMRobertaTokenizer (tokenizer_class XLMRobertaTokenizer)."""
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "corpus.txt"
        lines = [t.replace("\n", " ") for p in read_jsonl_gz(PAIRS) for t in (p["a"], p["b"]) if t.strip()]
        text.write_text("\n".join(lines), encoding="utf-8")
        spm.SentencePieceTrainer.train(
            input=str(text), model_prefix=str(Path(tmp) / "spm"), vocab_size=4000, model_type="unigram",
            character_coverage=0.99, normalization_rule_name="nmt_nfkc", bos_id=0, pad_id=1, eos_id=2, unk_id=3,
            bos_piece="<s>", pad_piece="<pad>", eos_piece="</s>", unk_piece="<unk>", num_threads=1, minloglevel=2)
        m = sentencepiece_model_pb2.ModelProto()
        m.ParseFromString((Path(tmp) / "spm.model").read_bytes())
        tok = XLMRobertaTokenizer(vocab=[(p.piece, p.score) for p in m.pieces],
                                  _spm_precompiled_charsmap=m.normalizer_spec.precompiled_charsmap)
        tok.save_pretrained(tmp)
        for f in ("tokenizer.json", "tokenizer_config.json"):
            shutil.copy(Path(tmp) / f, dest / f)


def add_tokenizer(out: Path, kind: str, max_length: int) -> None:
    if kind == "wordpiece":
        shutil.copy(WORDPIECE / "tokenizer.json", out / "tokenizer.json")
        shutil.copy(WORDPIECE / "vocab.txt", out / "vocab.txt")
        write_json(out / "tokenizer_config.json", bert_tokenizer_config(False, max_length))
        return
    if kind == "roberta-bpe":
        for f in ("tokenizer.json", "tokenizer_config.json"):
            shutil.copy(ROBERTA_BPE / f, out / f)
    else:
        xlmr_style_tokenizer(out)
    cfg = json.loads((out / "tokenizer_config.json").read_text(encoding="utf-8"))
    cfg["model_max_length"] = max_length
    write_json(out / "tokenizer_config.json", cfg)


def labelled(num_labels: int) -> dict:
    if num_labels == 1:
        return {"num_labels": 1}
    return {"id2label": dict(enumerate(NLI_LABELS)), "label2id": {l: i for i, l in enumerate(NLI_LABELS)}}


# name -> (config class, config kwargs, storage dtype, keep the base-model prefix, model_max_length, seed, tokenizer)
def fixtures() -> dict:
    common = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
                  layer_norm_eps=1e-5)
    return {
        # XLM-R layout: one token type, 64 + 2 positions (limit 64 tokens).
        "xlmr-1label-f32": (XLMRobertaConfig, dict(common, max_position_embeddings=66, type_vocab_size=1,
                                                   **labelled(1)),
                            torch.float32, True, 64, 401, "xlmr-spm"),
        # Long-context layout (4096 + 2 positions), 3 labels, GELU-tanh feed-forward.
        "xlmr-3label-f16": (XLMRobertaConfig, dict(common, max_position_embeddings=4098, type_vocab_size=1,
                                                   hidden_act="gelu_new", **labelled(3)),
                            torch.float16, True, 4096, 402, "xlmr-spm"),
        # RoBERTa with byte-level BPE, two token types never used, 80 positions (78 tokens), names without `roberta.`.
        "roberta-1label-bf16": (RobertaConfig, dict(common, max_position_embeddings=80, type_vocab_size=2,
                                                    **labelled(1)),
                                torch.bfloat16, False, 78, 403, "roberta-bpe"),
        # ELECTRA with embedding_size 16 < hidden 32: embeddings_project.
        "electra-1label-f32": (ElectraConfig, dict(common, embedding_size=16, max_position_embeddings=64,
                                                   type_vocab_size=2, **labelled(1)),
                               torch.float32, True, 64, 404, "wordpiece"),
        # ELECTRA without projection, 3 labels, names without `electra.`.
        "electra-3label-bf16": (ElectraConfig, dict(common, embedding_size=32, max_position_embeddings=48,
                                                    type_vocab_size=2, **labelled(3)),
                                torch.bfloat16, False, 48, 405, "wordpiece"),
    }


def build(out: Path, config_class, kwargs: dict, dtype, keep_prefix: bool, max_length: int, seed: int,
          tokenizer: str) -> None:
    add_tokenizer(out, tokenizer, max_length)
    tok = AutoTokenizer.from_pretrained(out)
    assert ("token_type_ids" in tok.model_input_names) == (config_class is ElectraConfig), tok.model_input_names
    cfg = config_class(vocab_size=len(tok), pad_token_id=tok.pad_token_id, **kwargs)
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
