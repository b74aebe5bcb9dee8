"""Reads the Unicode Character Database files that gen_unicode_tables.py needs (Debian's /usr/share/unicode).

Kept separate from the generator so the HF sweep checker can reuse the same parsed data.
"""
import os

UCD_DIR = os.environ.get("UCD_DIR", "/usr/share/unicode")
MAX_CP = 0x110000


def _lines(name):
    with open(os.path.join(UCD_DIR, name), encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                yield [field.strip() for field in line.split(";")]


def _cp_range(text):
    if ".." in text:
        lo, hi = text.split("..")
        return range(int(lo, 16), int(hi, 16) + 1)
    return range(int(text, 16), int(text, 16) + 1)


class UCD:
    def __init__(self):
        self.category = {}    # cp -> general category (absent: Cn)
        self.ccc = {}         # cp -> canonical combining class (absent: 0)
        self.decomp = {}      # cp -> canonical decomposition (one level), list of cps
        self.simple_lower = {}
        pending_first = None
        for f in _lines("UnicodeData.txt"):
            cp = int(f[0], 16)
            name, gc = f[1], f[2]
            if name.endswith(", First>"):
                pending_first = cp
                continue
            cps = range(pending_first, cp + 1) if name.endswith(", Last>") else [cp]
            pending_first = None
            for c in cps:
                self.category[c] = gc
                if int(f[3]):
                    self.ccc[c] = int(f[3])
            if f[5] and not f[5].startswith("<"):
                self.decomp[cp] = [int(x, 16) for x in f[5].split()]
            if f[13]:
                self.simple_lower[cp] = int(f[13], 16)
        # Unconditional full lowercase mappings (SpecialCasing entries without a condition field).
        self.full_lower = {c: [m] for c, m in self.simple_lower.items()}
        for f in _lines("SpecialCasing.txt"):
            if len(f) > 4 and f[4]:
                continue  # conditional (language / context); Rust's char::to_lowercase ignores these
            cp = int(f[0], 16)
            lower = [int(x, 16) for x in f[1].split()]
            if lower != [cp]:
                self.full_lower[cp] = lower
            else:
                self.full_lower.pop(cp, None)
        self.age = {}  # cp -> (major, minor) version that assigned it
        for f in _lines("DerivedAge.txt"):
            major, minor = (int(x) for x in f[1].split("."))
            for c in _cp_range(f[0]):
                self.age[c] = (major, minor)
        self.white_space = set()
        for f in _lines("PropList.txt"):
            if f[1] == "White_Space":
                self.white_space.update(_cp_range(f[0]))

    def assigned_in(self, cp, version):
        """True when cp was assigned in Unicode `version` (a (major, minor) tuple) or earlier."""
        age = self.age.get(cp)
        return age is not None and age <= version

    def gc(self, cp, version):
        """General category as a crate embedding Unicode `version` sees it (later code points are Cn)."""
        if not self.assigned_in(cp, version):
            return "Cn"
        return self.category.get(cp, "Cn")
