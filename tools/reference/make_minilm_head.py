"""Builds the seeded 1-label classifier head for the minilm-ce fixture (test/fixtures/minilm-ce-head/).

The all-MiniLM-L6-v2 pooler output is small (|x| ~0.05) and a random head would need a huge norm to
spread logits over several units, which would also amplify fp32 rounding in the pooler by ~100x and make
a 1e-4 logit bound unfair. So the head points (mostly) along the direction that separates matching from
mismatched Debian summary/description pairs, plus a seeded random component, and is scaled so logits
spread over several units (like ms-marco-MiniLM-L-6-v2) with a modest weight norm.
"""
from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

import torch
from safetensors.torch import save_file
from transformers import AutoTokenizer, BertModel

from common import DEMO_MODEL, FIXTURES, gt_minilm_dir, write_json

SEED = 3841
N_PAIRS = 192
NOISE = 0.25        # share of the seeded random direction in the head
TARGET_STD = 3.0    # logit standard deviation over the calibration pairs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=FIXTURES / "minilm-ce-head")
    ap.add_argument("--data", type=Path, default=DEMO_MODEL / "dev.jsonl.gz")
    args = ap.parse_args()
    torch.set_num_threads(2)
    src = gt_minilm_dir()
    tok = AutoTokenizer.from_pretrained(src)
    enc = BertModel.from_pretrained(src, dtype=torch.float32).eval()
    with gzip.open(args.data, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for _, line in zip(range(N_PAIRS), f)]
    pos = [(r["q"], r["p"]) for r in rows]
    neg = [(rows[i]["q"], rows[(i * 7 + 3) % len(rows)]["p"]) for i in range(len(rows))]

    def pooled(pairs):
        outs = []
        for i in range(0, len(pairs), 32):
            a, b = zip(*pairs[i:i + 32])
            feats = tok(list(a), list(b), truncation="longest_first", max_length=256, padding=True, return_tensors="pt")
            with torch.no_grad():
                outs.append(enc(**feats).pooler_output)
        return torch.cat(outs)

    p_pos, p_neg = pooled(pos), pooled(neg)
    direction = p_pos.mean(0) - p_neg.mean(0)
    direction = direction / direction.norm()
    g = torch.Generator().manual_seed(SEED)
    noise = torch.randn(direction.shape, generator=g)
    w = (1 - NOISE) * direction + NOISE * noise / noise.norm()
    allp = torch.cat([p_pos, p_neg])
    raw = allp @ w
    scale = TARGET_STD / raw.std().item()
    weight = (scale * w).reshape(1, -1).contiguous()
    bias = torch.tensor([-(scale * raw.mean()).item()]).contiguous()
    logits = allp @ weight.T + bias
    print(f"|w|={weight.norm():.2f} pos mean {logits[:len(pos)].mean():.2f} neg mean {logits[len(pos):].mean():.2f} "
          f"min {logits.min():.2f} max {logits.max():.2f}")
    args.out.mkdir(parents=True, exist_ok=True)
    save_file({"classifier.weight": weight, "classifier.bias": bias}, str(args.out / "classifier.safetensors"),
              metadata={"format": "pt"})
    # Keys merged by build_minilm_ce.py into the encoder's config.json.
    write_json(args.out / "config.json", {
        "architectures": ["BertForSequenceClassification"],
        "id2label": {"0": "LABEL_0"},
        "label2id": {"LABEL_0": 0},
        "sbert_ce_default_activation_function": "torch.nn.modules.linear.Identity",
        "head": {"seed": SEED, "noise": NOISE, "target_std": TARGET_STD, "calibration_pairs": N_PAIRS,
                 "calibration_data": "debian-packages-mini/dev.jsonl.gz"},
    })
    print("wrote", args.out)


if __name__ == "__main__":
    main()
