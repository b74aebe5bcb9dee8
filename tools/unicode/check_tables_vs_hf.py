"""Compare the generator's tables with what HF tokenizers does per code point (the sweep_hf.py output).

Usage: .venv/bin/python tools/unicode/check_tables_vs_hf.py SWEEP.json   (exit 1 on any difference)
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_unicode_tables as gen  # noqa: E402
from ucd import UCD  # noqa: E402

HANGUL_S, HANGUL_COUNT = 0xAC00, 11172


def nfd_strip(u, decomp, mn, cp):
    if HANGUL_S <= cp < HANGUL_S + HANGUL_COUNT:
        s = cp - HANGUL_S
        seq = [0x1100 + s // 588, 0x1161 + (s % 588) // 28] + ([0x11A7 + s % 28] if s % 28 else [])
    else:
        seq = decomp.get(cp, [cp])
    return [c for c in seq if c not in mn]


def main(sweep_path):
    sw = json.load(open(sweep_path))
    u = UCD()
    sets = gen.property_sets(u)
    problems = []

    def diff(name, mine, hf):
        d = sorted(set(mine) ^ set(hf))
        if d:
            problems.append(f"{name}: {len(d)} differ, first {[hex(c) for c in d[:10]]}")

    diff("clean_text removes", sets["removed"], sw["removed"])
    diff("clean_text to space", sets["white_space"] - sets["removed"] - {0x20}, sw["to_space"])
    diff("pre-tokenizer whitespace", sets["white_space"], sw["pre_ws"])
    diff("pre-tokenizer punctuation", sets["punctuation"], sw["pre_punct"])
    decomp = gen.decompositions(u)
    strip = {int(k): v for k, v in sw["strip"].items()}
    bad = [c for c in gen.SCALARS if nfd_strip(u, decomp, sets["mark_nonspacing"], c) != strip.get(c, [c])]
    if bad:
        problems.append(f"strip_accents: {len(bad)} differ, first {[hex(c) for c in bad[:10]]}")
    low = gen.lowercase(u)
    hf_low = {int(k): v for k, v in sw["lower"].items()}
    bad = [c for c in gen.SCALARS if low.get(c, [c]) != hf_low.get(c, [c])]
    newer = [c for c in bad if not u.assigned_in(c, (15, 0))]
    if len(bad) != len(newer):
        problems.append(f"lowercase: {[hex(c) for c in bad if c not in newer][:10]} differ")
    if newer:
        print(f"note: lowercase differs on {len(newer)} code points assigned after Unicode 15.0 "
              f"(Rust std is newer than Debian's UCD): {[hex(c) for c in newer[:8]]}...")
    print("\n".join(problems) if problems else "all tables agree with HF tokenizers")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
