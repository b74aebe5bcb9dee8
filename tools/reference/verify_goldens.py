"""Consistency checks of test/fixtures/goldens against pairs.jsonl.gz and each model's HF fast tokenizer."""
from __future__ import annotations

import argparse
import json
import math
import random
import sys

from transformers import AutoTokenizer

from common import GOLDENS, PAIRS, read_jsonl_gz
from make_goldens import model_paths


def check(name: str, pairs: list[dict], n_retokenize: int) -> list[str]:
    errs: list[str] = []
    meta = json.loads((GOLDENS / f"{name}.meta.json").read_text(encoding="utf-8"))
    rows = read_jsonl_gz(GOLDENS / f"{name}.jsonl.gz")
    sample = json.loads((GOLDENS / f"{name}.sample.json").read_text(encoding="utf-8"))
    count = meta["pairs"]["count"]
    L, nl = meta["max_length"], meta["num_labels"]
    if len(rows) != count:
        errs.append(f"{name}: {len(rows)} golden lines but meta count {count}")
    if count < len(pairs):
        print(f"  note: {name} covers the first {count} of {len(pairs)} pairs")
    tok = AutoTokenizer.from_pretrained(model_paths()[name])
    tok.model_max_length = L
    rng = random.Random(7)
    idx = sorted(set(range(min(200, len(rows)))) | set(rng.sample(range(len(rows)), min(n_retokenize, len(rows)))))
    for i, r in enumerate(rows):
        if len(r["logits"]) != nl or not all(math.isfinite(v) for v in r["logits"]):
            errs.append(f"{name} line {i}: logits {r['logits']} (want {nl} finite floats)")
        if not (len(r["input_ids"]) == len(r["token_type_ids"]) <= L):
            errs.append(f"{name} line {i}: {len(r['input_ids'])} ids / {len(r['token_type_ids'])} types, max {L}")
    for i in idx:
        enc = tok([pairs[i]["a"]], [pairs[i]["b"]], truncation="longest_first", max_length=L)
        if enc["input_ids"][0] != rows[i]["input_ids"] or enc["token_type_ids"][0] != rows[i]["token_type_ids"]:
            errs.append(f"{name} line {i}: ids differ from a fresh tokenizer call")
    for j, s in enumerate(sample["pairs"]):
        if s["a"] != pairs[j]["a"] or s["b"] != pairs[j]["b"] or s["input_ids"] != rows[j]["input_ids"] \
                or s["logits"] != rows[j]["logits"]:
            errs.append(f"{name}: sample pair {j} differs from the corpus/golden line")
    print(f"  {name}: {len(rows)} lines, max_length {L}, {nl} label(s), retokenized {len(idx)}: "
          f"{'OK' if not errs else str(len(errs)) + ' problems'}")
    return errs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("models", nargs="*")
    ap.add_argument("--retokenize", type=int, default=1000, help="random lines to re-tokenize per model")
    args = ap.parse_args()
    pairs = read_jsonl_gz(PAIRS)
    names = args.models or [n for n in model_paths() if (GOLDENS / f"{n}.meta.json").exists()]
    errs = [e for n in names for e in check(n, pairs, args.retokenize)]
    for e in errs[:50]:
        print("ERROR", e)
    sys.exit(1 if errs else 0)


if __name__ == "__main__":
    main()
