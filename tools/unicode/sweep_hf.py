"""Sweep every Unicode scalar value through HF tokenizers' BertNormalizer / BertPreTokenizer stages.

Writes a JSON summary of what HF does per code point, so gen_unicode_tables.py's tables can be checked
against the real Rust implementation (whose embedded Unicode versions differ from Debian's UCD).
Usage: .venv/bin/python tools/unicode/sweep_hf.py OUT.json
"""
import json
import sys

from tokenizers import normalizers, pre_tokenizers


def scalar_values():
    for c in range(0x110000):
        if 0xD800 <= c <= 0xDFFF:
            continue
        yield c


def main(out_path):
    clean = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=False, strip_accents=False, lowercase=False)
    cjk = normalizers.BertNormalizer(clean_text=False, handle_chinese_chars=True, strip_accents=False, lowercase=False)
    strip = normalizers.BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=True, lowercase=False)
    lower = normalizers.BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=False, lowercase=True)
    pre = pre_tokenizers.BertPreTokenizer()
    res = {"removed": [], "to_space": [], "cjk": [], "strip": {}, "lower": {}, "pre_ws": [], "pre_punct": []}
    for c in scalar_values():
        ch = chr(c)
        s = "a" + ch + "b"
        o = clean.normalize_str(s)
        if o == "ab":
            res["removed"].append(c)
        elif o == "a b" and ch != " ":
            res["to_space"].append(c)
        if cjk.normalize_str(s) == "a " + ch + " b":
            res["cjk"].append(c)
        o = strip.normalize_str(s)
        if o != s:
            res["strip"][c] = [ord(x) for x in o[1:-1]]
        o = lower.normalize_str(s)
        if o != s:
            res["lower"][c] = [ord(x) for x in o[1:-1]]
        parts = [p for p, _ in pre.pre_tokenize_str(s)]
        if parts == ["a", "b"]:
            res["pre_ws"].append(c)
        elif parts == ["a", ch, "b"]:
            res["pre_punct"].append(c)
    with open(out_path, "w") as f:
        json.dump(res, f)
    print({k: len(v) for k, v in res.items()})


if __name__ == "__main__":
    main(sys.argv[1])
