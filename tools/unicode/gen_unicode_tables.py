"""Generate cpp/tokenizer/unicode_data.cpp: the Unicode tables the BERT normalizer / pre-tokenizer need.

HF tokenizers (Rust) answers "control", "punctuation" and "nonspacing mark" with the unicode_categories
crate (Unicode 8.0 data) and decomposes with a Unicode 8/9-era NFD; only White_Space and lowercase come
from Rust's std (a newer Unicode). Debian ships UCD 15.0, so the generator reproduces the older versions:
code points assigned after the crate's version (DerivedAge.txt) are unassigned (Cn) for it, and the few
code points whose General_Category was changed by Unicode after 8.0 get their 8.0 value back
(GC_CHANGED_SINCE_8_0). tools/unicode/check_tables_vs_hf.py verifies all of this against the sweep made
by tools/unicode/sweep_hf.py.
Usage: python3 tools/unicode/gen_unicode_tables.py [OUT.cpp]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ucd import UCD  # noqa: E402

CATEGORY_VERSION = (8, 0)   # unicode_categories crate: is_other / is_punctuation / is_mark_nonspacing
NFD_VERSION = (9, 0)        # unicode-normalization-alignments crate: canonical decompositions, ccc
LOWERCASE_VERSION = (15, 0)  # Rust std char::to_lowercase is newer still; 15.0 is what Debian has
REGEX_VERSION = (16, 0)      # Oniguruma in tokenizers 0.23 (Split / ByteLevel regexes): \p{L}, \p{N} (unicodedata2)

# Unicode 8.0 General_Category of the code points whose category a later Unicode version changed and that
# matter here (Mn / P* / Cc-Cf-Co membership). Found by the sweep (check_tables_vs_hf.py lists any new one).
GC_CHANGED_SINCE_8_0 = {0x1734: "Mn", 0xA9BD: "Mc", 0x1885: "Lo", 0x1886: "Lo", 0x111C9: "Po", 0x166D: "Po"}

ASCII_PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
SCALARS = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]


def gc8(u, cp):
    if cp in GC_CHANGED_SINCE_8_0:
        return GC_CHANGED_SINCE_8_0[cp]
    return u.gc(cp, CATEGORY_VERSION)


def regex_classes():
    """\p{L} and \p{N} as Oniguruma sees them: Unicode 16.0, newer than Debian's UCD, so from the pinned
    unicodedata2 package (tools/reference/requirements.txt); check_regex_classes_vs_hf.py compares with
    Oniguruma itself."""
    try:
        import unicodedata2
    except ImportError:
        sys.exit("gen_unicode_tables.py needs unicodedata2 (run it with the project venv: .venv/bin/python)")
    assert unicodedata2.unidata_version == "%d.%d.0" % REGEX_VERSION, unicodedata2.unidata_version
    letter = {c for c in SCALARS if unicodedata2.category(chr(c)).startswith("L")}
    number = {c for c in SCALARS if unicodedata2.category(chr(c)).startswith("N")}
    return letter, number


def property_sets(u):
    """The code point sets the C++ side looks up, exactly as HF's Rust code defines them."""
    removed = {c for c in SCALARS
               if c in (0, 0xFFFD) or (c not in (9, 10, 13) and gc8(u, c) in ("Cc", "Cf", "Co", "Cs"))}
    punct = {c for c in SCALARS if (c < 128 and chr(c) in ASCII_PUNCT) or gc8(u, c).startswith("P")}
    mark_nonspacing = {c for c in SCALARS if gc8(u, c) == "Mn"}
    letter, number = regex_classes()
    return {"removed": removed, "white_space": set(u.white_space), "punctuation": punct,
            "mark_nonspacing": mark_nonspacing, "letter": letter, "number": number}


def full_decomposition(u, cp):
    """Recursive canonical decomposition (Hangul syllables are done algorithmically in C++)."""
    if cp in u.decomp and u.assigned_in(cp, NFD_VERSION):
        out = []
        for part in u.decomp[cp]:
            out += full_decomposition(u, part)
        return out
    return [cp]


def decompositions(u):
    return {c: full_decomposition(u, c) for c in sorted(u.decomp) if u.assigned_in(c, NFD_VERSION)}


def combining_classes(u):
    return {c: v for c, v in sorted(u.ccc.items()) if u.assigned_in(c, NFD_VERSION)}


def lowercase(u):
    return {c: m for c, m in sorted(u.full_lower.items()) if u.assigned_in(c, LOWERCASE_VERSION) and m != [c]}


def ranges(cps):
    out = []
    for c in sorted(cps):
        if out and out[-1][1] == c - 1:
            out[-1][1] = c
        else:
            out.append([c, c])
    return out


def emit_ranges(lines, name, cps):
    rs = ranges(cps)
    lines.append(f"const CodePointRange {name}[] = {{")
    for i in range(0, len(rs), 4):
        lines.append("  " + " ".join(f"{{0x{a:X}, 0x{b:X}}}," for a, b in rs[i:i + 4]))
    lines.append("};")
    lines.append(f"const size_t {name}Size = {len(rs)};")
    lines.append("")


def emit_mapping(lines, name, mapping):
    """Sorted (code point, offset, length) entries into one shared pool of code points."""
    pool, entries = [], []
    for c, seq in sorted(mapping.items()):
        entries.append((c, len(pool), len(seq)))
        pool += seq
    assert len(pool) < 65536 and max(len(s) for s in mapping.values()) < 256  # fits CodePointMapping
    lines.append(f"const char32_t {name}Pool[] = {{")
    for i in range(0, len(pool), 10):
        lines.append("  " + " ".join(f"0x{x:X}," for x in pool[i:i + 10]))
    lines.append("};")
    lines.append(f"const CodePointMapping {name}[] = {{")
    for i in range(0, len(entries), 4):
        lines.append("  " + " ".join(f"{{0x{c:X}, {o}, {n}}}," for c, o, n in entries[i:i + 4]))
    lines.append("};")
    lines.append(f"const size_t {name}Size = {len(entries)};")
    lines.append("")


def main(out_path):
    u = UCD()
    sets = property_sets(u)
    lines = [
        "// Generated by tools/unicode/gen_unicode_tables.py from the UCD in /usr/share/unicode -- do not edit.",
        f"// Categories as Unicode {CATEGORY_VERSION[0]}.{CATEGORY_VERSION[1]}, NFD as "
        f"{NFD_VERSION[0]}.{NFD_VERSION[1]}, lowercase as {LOWERCASE_VERSION[0]}.{LOWERCASE_VERSION[1]} "
        "(the versions HF tokenizers' crates see); regex letters / numbers as "
        f"{REGEX_VERSION[0]}.{REGEX_VERSION[1]}.",
        '#include "tokenizer/unicode_data.h"',
        "",
        "namespace ce::unicode_data {",
        "",
    ]
    emit_ranges(lines, "kRemovedByCleanText", sets["removed"])
    emit_ranges(lines, "kWhiteSpace", sets["white_space"])
    emit_ranges(lines, "kPunctuation", sets["punctuation"])
    emit_ranges(lines, "kMarkNonspacing", sets["mark_nonspacing"])
    emit_ranges(lines, "kLetter", sets["letter"])
    emit_ranges(lines, "kNumber", sets["number"])
    ccc = combining_classes(u)
    lines.append("const CombiningClass kCombiningClass[] = {")
    items = list(ccc.items())
    for i in range(0, len(items), 6):
        lines.append("  " + " ".join(f"{{0x{c:X}, {v}}}," for c, v in items[i:i + 6]))
    lines.append("};")
    lines.append(f"const size_t kCombiningClassSize = {len(items)};")
    lines.append("")
    emit_mapping(lines, "kDecomposition", decompositions(u))
    emit_mapping(lines, "kLowercase", lowercase(u))
    lines.append("}  // namespace ce::unicode_data")
    with open(out_path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "cpp", "tokenizer", "unicode_data.cpp"))
