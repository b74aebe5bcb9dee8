"""Adds tokenizer-derived annotations to goldens/<model>.meta.json (no model run): rank tie groups.

PyTorch's batched forward can give identical token sequences scores that differ in the last bits
(seen: 5e-7 on tiny-1label-bf16), so a golden rank order among such documents is float noise, not a spec.
Each rank case gets "identical_inputs": lists of corpus_ids whose query+document token ids are identical;
an implementation scores them equally and CrossEncoder.rank's stable sort then keeps corpus order.
"""
from __future__ import annotations

import argparse
import json

from transformers import AutoTokenizer

from common import GOLDENS, write_json


def annotate(name: str, model_dir) -> None:
    path = GOLDENS / f"{name}.meta.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta.setdefault("activation_source", "CrossEncoder.predict")
    meta["pairs"].setdefault("corpus_size", meta["pairs"]["count"])
    meta["pairs"].setdefault("note", "goldens cover the first `count` lines of the corpus")
    if "rank" in meta:
        tok = AutoTokenizer.from_pretrained(model_dir)
        L = meta["max_length"]
        for case in meta["rank"]:
            groups: dict[tuple, list[int]] = {}
            for i, d in enumerate(case["documents"]):
                ids = tuple(tok([case["query"]], [d], truncation="longest_first", max_length=L)["input_ids"][0])
                groups.setdefault(ids, []).append(i)
            case["identical_inputs"] = [g for g in groups.values() if len(g) > 1]
        meta["rank_note"] = ("Documents listed together in identical_inputs have identical token ids; their "
                             "golden scores may differ by float noise (~1e-6), so compare their order as a tie "
                             "(stable sort: lower corpus_id first) and their scores with the usual tolerance.")
    write_json(path, meta)


def main() -> None:
    from make_goldens import model_paths

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("models", nargs="*")
    args = ap.parse_args()
    paths = model_paths()
    for name in args.models or [n for n in paths if (GOLDENS / f"{n}.meta.json").exists()]:
        annotate(name, paths[name])
        print("annotated", name)


if __name__ == "__main__":
    main()
