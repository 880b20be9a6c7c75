"""public/datasets/reverse-words.jsonl: 2-4 words in, the same words in reverse order out (free text).

The demo model saw "Reverse: <words>\nOutput: <reversed>" (and "Repeat:", "First:") in its corpus
(tools/demo-model/corpus.py); the sample's template ("Words: {input}\nOutput:") leaves out which of the three is
meant. Exact match is all or nothing on three or four words; token F1 ignores order (repeating the words scores 1),
ROUGE-L and chrF see the order: the metrics tell an untuned model that repeats or stops after one word from a
tuned prompt that reverses. Run: python3 tools/datasets/reverse_words.py > public/datasets/reverse-words.jsonl
"""
import json
import random
import sys

sys.path.insert(0, "tools/demo-model")
from corpus import WORDS  # noqa: E402  the demo model's own vocabulary of words

R = random.Random(15)
seen = set()
rows = []
while len(rows) < 72:
    ws = R.sample(WORDS, R.randint(2, 4))
    if " ".join(ws) in seen:
        continue
    seen.add(" ".join(ws))
    rows.append({"input": " ".join(ws), "output": " ".join(ws[::-1]), "split": "train" if len(rows) < 48 else "validation"})
for r in rows:
    print(json.dumps(r))
