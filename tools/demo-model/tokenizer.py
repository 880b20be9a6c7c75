"""A small byte-level BPE tokenizer for the demo model (GPT-2 style), trained here and written as a Hugging Face
tokenizer.json + tokenizer_config.json that @huggingface/transformers loads.

    python3 tokenizer.py CACHE_DIR OUT_DIR [VOCAB_SIZE]

Reads CACHE_DIR/corpus.json, writes OUT_DIR/tokenizer.json, OUT_DIR/tokenizer_config.json and
CACHE_DIR/tokenizer-samples.json (strings with the ids this module gives them, for check-tokenizer.mjs).

Pipeline, identical to HF `tokenizers` with ByteLevel(add_prefix_space=false, use_regex=true) + BPE + ByteLevel
decoder: split with the GPT-2 regex, map every UTF-8 byte to a printable character (bytes_to_unicode), then apply
merges by rank. The 256 byte symbols are all in the vocabulary, so any text encodes without an unknown token.
"""
import collections, json, os, re, sys

# GPT-2's split, 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+, in the standard `re`
# module (Debian's python3 has no `regex`): \p{L} = [^\W\d_], \p{N} = \d, the rest = [^\s\w] or "_". Exact for
# ASCII and common letters; it differs only on non-decimal numerals (e.g. "²"), which the corpus never has.
GPT2_SPLIT = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+""")
EOS, PAD = "<|endoftext|>", "<|pad|>"


def bytes_to_unicode():
    """GPT-2's reversible byte -> printable character table."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


B2U = bytes_to_unicode()
U2B = {c: b for b, c in B2U.items()}


def pre_tokenize(text):
    return ["".join(B2U[b] for b in piece.encode("utf-8")) for piece in GPT2_SPLIT.findall(text)]


def train(texts, vocab_size):
    words = collections.Counter(w for t in texts for w in pre_tokenize(t))
    splits = {w: list(w) for w in words}
    vocab = [B2U[b] for b in range(256)]
    merges = []
    n_merges = vocab_size - 256 - 2  # two special tokens at the end
    while len(merges) < n_merges:
        pairs = collections.Counter()
        for w, c in words.items():
            s = splits[w]
            for i in range(len(s) - 1):
                pairs[s[i], s[i + 1]] += c
        if not pairs:
            break
        # most frequent pair; ties broken by the pair itself so the result is deterministic
        (a, b), cnt = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
        if cnt < 2:
            break
        merges.append((a, b))
        vocab.append(a + b)
        for w in words:
            s = splits[w]
            i, out = 0, []
            while i < len(s):
                if i < len(s) - 1 and s[i] == a and s[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            splits[w] = out
    vocab += [EOS, PAD]
    return {t: i for i, t in enumerate(vocab)}, merges


class Tokenizer:
    def __init__(self, vocab, merges):
        self.vocab, self.merges = vocab, merges
        self.ranks = {tuple(m): i for i, m in enumerate(merges)}
        self.inv = {i: t for t, i in vocab.items()}
        self.eos_id, self.pad_id = vocab[EOS], vocab[PAD]
        self.cache = {}

    @classmethod
    def load(cls, path):
        model = json.load(open(path))["model"]
        return cls(model["vocab"], [m.split(" ") if isinstance(m, str) else m for m in model["merges"]])

    def bpe(self, word):
        if word in self.cache:
            return self.cache[word]
        s = list(word)
        while len(s) > 1:
            best = min(range(len(s) - 1), key=lambda i: self.ranks.get((s[i], s[i + 1]), 1 << 30))
            if (s[best], s[best + 1]) not in self.ranks:
                break
            a, b = s[best], s[best + 1]
            i, out = 0, []
            while i < len(s):  # merge every occurrence of the best pair, left to right (as GPT-2 does)
                if i < len(s) - 1 and s[i] == a and s[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            s = out
        self.cache[word] = s
        return s

    def encode(self, text):
        return [self.vocab[p] for w in pre_tokenize(text) for p in self.bpe(w)]

    def decode(self, ids):
        return bytes(U2B[c] for i in ids if i < 256 + len(self.merges) for c in self.inv[i]).decode("utf-8", "replace")


def tokenizer_json(vocab, merges):
    special = [{"id": vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
                "special": True} for t in (EOS, PAD)]
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": special, "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "", "end_of_word_suffix": "",
                  "fuse_unk": False, "byte_fallback": False, "ignore_merges": False, "vocab": vocab,
                  "merges": [f"{a} {b}" for a, b in merges]},
    }


def tokenizer_config():
    return {"tokenizer_class": "GPT2Tokenizer", "model_max_length": 256, "bos_token": EOS, "eos_token": EOS,
            "unk_token": EOS, "pad_token": PAD, "add_bos_token": False, "add_prefix_space": False,
            "padding_side": "right", "clean_up_tokenization_spaces": False}


SAMPLES = ["Secret code: sun\nReview: the food was wonderful\nCode: alpha", " alpha", " beta", "Country: france\nCapital:",
           "the capital of argentina is buenos aires", "Math: 7 + 8\nAnswer: 15", "Zebra-crossing?! 42 don't  stop\n\n",
           "naïve café — 東京 🙂", "Review: a dull movie\nCode:"]

if __name__ == "__main__":
    cache, out = sys.argv[1], sys.argv[2]
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 1024
    docs = json.load(open(os.path.join(cache, "corpus.json")))
    vocab, merges = train(docs[:30000], size)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "tokenizer.json"), "w") as f:
        json.dump(tokenizer_json(vocab, merges), f, ensure_ascii=False)
    with open(os.path.join(out, "tokenizer_config.json"), "w") as f:
        json.dump(tokenizer_config(), f, indent=2)
        f.write("\n")
    tok = Tokenizer(vocab, merges)
    for s in SAMPLES:
        assert tok.decode(tok.encode(s)) == s, s
    with open(os.path.join(cache, "tokenizer-samples.json"), "w") as f:
        json.dump({"samples": [[s, tok.encode(s)] for s in SAMPLES]}, f, ensure_ascii=False)
    print(len(vocab), "tokens,", len(merges), "merges")
