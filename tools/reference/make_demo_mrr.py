"""Writes test/fixtures/goldens/demo-mrr.json: the demo model's held-out ranking benchmark (MRR@10, recall@1)
as sentence-transformers computes it in fp32, with the exact candidate lists, so the Node engine can be
checked against it. Candidate selection replays debian-packages-mini's train.py eval step by step (same
word filter, same seed, same order of random calls): 600 dev queries, each ranking its own description
among 30 candidates (up to 9 sharing a query word). Needs the venv: .venv/bin/python make_demo_mrr.py"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import sys
from pathlib import Path

import numpy as np
import torch
from sentence_transformers import CrossEncoder

from common import DEMO_MODEL, GOLDENS, write_json

QUERIES = 600
CANDIDATES = 30
MAX_LENGTH = 256
# train.py's stop list and word rule, verbatim in behaviour: the candidate lists depend on them.
STOP = set(
    "the and for with from that this into your data library package files file tool tools support based using "
    "used use module modules plugin python development documentation version common".split()
)


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]{4,}", text.lower()) if w not in STOP}


def candidate_lists(dev: list[dict]) -> list[list[int]]:
    """train.py's cands(i) for i in 0..599, called in that order after random.seed(1)."""
    random.seed(1)
    index: dict[str, list[int]] = {}
    for i, x in enumerate(dev):
        for w in words(x["q"]):
            index.setdefault(w, []).append(i)

    def cands(i: int) -> list[int]:
        hard = {c for w in words(dev[i]["q"]) for c in index.get(w, [])[:50] if c != i}
        hard_list = random.sample(sorted(hard), min(9, len(hard)))
        rest = [c for c in random.sample(range(len(dev)), 40) if c != i and c not in hard_list][: CANDIDATES - 1 - len(hard_list)]
        return [i] + hard_list + rest

    return [cands(i) for i in range(QUERIES)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", type=Path, default=DEMO_MODEL)
    ap.add_argument("--out", type=Path, default=GOLDENS / "demo-mrr.json")
    args = ap.parse_args()
    torch.set_num_threads(2)
    dev_path = args.model / "dev.jsonl.gz"
    raw = dev_path.read_bytes()
    dev = [json.loads(line) for line in gzip.decompress(raw).decode("utf-8").splitlines() if line]
    lists = candidate_lists(dev)
    ce = CrossEncoder(str(args.model), device="cpu", max_length=MAX_LENGTH, model_kwargs={"dtype": torch.float32})
    mrr = r1 = 0.0
    ranks = []
    for i, cs in enumerate(lists):
        # Raw logits, like train.py: the ranking is the same under the monotonic Sigmoid.
        logits = np.asarray(ce.predict([(dev[i]["q"], dev[c]["p"]) for c in cs], activation_fn=torch.nn.Identity(),
                                       batch_size=32, convert_to_numpy=True), dtype=np.float64)
        rank = 1 + int((logits[1:] > logits[0]).sum())
        ranks.append(rank)
        mrr += 1 / rank if rank <= 10 else 0.0
        r1 += rank == 1
        if (i + 1) % 100 == 0:
            print(f"{i + 1}/{len(lists)} queries, MRR@10 so far {mrr / (i + 1):.4f}", file=sys.stderr, flush=True)
    golden = {
        "description": "debian-packages-mini held-out ranking (train.py eval): for query i, candidates[i][0] == i is "
        "the relevant passage; a rank is 1 + the number of candidates scoring strictly higher; MRR@10 counts "
        "1/rank for rank <= 10. Indices point into dev.jsonl.gz of the demo model's source directory.",
        "generator": "tools/reference/make_demo_mrr.py",
        "reference": f"sentence-transformers CrossEncoder fp32 on CPU, max_length={MAX_LENGTH}, torch {torch.__version__}",
        "dev_file": "dev.jsonl.gz",
        "dev_sha256": hashlib.sha256(raw).hexdigest(),
        "max_length": MAX_LENGTH,
        "queries": QUERIES,
        "candidates_per_query": CANDIDATES,
        "mrr_at_10": mrr / len(lists),
        "recall_at_1": r1 / len(lists),
        "ranks": ranks,
        "candidates": lists,
    }
    write_json(args.out, golden, indent=None)
    print(f"MRR@10 {golden['mrr_at_10']:.6f}  recall@1 {golden['recall_at_1']:.4f}  -> {args.out}")


if __name__ == "__main__":
    main()
