"""A word-level WordPiece tokenizer for the demo model, written as a Hugging Face tokenizer.json that
@huggingface/transformers loads (python3 tokenizer.py CORPUS_JSON DATASET_DIR OUT_DIR).

Pipeline (the same in Python here and in transformers.js): Lowercase normaliser, `Whitespace` pre-tokeniser
(regex \\w+|[^\\w\\s]+, so newlines and spaces vanish), WordPiece with whole words in the vocabulary and single
characters (plus ##-continuations) as the fallback for unseen words, WordPiece decoder.
"""
import json, re, sys, os, glob, collections

SPECIAL = ["[PAD]", "[UNK]", "[EOS]", "[BOS]"]
SPLIT = re.compile(r"\w+|[^\w\s]+")
CHARS = list("abcdefghijklmnopqrstuvwxyz0123456789") + list(".,!?;:'\"()-/&%#@*+=<>_")

def pre_tokenize(text):
    return SPLIT.findall(text.lower())

def build_vocab(texts):
    counts = collections.Counter(w for t in texts for w in pre_tokenize(t))
    vocab = list(SPECIAL)
    for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if w not in vocab: vocab.append(w)
    for c in CHARS:
        for piece in (c, "##" + c):
            if piece not in vocab: vocab.append(piece)
    return {w: i for i, w in enumerate(vocab)}

def wordpiece(word, vocab):
    if word in vocab: return [vocab[word]]
    ids, start = [], 0
    while start < len(word):
        end, cur = len(word), None
        while start < end:
            piece = word[start:end] if start == 0 else "##" + word[start:end]
            if piece in vocab: cur = vocab[piece]; break
            end -= 1
        if cur is None: return [vocab["[UNK]"]]
        ids.append(cur); start = end
    return ids

def encode(text, vocab):
    return [i for w in pre_tokenize(text) for i in wordpiece(w, vocab)]

def tokenizer_json(vocab):
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True} for t in SPECIAL],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": None,
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "vocab": vocab},
    }

def tokenizer_config():
    return {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": 256, "pad_token": "[PAD]", "unk_token": "[UNK]",
            "eos_token": "[EOS]", "bos_token": "[BOS]", "padding_side": "right", "clean_up_tokenization_spaces": True}

if __name__ == "__main__":
    docs = json.load(open(sys.argv[1]))
    texts = list(docs)
    for path in glob.glob(os.path.join(sys.argv[2], "*.csv")) + glob.glob(os.path.join(sys.argv[2], "*.jsonl")):
        texts.append(open(path).read())
    texts += ["Review: Code: Sentence: Topic: Country: Capital: Word: Opposite: Classify the sentiment of this review :"]
    vocab = build_vocab(texts)
    os.makedirs(sys.argv[3], exist_ok=True)
    json.dump(tokenizer_json(vocab), open(os.path.join(sys.argv[3], "tokenizer.json"), "w"), ensure_ascii=False)
    json.dump(tokenizer_config(), open(os.path.join(sys.argv[3], "tokenizer_config.json"), "w"), indent=2)
    json.dump({"samples": [[t, encode(t, vocab)] for t in ["Review: the food was wonderful\nCode: alpha", "the capital of france is paris", "Zebra-crossing?! 42"]]},
              open(os.path.join(sys.argv[3], "..", "..", "..", "tools", ".cache", "tokenizer-samples.json"), "w"))
    print(len(vocab), "tokens")
