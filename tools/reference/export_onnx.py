"""Exports a bench model (default test/.cache/models/minilm-ce; --model xlmr-base) to fp32 ONNX and checks it; also
writes an int8 copy (onnxruntime's dynamic quantisation) for the bench's int8 peer.

Writes test/.cache/onnx/<model>/{config.json, tokenizer files, model.onnx, onnx/model.onnx}: onnxruntime-node
reads model.onnx; @huggingface/transformers looks for onnx/model.onnx under a local model folder. The graph has
inputs input_ids / attention_mask and, where the tokenizer returns them (BERT, not XLM-R), token_type_ids (int64,
dynamic batch x sequence) and output `logits`.
Uses torch's torch.export-based exporter (dynamo=True, needs onnx + onnxscript): the legacy TorchScript
tracer bakes transformers' padding-mask branch into the graph as a constant (padded batches then differ by ~5
logits). The graph stays plain fp32 (no ORT-specific fusions); onnxruntime optimises it itself in the bench.
The check runs the exported file in onnxruntime (Python) and PyTorch fp32 on varied pairs and fails if
any logit differs by more than --tol (default 1e-4).
The int8 copy, model_int8.onnx, is onnxruntime.quantization.quantize_dynamic's output with its defaults for
transformer encoders (int8 weights per output channel, uint8 activations quantised per call): what a user of
onnxruntime-node gets when they quantise this model; its logits' distance from PyTorch fp32 is recorded, not checked.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic
from transformers import AutoModelForSequenceClassification, AutoTokenizer

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "test" / ".cache" / "models" / "minilm-ce"
OUT = REPO / "test" / ".cache" / "onnx" / "minilm-ce"
COPY = ["config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"]
CHECK_PAIRS = [
    ("How many people live in Berlin?",
     "Berlin had a population of 3,520,031 registered inhabitants in an area of 891.82 square kilometers."),
    ("How many people live in Berlin?", "Berlin is well known for its museums."),
    ("what is a tokenizer", "A tokenizer splits text into word pieces " * 20),
    ("short", "x"),
]


class LogitsOnly(torch.nn.Module):
    """Wraps the HF model so the exported graph has exactly one named output and no dict plumbing."""

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        extra = {} if token_type_ids is None else {"token_type_ids": token_type_ids}
        return self.model(input_ids=input_ids, attention_mask=attention_mask, **extra).logits


def quantize_int8(onnx_path: Path, int8_path: Path) -> None:
    """onnxruntime's dynamic quantisation of the exported graph. The torch.export-based exporter records value_info
    shapes that onnx's shape inference (run by quantize_dynamic) contradicts for broadcast constants ("Inferred shape
    and existing shape differ"); they are annotations only, so the graph is quantised without them."""
    model = onnx.load(str(onnx_path))
    del model.graph.value_info[:]
    stripped = int8_path.with_name("model_for_quantization.onnx")
    onnx.save(model, str(stripped))
    try:
        quantize_dynamic(str(stripped), str(int8_path), weight_type=QuantType.QInt8, per_channel=True)
    finally:
        stripped.unlink(missing_ok=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="minilm-ce", help="a folder name under test/.cache/models")
    ap.add_argument("--src", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--tol", type=float, default=1e-4)
    args = ap.parse_args()
    args.src = args.src or SRC.parent / args.model
    args.out = args.out or OUT.parent / args.model
    if not (args.src / "model.safetensors").is_file():
        print(f"export_onnx: {args.src}/model.safetensors not found; run tools/reference/build_minilm_ce.py",
              file=sys.stderr)
        return 2

    torch.manual_seed(0)
    tok = AutoTokenizer.from_pretrained(args.src)
    model = AutoModelForSequenceClassification.from_pretrained(args.src, torch_dtype=torch.float32,
                                                               attn_implementation="eager").eval()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "onnx").mkdir(exist_ok=True)
    for name in COPY:
        if (args.src / name).is_file():
            shutil.copyfile(args.src / name, args.out / name)

    sample = tok([p[0] for p in CHECK_PAIRS[:2]], [p[1] for p in CHECK_PAIRS[:2]], padding=True,
                 return_tensors="pt")
    names = [n for n in ["input_ids", "attention_mask", "token_type_ids"] if n in sample]
    inputs = tuple(sample[n] for n in names)
    dyn = {n: {0: "batch", 1: "sequence"} for n in names}
    dyn["logits"] = {0: "batch"}
    onnx_path = args.out / "model.onnx"
    with torch.no_grad():
        torch.onnx.export(LogitsOnly(model), inputs, str(onnx_path), input_names=names,
                          output_names=["logits"], dynamic_axes=dyn, opset_version=18, dynamo=True,
                          external_data=False)
    shutil.copyfile(onnx_path, args.out / "onnx" / "model.onnx")

    int8_path = args.out / "model_int8.onnx"
    quantize_int8(onnx_path, int8_path)

    def max_diff_vs_torch(path: Path) -> float:
        sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        worst = 0.0
        # One batch (padding exercised) plus each pair alone (the longest pair alone is unpadded).
        batches = [CHECK_PAIRS] + [[p] for p in CHECK_PAIRS]
        for batch in batches:
            enc = tok([p[0] for p in batch], [p[1] for p in batch], padding=True, truncation=True,
                      max_length=512, return_tensors="pt")
            with torch.no_grad():
                ref = model(**enc).logits.numpy()
            got = sess.run(["logits"], {n: enc[n].numpy().astype(np.int64) for n in names})[0]
            worst = max(worst, float(np.abs(ref - got).max()))
        return worst

    worst = max_diff_vs_torch(onnx_path)
    report = {"onnx": str(onnx_path.relative_to(REPO)), "opset": 18, "torch": torch.__version__,
              "onnxruntime": ort.__version__, "max_abs_diff_vs_torch": worst, "tol": args.tol,
              "int8": {"onnx": str(int8_path.relative_to(REPO)),
                       "quantization": "quantize_dynamic(weight_type=QInt8, per_channel=True)",
                       "max_abs_diff_vs_torch": max_diff_vs_torch(int8_path)}}
    (args.out / "export_check.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report))
    if worst > args.tol:
        print(f"export_onnx: ONNX logits differ from PyTorch by {worst:.3g} > {args.tol}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
