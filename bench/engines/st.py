"""Bench engine: sentence-transformers CrossEncoder (PyTorch CPU fp32), torch.set_num_threads(N), interop 1.

Speaks the same line protocol as protocol.mjs (one JSON command per stdin line, one JSON reply per line).
"""
import argparse
import json
import resource
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--model", required=True)
ap.add_argument("--threads", type=int, required=True)
ap.add_argument("--workloads", required=True)
args = ap.parse_args()

t0 = time.perf_counter()
import torch  # noqa: E402  (import time is part of what a Python user pays at load)
import sentence_transformers  # noqa: E402
from sentence_transformers import CrossEncoder  # noqa: E402

torch.set_num_threads(args.threads)
torch.set_num_interop_threads(1)
model = CrossEncoder(args.model, device="cpu")
load_ms = (time.perf_counter() - t0) * 1e3
workloads = json.load(open(args.workloads))


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


reply({"ready": True, "loadMs": load_ms, "rssAfterLoadKB": rss_kb(),
       "version": f"sentence-transformers {sentence_transformers.__version__}, torch {torch.__version__}"})
for line in sys.stdin:
    cmd = json.loads(line)
    if cmd["cmd"] == "run":
        pairs = [tuple(p) for p in workloads[cmd["workload"]]["pairs"]]
        s = time.perf_counter()
        scores = model.predict(pairs, batch_size=cmd["batchSize"], show_progress_bar=False, convert_to_numpy=True)
        ms = (time.perf_counter() - s) * 1e3
        reply({"ms": ms, "scores": [float(x) for x in scores.reshape(-1)] if cmd.get("wantScores") else None})
    elif cmd["cmd"] == "stats":
        reply({"peakRssKB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss})
    elif cmd["cmd"] == "exit":
        sys.exit(0)
