"""Scores pairs.jsonl.gz with sentence-transformers CrossEncoder (fp32) and writes test/fixtures/goldens/.

Per model: <model>.jsonl.gz (ids + raw logits for every pair), <model>.meta.json (settings, activations for
the first 300 pairs, rank() results) and <model>.sample.json (first 40 pairs with their texts).
F16/BF16 checkpoints are up-cast on load (model_kwargs dtype=float32): our reference is fp32 compute.
"""
from __future__ import annotations

import argparse
import importlib.metadata as md
import json
import math
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch
from sentence_transformers import CrossEncoder
from transformers import AutoConfig, AutoTokenizer

from annotate_meta import annotate
from common import DEMO_MODEL, GOLDENS, MINILM_CE, MODELS, PAIRS, read_jsonl_gz, write_json, write_jsonl_gz

N_ACTIVATIONS = 300
N_SAMPLE = 40
CHUNK = 256
BERLIN_QUERY = "How many people live in Berlin?"
BERLIN_DOCS = [
    "Berlin had a population of 3,520,031 registered inhabitants in an area of 891.82 square kilometers.",
    "Berlin is well known for its museums.",
    "In 2014, the city state Berlin had 37,368 live births (+6.6%), a record number since 1991.",
    "The urban area of Berlin comprised about 4.1 million people in 2014, making it the seventh most populous urban area in the European Union.",
    "The city of Paris had a population of 2,165,423 people within its administrative city limits as of January 1, 2019",
    "An estimated 300,000-420,000 Muslims reside in Berlin, making up about 8-11 percent of the population.",
    "Berlin is subdivided into 12 boroughs or districts (Bezirke).",
    "In 2015, the total labour force in Berlin was 1.85 million.",
    "In 2013 around 600,000 Berliners were registered in one of the more than 2,300 sport and fitness clubs.",
    "Berlin has a yearly total of about 135 million day visitors, which puts it in third place among the most-visited city destinations in the European Union.",
]


def model_paths() -> dict[str, Path]:
    return {
        "tiny-1label-f32": MODELS / "tiny-1label-f32",
        "tiny-3label-f16": MODELS / "tiny-3label-f16",
        "tiny-1label-bf16": MODELS / "tiny-1label-bf16",
        "tiny-deberta-1label-f32": MODELS / "tiny-deberta-1label-f32",
        "tiny-deberta-3label-f16": MODELS / "tiny-deberta-3label-f16",
        "tiny-deberta-1label-bf16": MODELS / "tiny-deberta-1label-bf16",
        "debian-packages-mini": DEMO_MODEL,
        "minilm-ce": MINILM_CE,
    }


def versions() -> dict:
    pk = ["torch", "transformers", "sentence-transformers", "tokenizers", "safetensors", "numpy"]
    v = {p: md.version(p) for p in pk}
    v["python"] = platform.python_version()
    return v


def rows_of(x) -> list[list[float]]:
    """Scores as one list per pair (1-label models included), floats written with repr via json."""
    a = np.asarray(x, dtype=np.float32)
    if a.ndim == 1:
        a = a[:, None]
    return [[float(v) for v in r] for r in a]


def tokenize_all(ce: CrossEncoder, tok, pairs: list[list[str]], max_length: int) -> list[dict]:
    """Ids exactly as CrossEncoder.preprocess makes them, checked against a direct fast-tokenizer call."""
    out = []
    for i in range(0, len(pairs), 256):
        batch = pairs[i:i + 256]
        feats = ce.preprocess(batch)
        mask = feats["attention_mask"]
        for j, (a, b) in enumerate(batch):
            n = int(mask[j].sum())
            ids = feats["input_ids"][j, :n].tolist()
            tt = feats["token_type_ids"][j, :n].tolist()
            # Batch form on purpose: tok(a, "") would drop an empty text_pair, while CrossEncoder (batching
            # pairs) keeps it and emits [CLS] a [SEP] [SEP].
            direct = tok([a], [b], truncation="longest_first", max_length=max_length)
            if direct["input_ids"][0] != ids or direct["token_type_ids"][0] != tt:
                raise AssertionError(f"pair {i + j}: CrossEncoder.preprocess ids differ from tokenizer(a, b)")
            if n > max_length:
                raise AssertionError(f"pair {i + j}: {n} tokens > max_length {max_length}")
            out.append({"input_ids": ids, "token_type_ids": tt})
    return out


def check_raw_model(ce: CrossEncoder, toks: list[dict], logits: list[list[float]], idx: list[int]) -> float:
    """Feeds a few id sequences straight to the HF model; returns the largest |diff| from predict()."""
    worst = 0.0
    with torch.no_grad():
        for i in idx:
            ids = torch.tensor([toks[i]["input_ids"]])
            tt = torch.tensor([toks[i]["token_type_ids"]])
            out = ce.model(input_ids=ids, token_type_ids=tt, attention_mask=torch.ones_like(ids)).logits[0]
            worst = max(worst, float((out - torch.tensor(logits[i])).abs().max()))
    return worst


def rank_cases(pairs: list[dict]) -> list[dict]:
    multi = pairs[1]
    tied = [BERLIN_DOCS[1], BERLIN_DOCS[0], BERLIN_DOCS[1], "Berlin is well\u200b known for its museums.",
            BERLIN_DOCS[6], BERLIN_DOCS[1] + "\x00", BERLIN_DOCS[4]]
    return [
        {"query": BERLIN_QUERY, "documents": BERLIN_DOCS, "top_k": None, "return_documents": False},
        {"query": BERLIN_QUERY, "documents": BERLIN_DOCS, "top_k": 3, "return_documents": True},
        # Identical token sequences (duplicates; a zero-width space and a NUL that normalisation deletes)
        # score identically: rank() must keep them in corpus order (Python's stable sort).
        {"query": BERLIN_QUERY, "documents": tied, "top_k": None, "return_documents": True},
        {"query": multi["a"], "documents": [p["b"] for p in pairs[:12]], "top_k": 5, "return_documents": False},
        {"query": "", "documents": ["", " ", BERLIN_DOCS[0]], "top_k": 10, "return_documents": True},
        {"query": BERLIN_QUERY, "documents": [], "top_k": None, "return_documents": False},
    ]


def activations_from(logits: list[list[float]], default_act, num_labels: int) -> dict:
    """The post-processing of CrossEncoder._inference (activation, 1-label squeeze, optional softmax)
    applied to already computed fp32 logits: elementwise on identical inputs, so identical results, without
    re-running a slow model five times."""
    x = torch.tensor(logits, dtype=torch.float32)

    def st(act, apply_softmax=False):
        s = act(x) if act is not None else x
        if num_labels == 1 and s.ndim > 1:
            s = s.squeeze(-1)
        if apply_softmax and s.ndim > 1:
            s = torch.nn.functional.softmax(s, dim=1)
        return rows_of(s.numpy())

    return {"default": st(default_act), "sigmoid": st(torch.nn.Sigmoid()), "identity": st(torch.nn.Identity()),
            "softmax": st(torch.nn.Softmax(dim=-1)), "apply_softmax": st(default_act, apply_softmax=True)}


def run_model(name: str, path: Path, pairs: list[dict], out_dir: Path, batch_size: int, deadline: float = 0.0,
              activations_from_logits: bool = False) -> None:
    t0 = time.time()
    ce = CrossEncoder(str(path), model_kwargs={"dtype": torch.float32}, device="cpu")
    assert all(p.dtype == torch.float32 for p in ce.model.parameters()), f"{name}: not fp32 after load"
    cfg = AutoConfig.from_pretrained(path)
    raw_tok = AutoTokenizer.from_pretrained(path)
    max_length = ce.max_seq_length
    expect = min(raw_tok.model_max_length, cfg.max_position_embeddings)
    assert max_length == expect, f"{name}: CrossEncoder max_length {max_length} != min(tokenizer, positions) {expect}"
    tok = ce.tokenizer
    num_labels = ce.num_labels
    labels = [ce.model.config.id2label[i] for i in range(num_labels)]
    default_act = ce.activation_fn
    texts = [[p["a"], p["b"]] for p in pairs]
    n_total = len(pairs)

    toks = tokenize_all(ce, tok, texts, max_length)
    t1 = time.time()
    # Scored in order, chunk by chunk, so that on a slow machine a deadline still leaves a usable prefix.
    logits: list[list[float]] = []
    for start in range(0, len(texts), CHUNK):
        if deadline and time.time() > deadline:
            print(f"{name}: deadline reached after {len(logits)} of {len(texts)} pairs", flush=True)
            break
        logits += rows_of(ce.predict(texts[start:start + CHUNK], activation_fn=torch.nn.Identity(),
                                     batch_size=batch_size))
    t2 = time.time()
    n_done = len(logits)
    toks, pairs, texts = toks[:n_done], pairs[:n_done], texts[:n_done]
    assert all(math.isfinite(v) for r in logits for v in r), f"{name}: non-finite logits"
    probe = {0, 1, 2, len(pairs) // 2, len(pairs) - 1}
    probe |= set([i for i, t in enumerate(toks) if len(t["input_ids"]) == max_length][:3])
    longest = max(range(len(toks)), key=lambda i: len(toks[i]["input_ids"]))
    raw_diff = check_raw_model(ce, toks, logits, sorted(set(probe) | {longest}))

    rows = [{"input_ids": t["input_ids"], "token_type_ids": t["token_type_ids"], "logits": l}
            for t, l in zip(toks, logits)]
    write_jsonl_gz(out_dir / f"{name}.jsonl.gz", rows)

    head = texts[:N_ACTIVATIONS]
    if activations_from_logits:
        activations = activations_from(logits[:N_ACTIVATIONS], default_act, num_labels)
    else:
        activations = {
            "default": rows_of(ce.predict(head, batch_size=batch_size)),
            "sigmoid": rows_of(ce.predict(head, activation_fn=torch.nn.Sigmoid(), batch_size=batch_size)),
            "identity": rows_of(ce.predict(head, activation_fn=torch.nn.Identity(), batch_size=batch_size)),
            "softmax": rows_of(ce.predict(head, activation_fn=torch.nn.Softmax(dim=-1), batch_size=batch_size)),
            "apply_softmax": rows_of(ce.predict(head, apply_softmax=True, batch_size=batch_size)),
        }
    meta = {
        "model": name,
        "max_length": max_length,
        "num_labels": num_labels,
        "labels": labels,
        "default_activation": type(default_act).__name__,
        "default_activation_path": f"{type(default_act).__module__}.{type(default_act).__qualname__}",
        "versions": versions(),
        "pairs": {"file": "test/fixtures/pairs.jsonl.gz", "count": n_done, "corpus_size": n_total,
                  "note": "goldens cover the first `count` lines of the corpus"},
        "activation_source": "recomputed from logits" if activations_from_logits else "CrossEncoder.predict",
        "activation_notes": (
            "Each list has one entry per pair (first %d pairs), each entry a list of num_labels floats. "
            "default = predict() with the model's default activation; sigmoid/identity = predict(activation_fn=...); "
            "softmax = predict(activation_fn=torch.nn.Softmax(dim=-1)), i.e. softmax across labels (all 1.0 for a "
            "1-label model); apply_softmax = predict(apply_softmax=True) with the default activation: sentence-"
            "transformers squeezes 1-label scores to 1-D first, so there the flag is a no-op." % N_ACTIVATIONS),
        "activations": activations,
        "max_abs_diff_predict_vs_raw_model": raw_diff,
        "seconds": {"tokenize": round(t1 - t0, 1), "predict": round(t2 - t1, 1)},
    }
    if num_labels == 1:
        ranks = []
        for case in rank_cases(pairs):
            res = ce.rank(case["query"], case["documents"], top_k=case["top_k"],
                          return_documents=case["return_documents"], batch_size=batch_size)
            ranks.append({**case, "result": [{k: (float(v) if k == "score" else v) for k, v in r.items()} for r in res]})
        meta["rank"] = ranks
    else:
        try:
            ce.rank(BERLIN_QUERY, BERLIN_DOCS)
            raise AssertionError(f"{name}: rank() unexpectedly worked for {num_labels} labels")
        except ValueError as e:
            meta["rank_error"] = str(e)
    write_json(out_dir / f"{name}.meta.json", meta)
    if out_dir == GOLDENS:
        annotate(name, path)
    sample = {"model": name, "max_length": max_length, "num_labels": num_labels,
              "pairs": [{"a": p["a"], "b": p["b"], "src": p["src"], **r} for p, r in zip(pairs[:N_SAMPLE], rows)]}
    write_json(out_dir / f"{name}.sample.json", sample, indent=None)
    print(f"{name}: {len(pairs)} pairs, max_length {max_length}, labels {labels}, default {meta['default_activation']}, "
          f"raw-model diff {raw_diff:.2e}, tokenize {t1 - t0:.0f}s predict {t2 - t1:.0f}s", flush=True)


def deadline_ts(hhmm: str) -> float:
    if not hhmm:
        return 0.0
    import datetime as dt
    h, m = map(int, hhmm.split(":"))
    now = dt.datetime.now(dt.timezone.utc)
    return now.replace(hour=h, minute=m, second=0, microsecond=0).timestamp()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("models", nargs="*", help="subset of: " + ", ".join(model_paths()))
    ap.add_argument("--pairs", type=Path, default=PAIRS)
    ap.add_argument("--out", type=Path, default=GOLDENS)
    ap.add_argument("--limit", type=int, default=0, help="only the first N pairs (quick checks)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--deadline", default="", help="UTC HH:MM: stop scoring new chunks after it, keep the prefix")
    ap.add_argument("--activations-from-logits", action="store_true",
                    help="derive the activation goldens from the logits instead of 5 more predict() runs")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    pairs = read_jsonl_gz(args.pairs)
    if args.limit:
        pairs = pairs[:args.limit]
    paths = model_paths()
    for name in args.models or list(paths):
        if name not in paths:
            sys.exit(f"unknown model {name!r}; choose from {', '.join(paths)}")
        if not (paths[name] / "config.json").exists():
            sys.exit(f"{name}: no config.json in {paths[name]} (minilm-ce: run build_minilm_ce.py first)")
        run_model(name, paths[name], pairs, args.out, args.batch_size, deadline_ts(args.deadline),
                  args.activations_from_logits)


if __name__ == "__main__":
    main()
