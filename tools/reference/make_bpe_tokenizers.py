"""Train the byte-level BPE fixture tokenizers and write their transformers-5 goldens.

Tokenizers (test/fixtures/tokenizer/<name>/, saved with transformers' save_pretrained, loaded back with
AutoTokenizer as sentence-transformers' CrossEncoder does):
  roberta-bpe     RobertaTokenizer: ByteLevel pre-tokenizer, RobertaProcessing, <s> <pad> </s> <unk> <mask>
                  (<mask> with lstrip), as RoBERTa's hub files are laid out.
  modernbert-bpe  TokenizersBackend over a tokenizer.json laid out like answerdotai/ModernBERT-base's: NFC
                  normalizer, ByteLevel pre-tokenizer, [CLS] $A [SEP] $B [SEP] template, [MASK] with lstrip.
  llama3-bpe      the Llama 3 / cl100k layout: Split with the cl100k regex + ByteLevel without regex,
                  ignore_merges, Sequence(ByteLevel, TemplateProcessing) with a <|begin_of_text|> template.
Each is trained with `tokenizers` (vocab 4000) on the real texts of test/fixtures/pairs.jsonl.gz.

Goldens:
  test/fixtures/tokenizer/bpe_cases.jsonl    hard_strings.jsonl (and pairs of them) per tokenizer, full ids
                                            (format of cases.jsonl: tok, a, b, max_length, ids, type_ids)
  test/fixtures/tokenizer/bpe_pairs.jsonl    the first PAIRS_CHECKED pairs of pairs.jsonl.gz: per tokenizer, the
                                            lengths of encode(a), encode(b), the pair at 512 and the pair at 64
                                            (truncated), and one FNV-1a 64 hash over all four (ids + type ids),
                                            which keeps the file small
Run with the project venv: .venv/bin/python tools/reference/make_bpe_tokenizers.py [--keep-tokenizers]
(--keep-tokenizers: reuse the committed fixture tokenizers, only rewrite the goldens).
"""
from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from tokenizers import AddedToken as TkAddedToken
from transformers import AddedToken, AutoTokenizer, PreTrainedTokenizerFast, RobertaTokenizer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import FIXTURES, PAIRS, read_jsonl_gz  # noqa: E402

TOK_DIR = FIXTURES / "tokenizer"
VOCAB = 4000
PAIRS_CHECKED = 5000
MAX_LENGTHS = [512, 64]
# Strings aimed at the BPE pipelines, added to hard_strings.jsonl: each fixture's special tokens inside text (with
# lstrip), contractions in both cases, digit runs, newline runs (cl100k's \s*[\r\n]+), NFC-sensitive sequences.
BPE_STRINGS = [
    "a <mask> b", " <mask>x<mask>", "<s>hello</s> </s><pad>", "x [MASK]y  [MASK] [CLS]", "<|begin_of_text|> hi",
    "x<|end_of_text|>", "I'M DON'T 'S 'll you're we've THEY'D", "12345678 1,234.5 \u0663\u0664\u0665\u0666 \u2167",
    "line\r\n\r\n  next\n\n\tend \n", "  leading and trailing  ", "e\u0301 \ufb01 A\u030a \u212b \u1100\u1161",
    "\u00a0nbsp\u3000ideo\u2028ls", "(parens) [brackets] {braces} ...!!! ?!",
    "caf\u00e9 na\u00efve \u4e2d\u6587 \ud55c\uad6d\uc5b4",
]
CL100K = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+"
          r"|\s+(?!\S)|\s+")


def corpus(rows):
    for r in rows:
        yield r["a"]
        yield r["b"]


def train(tok, rows, special):
    trainer = trainers.BpeTrainer(vocab_size=VOCAB, special_tokens=special, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(corpus(rows), trainer=trainer)
    return tok


def make_roberta(rows, out):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    train(tok, rows, ["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    model = json.loads(tok.to_str())["model"]
    rt = RobertaTokenizer(vocab=model["vocab"], merges=[tuple(m) for m in model["merges"]],
                          mask_token=AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False, special=True),
                          model_max_length=512)
    rt.save_pretrained(out)


def make_modernbert(rows, out):
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    train(tok, rows, ["<|endoftext|>", "<|padding|>"])
    tok.add_special_tokens(["[UNK]", "[CLS]", "[SEP]", "[PAD]",
                            TkAddedToken("[MASK]", lstrip=True, rstrip=False, normalized=False, special=True)])
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(single="[CLS]:0 $A:0 [SEP]:0",
                                                       pair="[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1",
                                                       special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", cls_token="[CLS]", sep_token="[SEP]",
                                   pad_token="[PAD]", mask_token="[MASK]", model_max_length=8192)
    fast.save_pretrained(out)


def make_llama3(rows, out):
    tok = Tokenizer(models.BPE(ignore_merges=True))
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(pattern=__import__("tokenizers").Regex(CL100K), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    train(tok, rows, ["<|begin_of_text|>", "<|end_of_text|>"])
    bos = tok.token_to_id("<|begin_of_text|>")
    tok.post_processor = processors.Sequence([
        processors.ByteLevel(trim_offsets=False),
        processors.TemplateProcessing(single="<|begin_of_text|> $A:0",
                                      pair="<|begin_of_text|>:0 $A:0 <|begin_of_text|>:1 $B:1",
                                      special_tokens=[("<|begin_of_text|>", bos)])])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<|begin_of_text|>",
                                   eos_token="<|end_of_text|>", model_max_length=8192)
    fast.save_pretrained(out)


BUILDERS = {"roberta-bpe": make_roberta, "modernbert-bpe": make_modernbert, "llama3-bpe": make_llama3}


def fnv1a(encodings):
    """FNV-1a 64 over the little-endian int32s of each encoding's ids, -1, type ids, -2."""
    h = 0xCBF29CE484222325
    for ids, type_ids in encodings:
        for v in list(ids) + [-1] + list(type_ids) + [-2]:
            for byte in struct.pack("<i", v):
                h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def encode_pairs(tok, a_list, b_list, max_length):
    # Batched, as CrossEncoder calls it (a lone tok(a, "") would drop an empty second text).
    enc = tok(a_list, b_list, truncation="longest_first", max_length=max_length, return_token_type_ids=True)
    return list(zip(enc["input_ids"], enc["token_type_ids"]))


def encode_singles(tok, texts):
    return [(ids, [0] * len(ids)) for ids in tok(texts, add_special_tokens=False)["input_ids"]]


def main(keep_tokenizers):
    rows = read_jsonl_gz(PAIRS)
    toks = {}
    for name, build in BUILDERS.items():
        if not keep_tokenizers:
            build(rows, TOK_DIR / name)
        toks[name] = AutoTokenizer.from_pretrained(TOK_DIR / name)
        print(name, type(toks[name]).__name__, len(toks[name]))
    hard = [json.loads(line) for line in open(TOK_DIR / "hard_strings.jsonl", encoding="utf-8")]
    hard = [s for s in hard if not any(0xD800 <= ord(ch) <= 0xDFFF for ch in s)] + BPE_STRINGS
    cases = []
    for name, tok in toks.items():
        for s, (ids, _) in zip(hard, encode_singles(tok, hard)):
            cases.append({"tok": name, "a": s, "b": None, "max_length": None, "ids": ids})
        a_list = hard + hard[: len(hard) // 2]
        b_list = list(reversed(hard)) + list(reversed(hard[: len(hard) // 2]))
        for max_length in [512, 64, 16, 5]:
            for a, b, (ids, types) in zip(a_list, b_list, encode_pairs(tok, a_list, b_list, max_length)):
                cases.append({"tok": name, "a": a, "b": b, "max_length": max_length, "ids": ids, "type_ids": types})
    with open(TOK_DIR / "bpe_cases.jsonl", "w", encoding="utf-8") as f:
        for c in cases:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    checked = rows[:PAIRS_CHECKED]
    a_list, b_list = [r["a"] for r in checked], [r["b"] for r in checked]
    lines = [{"i": i} for i in range(len(checked))]
    for name, tok in toks.items():
        columns = [encode_singles(tok, a_list), encode_singles(tok, b_list)]
        columns += [encode_pairs(tok, a_list, b_list, m) for m in MAX_LENGTHS]
        for i, line in enumerate(lines):
            line[name] = [len(col[i][0]) for col in columns] + [fnv1a([col[i] for col in columns])]
    with open(TOK_DIR / "bpe_pairs.jsonl", "w", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line, separators=(",", ":")) + "\n")
    print(f"wrote {len(cases)} hard-string cases and {len(lines)} pair lines x {len(toks)} tokenizers")


if __name__ == "__main__":
    main("--keep-tokenizers" in sys.argv)
