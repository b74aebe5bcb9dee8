"""Checks that our fp32 pipeline reproduces debian-packages-mini's own demo_rank.json (order + scores)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch
from sentence_transformers import CrossEncoder

from common import DEMO_MODEL


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", type=Path, default=DEMO_MODEL)
    ap.add_argument("--tol", type=float, default=1e-6)
    args = ap.parse_args()
    torch.set_num_threads(2)
    demo = json.loads((args.model / "demo_rank.json").read_text(encoding="utf-8"))
    ce = CrossEncoder(str(args.model), model_kwargs={"dtype": torch.float32}, device="cpu")
    got = ce.rank(demo["query"], demo["documents"])
    want = demo["rank"]
    same_order = [r["corpus_id"] for r in got] == [r["corpus_id"] for r in want]
    by_id = {r["corpus_id"]: r["score"] for r in got}
    worst = max(abs(by_id[r["corpus_id"]] - r["score"]) for r in want)
    print(f"max_length {ce.max_seq_length}; same order: {same_order}; max |score diff| {worst:.3e}")
    for g, w in zip(got, want):
        print(f"  {g['corpus_id']:2d} {g['score']:.10f}   ref {w['corpus_id']:2d} {w['score']:.10f}")
    if not same_order or worst > args.tol:
        sys.exit("demo_rank.json NOT reproduced")


if __name__ == "__main__":
    main()
