"""Builds test/fixtures/pairs.jsonl.gz: >=10k seeded query/passage pairs of real, third-party text.

Sources (all reachable on a Debian machine, none written by us):
  * Debian package descriptions: the demo model's dev.jsonl.gz (English) and the archive's
    Translation-<lang> files (apt-get -o Acquire::Languages=... update; read from /var/lib/apt/lists);
    query = short description, passage = long description; plus mismatched and cross-language pairs.
  * gettext .mo catalogues of installed packages (English msgid -> translated msgstr), which bring Arabic,
    Hebrew, Thai, Devanagari, Bengali, Tamil, Georgian, Armenian, Amharic ... text.
  * Unicode data files in /usr/share/unicode (emoji-test.txt names/sequences, UnicodeData.txt names).
  * Edge cases made programmatically FROM that real text: control/format/zero-width chars, NUL, U+FFFD,
    private-use and unassigned code points, combining marks, NFD forms, glued >100-char words (and 99/100/101
    boundaries), empty and whitespace-only strings, very long passages and queries (both sides truncated).
The first ~70 lines cycle through every category so short prefixes (sample/activation goldens) see all of them.
"""
from __future__ import annotations

import argparse
import gettext
import glob
import gzip
import json
import os
import random
import re
import subprocess
import unicodedata
from pathlib import Path

from common import DEMO_MODEL, PAIRS, write_jsonl_gz

SEED = 20261126
APT_LISTS = Path("/var/lib/apt/lists")
UNICODE = Path("/usr/share/unicode")
TRANSLATION_CAP = 220          # matched pairs per Debian language
GETTEXT_CAP = 25               # pairs per gettext language
# Code points that BERT normalisation deletes or maps to spaces, or that sit on other special paths.
ODD_CHARS = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f", "\u00ad",
             "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202e", "\u2060", "\ufeff", "\ufffd",
             "\ue000", "\U000f0001", "\u0378", "\U000e0041", "\t", "\r", "\n", "\r\n", "\u00a0", "\u2003",
             "\u3000", "\u2028", "\u2029", "\u180e", "\u1680", "\u0600", "\ufe0f"]
COMBINING = ["\u0301", "\u0300", "\u0308", "\u0327", "\u030c", "\u0323", "\u20dd", "\u0332", "\u0670",
             "\u05b8", "\u093c", "\u0e49", "\u3099", "\u036f"]
WHITESPACE_ONLY = [" ", "   ", "\t", "\n", "\r\n", " \t \n ", "\u00a0", "\u3000", "\u2003\u2009", "\u200b",
                   "\x00", "\x00\x01\x1f", "\ufffd", "\u00ad", "\ufeff \ufeff", "\u2028"]


def read_text_lz4(path: Path) -> str:
    if path.suffix == ".lz4":
        raw = subprocess.run(["lz4", "-dc", str(path)], check=True, capture_output=True).stdout
    elif path.suffix == ".gz":
        raw = gzip.decompress(path.read_bytes())
    else:
        raw = path.read_bytes()
    return raw.decode("utf-8", errors="replace")


def parse_translation(text: str) -> list[dict]:
    """Deb822 stanzas -> {pkg, lang, q, p}; long-description lines lose one leading space, ' .' = blank."""
    out = []
    for stanza in text.split("\n\n"):
        pkg, lang, short, long_lines = None, None, None, []
        in_desc = False
        for line in stanza.split("\n"):
            if line.startswith("Package: "):
                pkg = line[9:].strip()
                in_desc = False
            elif line.startswith("Description-"):
                key, _, val = line.partition(": ")
                lang = key[len("Description-"):]
                if lang == "md5":
                    continue
                short, in_desc = val, True
            elif in_desc and line.startswith(" "):
                body = line[1:]
                long_lines.append("" if body == "." else body)
        if pkg and short is not None and long_lines:
            out.append({"pkg": pkg, "lang": lang, "q": short, "p": "\n".join(long_lines)})
    return out


def load_translations() -> dict[str, list[dict]]:
    by_lang: dict[str, list[dict]] = {}
    files = sorted(APT_LISTS.glob("*bookworm_main_i18n_Translation-*"))
    for f in files:
        lang = f.name.split("Translation-")[1].split(".")[0].replace("%5f", "_")
        rows = parse_translation(read_text_lz4(f))
        rows.sort(key=lambda r: r["pkg"])
        by_lang[lang] = rows
    return by_lang


def load_gettext() -> dict[str, list[tuple[str, str, str]]]:
    """lang -> [(domain, msgid, msgstr)] from every UTF-8-decodable .mo catalogue under /usr/share/locale."""
    by_lang: dict[str, list[tuple[str, str, str]]] = {}
    for path in sorted(glob.glob("/usr/share/locale/*/LC_MESSAGES/*.mo")):
        lang = path.split("/")[-3]
        if "." in lang or lang.startswith("en"):
            continue
        try:
            with open(path, "rb") as f:
                cat = gettext.GNUTranslations(f)._catalog  # noqa: private but stable since Python 2
        except Exception:
            continue
        domain = Path(path).stem
        for k, v in cat.items():
            if isinstance(k, tuple) or not k or not v or k == v or "\x04" in k:
                continue
            if len(k) < 4:
                continue
            by_lang.setdefault(lang, []).append((domain, k, v))
    for lang in by_lang:
        by_lang[lang] = sorted(set(by_lang[lang]))
    return by_lang


def load_emoji() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(name, sequence) for fully-qualified emoji, and (group/subgroup, all its emoji) from emoji-test.txt."""
    items, groups = [], []
    group = sub = ""
    cur: list[str] = []
    for line in (UNICODE / "emoji" / "emoji-test.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("# group:"):
            group = line.split(":", 1)[1].strip()
        elif line.startswith("# subgroup:"):
            if cur:
                groups.append((f"{group} / {sub}", " ".join(cur)))
            sub, cur = line.split(":", 1)[1].strip(), []
        elif line and not line.startswith("#") and "; fully-qualified" in line:
            comment = line.split("#", 1)[1].strip()
            seq, _, rest = comment.partition(" ")
            name = rest.split(" ", 1)[1] if rest.startswith("E") else rest
            items.append((name, seq))
            cur.append(seq)
    if cur:
        groups.append((f"{group} / {sub}", " ".join(cur)))
    return items, groups


def load_unicode_names() -> list[tuple[str, str]]:
    out = []
    for line in (UNICODE / "UnicodeData.txt").read_text(encoding="utf-8").splitlines():
        fields = line.split(";")
        cp, name = int(fields[0], 16), fields[1]
        if name.startswith("<") or 0xD800 <= cp <= 0xDFFF:
            continue
        out.append((name, chr(cp)))
    return out


def insert_at_random(rng: random.Random, text: str, pool: list[str], n: int) -> str:
    chars = list(text)
    for _ in range(n):
        chars.insert(rng.randint(0, len(chars)), rng.choice(pool))
    return "".join(chars)


def add_combining(rng: random.Random, text: str, rate: float) -> str:
    out = []
    for ch in text:
        out.append(ch)
        if ch.isalpha() and rng.random() < rate:
            out.append(rng.choice(COMBINING))
    return "".join(out)


def glued_word(rng: random.Random, words: list[str], length: int) -> str:
    """Concatenates real words (no spaces/punctuation) until exactly `length` code points."""
    s = ""
    while len(s) < length:
        s += rng.choice(words)
    return s[:length]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=PAIRS)
    ap.add_argument("--dev", type=Path, default=DEMO_MODEL / "dev.jsonl.gz")
    args = ap.parse_args()
    rng = random.Random(SEED)
    cats: dict[str, list[dict]] = {}

    def add(cat: str, a: str, b: str, src: str) -> None:
        cats.setdefault(cat, []).append({"a": a, "b": b, "src": src})

    # --- Debian English (demo model's held-out set) ---
    with gzip.open(args.dev, "rt", encoding="utf-8") as f:
        dev = [json.loads(line) for line in f]
    for r in dev[:1300]:
        add("debian-en", r["q"], r["p"], "debian-en:dev")
    for i in range(300):
        x, y = rng.sample(range(len(dev)), 2)
        add("mismatch", dev[x]["q"], dev[y]["p"], "debian-en:dev-mismatch")

    # --- Debian translations ---
    trans = load_translations()
    en_by_pkg = {r["pkg"]: r for r in trans.get("en", [])}
    all_trans: list[dict] = []
    for lang, rows in sorted(trans.items()):
        if lang == "en":
            continue
        picked = rng.sample(rows, min(TRANSLATION_CAP, len(rows)))
        all_trans.extend(picked)
        for r in picked:
            add("debian-i18n", r["q"], r["p"], f"debian-i18n:{lang}")
        for _ in range(min(30, len(rows) // 2)):
            x, y = rng.sample(rows, 2)
            add("mismatch", x["q"], y["p"], f"debian-i18n-mismatch:{lang}")
        for r in picked[:15]:
            en = en_by_pkg.get(r["pkg"])
            if en:
                add("xlang", en["q"], r["p"], f"debian-xlang:en-{lang}")
                add("xlang", r["q"], en["p"], f"debian-xlang:{lang}-en")

    # --- gettext catalogues ---
    gt = load_gettext()
    for lang, rows in sorted(gt.items()):
        longish = [r for r in rows if len(r[1]) >= 25]
        pool = longish if len(longish) >= GETTEXT_CAP else rows
        for domain, msgid, msgstr in rng.sample(pool, min(GETTEXT_CAP, len(pool))):
            if rng.random() < 0.5:
                add("gettext", msgid, msgstr, f"gettext:{domain}:{lang}")
            else:
                add("gettext", msgstr, msgid, f"gettext:{domain}:{lang}")

    # --- Unicode data ---
    emoji, groups = load_emoji()
    for name, seq in rng.sample(emoji, 350):
        add("emoji", name, seq, "unicode:emoji-test")
    for heading, seqs in groups:
        add("emoji", heading, seqs, "unicode:emoji-test-subgroup")
    names = load_unicode_names()
    for name, ch in rng.sample(names, 300):
        add("unicode-name", name, ch, "unicode:UnicodeData")
    blocks: dict[str, list[tuple[str, str]]] = {}
    for name, ch in names:
        blocks.setdefault(name.split(" ")[0], []).append((name, ch))
    for script in sorted(blocks)[:: max(1, len(blocks) // 60)]:
        chars = "".join(c for _, c in blocks[script][:200])
        add("unicode-name", script.lower() + " characters", chars, "unicode:UnicodeData-run")

    # --- Edge cases derived from the real text above ---
    base = [r for c in ("debian-en", "debian-i18n", "gettext") for r in cats[c]]
    words = sorted({w for r in cats["debian-en"] for w in re.findall(r"[A-Za-z]{3,}", r["b"])})
    intl_words = sorted({w for r in all_trans for w in r["p"].split() if len(w) >= 3 and w.isalpha()})
    for _ in range(250):
        r = rng.choice(base)
        add("edge-ctrl", insert_at_random(rng, r["a"], ODD_CHARS, rng.randint(1, 6)),
            insert_at_random(rng, r["b"], ODD_CHARS, rng.randint(1, 25)), "edge:ctrl(" + r["src"] + ")")
    for _ in range(120):
        r = rng.choice(base)
        add("edge-combining", add_combining(rng, r["a"], 0.3), add_combining(rng, r["b"], 0.1),
            "edge:combining(" + r["src"] + ")")
    accented = [r for r in base if any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", r["a"] + r["b"]))]
    for r in rng.sample(accented, min(120, len(accented))):
        form = rng.choice(["NFD", "NFKD", "NFKC"])
        add("edge-nfd", unicodedata.normalize(form, r["a"]), unicodedata.normalize(form, r["b"]),
            f"edge:{form.lower()}(" + r["src"] + ")")
    for length in (99, 100, 101, 102, 120, 150, 200, 333, 1000):
        for pool in (words, intl_words):
            r = rng.choice(base)
            w = glued_word(rng, pool, length)
            add("edge-longword", r["a"] + " " + w, w + " " + r["b"] + " " + w.upper(), f"edge:longword{length}")
    for _ in range(80):
        r = rng.choice(base)
        n = rng.choice([100, 101, 130, 260])
        w = glued_word(rng, rng.choice([words, intl_words]), n)
        pos = r["b"].find(" ", rng.randint(0, max(0, len(r["b"]) - 1)))
        b = r["b"] + " " + w if pos < 0 else r["b"][:pos] + " " + w + r["b"][pos:]
        add("edge-longword", r["a"], b, f"edge:longword-in-text({r['src']})")
    for ws in WHITESPACE_ONLY:
        r = rng.choice(base)
        add("edge-empty", ws, r["b"], "edge:blank-query")
        add("edge-empty", r["a"], ws, "edge:blank-passage")
    for ws in ["", "", " ", "\x00"]:
        add("edge-empty", "", ws, "edge:blank-both")
        add("edge-empty", ws, "", "edge:blank-both")
    for _ in range(20):
        r = rng.choice(base)
        add("edge-empty", "", r["b"], "edge:empty-query")
        add("edge-empty", r["a"], "", "edge:empty-passage")
    long_pool = [r for r in dev] + all_trans
    for i in range(220):
        k = rng.randint(4, 14)
        chunk = rng.sample(long_pool, k)
        passage = "\n\n".join(x["p"] for x in chunk)
        if i % 3 == 0:  # long query too, so longest_first has to trim both sides
            query = " ".join(x["q"] + "." for x in rng.sample(long_pool, rng.randint(20, 60)))
            add("edge-long", query, passage, "edge:long-both")
        elif i % 3 == 1:
            add("edge-long", chunk[0]["q"], passage, "edge:long-passage")
        else:
            query = " ".join(x["q"] + "." for x in rng.sample(long_pool, rng.randint(30, 80)))
            add("edge-long", query, chunk[0]["q"], "edge:long-query")
    for _ in range(150):
        r = rng.choice(base)
        seqs = [rng.choice(emoji)[1] for _ in range(rng.randint(1, 8))]
        add("edge-emoji", insert_at_random(rng, r["a"], seqs[:2], 1),
            insert_at_random(rng, r["b"], seqs, len(seqs)), "edge:emoji-in-text(" + r["src"] + ")")
    for _ in range(80):
        r = rng.choice(base)
        add("edge-case", r["a"].upper(), r["b"].swapcase() if rng.random() < 0.5 else r["b"].title(),
            "edge:case(" + r["src"] + ")")

    # --- ordering: a category round-robin head, then a seeded shuffle of the rest ---
    order = sorted(cats)
    for c in order:
        rng.shuffle(cats[c])
    head = []
    for _ in range(5):
        for c in order:
            if cats[c]:
                head.append(cats[c].pop())
    rest = [r for c in order for r in cats[c]]
    rng.shuffle(rest)
    rows = head + rest
    write_jsonl_gz(args.out, rows)
    by_src: dict[str, int] = {}
    for r in rows:
        by_src[r["src"].split(":")[0].split("(")[0]] = by_src.get(r["src"].split(":")[0].split("(")[0], 0) + 1
    print(len(rows), "pairs ->", args.out, os.path.getsize(args.out), "bytes;", by_src)


if __name__ == "__main__":
    main()
