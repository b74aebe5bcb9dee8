"""Write test/fixtures/tokenizer/nfx_cases.txt: what HF tokenizers' NFC / NFD / NFKC / NFKD normalizers make of
every Unicode scalar value (only those some form changes are listed; the rest must stay as they are) and of
sequences that exercise reordering and composition. Also compares with Python's unicodedata for the code points
assigned in Unicode 9.0 (the crate's version) and reports any difference.

Line format: "<input> <NFC> <NFD> <NFKC> <NFKD>", each a '.'-joined list of hex code points ('-' for empty).
Run with the project venv: .venv/bin/python tools/unicode/make_normalization_cases.py [OUT]
"""
import os
import sys
import unicodedata

from tokenizers import normalizers

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_unicode_tables import NFD_VERSION  # noqa: E402
from ucd import UCD  # noqa: E402

FORMS = ["NFC", "NFD", "NFKC", "NFKD"]
SEQUENCES = [
    "e\u0301", "a\u0316\u0301", "a\u0301\u0316", "A\u030a\u0301", "\u1100\u1161", "\u1100\u1161\u11a8",
    "\uac00\u11a8", "\u0041\u0328\u0301\u0323", "o\u0308\u0304", "\u00f6\u0304", "\u0627\u0653", "\u0915\u093c",
    "\u05d0\u05b7\u05bc", "\u1e0b\u0323", "q\u0307\u0323", "\u212b\u0301", "\u0344x", "\u0f73\u0f71",
    "ﬁ\u0301", "\u3131\u314f", "e\u0301\u0301e\u0300", "\u0301abc", "Å\u0327", "\u1fb7\u0345", "\u00c5\u0338",
    "\u03b1\u0313\u0300\u0345", "x\u0345\u0313", "\u0e40\u0e01\u0e34\u0e48", "\u1112\u1175\u11ab\u1100",
]


def hexes(s):
    return ".".join(f"{ord(c):X}" for c in s) if s else "-"


def main(out_path):
    norms = {f: getattr(normalizers, f)() for f in FORMS}
    u = UCD()
    lines, python_diffs = [], []
    for c in range(0x110000):
        if 0xD800 <= c <= 0xDFFF:
            continue
        s = chr(c)
        outs = [norms[f].normalize_str(s) for f in FORMS]
        if any(o != s for o in outs):
            lines.append(" ".join([hexes(s)] + [hexes(o) for o in outs]))
        if u.assigned_in(c, NFD_VERSION):
            py = [unicodedata.normalize(f, s) for f in FORMS]
            if py != outs:
                python_diffs.append(c)
    for s in SEQUENCES:
        lines.append(" ".join([hexes(s)] + [hexes(norms[f].normalize_str(s)) for f in FORMS]))
    with open(out_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {len(lines)} lines; Python unicodedata {unicodedata.unidata_version} differs from HF on "
          f"{len(python_diffs)} code points assigned by Unicode {NFD_VERSION[0]}.{NFD_VERSION[1]}: "
          + " ".join(f"U+{c:04X}" for c in python_diffs[:20]))


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    main(sys.argv[1] if len(sys.argv) > 1 else
         os.path.join(here, "..", "..", "test", "fixtures", "tokenizer", "nfx_cases.txt"))
