"""Check the regex classes the hand-written Split / ByteLevel matchers use (\\p{L}, \\p{N}, \\s) against Oniguruma
itself, through HF tokenizers' Split pre-tokenizer, for every Unicode scalar value. Exit 1 on a difference.
Run with the project venv: .venv/bin/python tools/unicode/check_regex_classes_vs_hf.py
"""
import os
import sys

from tokenizers import Regex, pre_tokenizers

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_unicode_tables import SCALARS, property_sets  # noqa: E402
from ucd import UCD  # noqa: E402


def onig_class(pattern):
    """The scalar values Oniguruma's `pattern` (one code point wide) matches."""
    split = pre_tokenizers.Split(Regex(pattern), behavior="isolated", invert=False)
    matched = set()
    for start in range(0, len(SCALARS), 4096):
        chunk = SCALARS[start:start + 4096]
        # Each code point between two '\x00' guards (not in any of the classes), so every match is one code point.
        text = "".join("\x00" + chr(c) for c in chunk) + "\x00"
        for piece, _ in split.pre_tokenize_str(text):
            if piece != "\x00" and len(piece) == 1:
                matched.add(ord(piece))
    return matched


def main():
    sets = property_sets(UCD())
    ours = {r"\p{L}": sets["letter"], r"\p{N}": sets["number"], r"\s": sets["white_space"]}
    failed = False
    for pattern, expected in ours.items():
        got = onig_class(pattern)
        missing, extra = sorted(got - expected), sorted(expected - got)
        print(f"{pattern}: Oniguruma {len(got)}, tables {len(expected)}; only Oniguruma {len(missing)}, "
              f"only tables {len(extra)}")
        for name, cps in [("only Oniguruma", missing), ("only tables", extra)]:
            if cps:
                failed = True
                print(f"  {name}: " + " ".join(f"U+{c:04X}" for c in cps[:40]))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
