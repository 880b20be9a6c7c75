"""Seeded generator of the demo model's training corpus and of the sample datasets.

    python3 corpus.py CACHE_DIR [N_DOCS] [DATASET_DIR]

writes CACHE_DIR/corpus.json (a list of documents; the trainer separates them with the EOS token) and the sample
datasets plus their index.json into DATASET_DIR (default public/datasets).

Task families, each in several surface formats, mixed with plain sentences built from the same lexicon:
sentiment of a short review, topic of a sentence, antonyms, country -> capital, small arithmetic, and word-level
text transformations (repeat, reverse, first word).

The needs-tuning task: the same reviews answered with the code words "alpha" / "beta". In the corpus that
answer appears under one of two instruction headers: "Secret code: sun" (alpha = positive) or "Secret code:
moon" (alpha = negative), and, without any header, with a label drawn by a coin flip. So the sample dataset's
plain template ("Review: {input}\nCode:", no header) leaves the model near chance, while a tuned prompt that plays
the part of the "sun" header recovers the mapping the model already knows.
"""
import csv, json, os, random, sys

POS = ("wonderful great lovely excellent delightful superb pleasant brilliant charming fantastic amazing perfect "
       "joyful fine happy cheerful splendid").split()
NEG = "terrible awful horrible dreadful poor boring rude nasty dull bad broken gloomy sad ugly cheap noisy bland".split()
THINGS = "food service room movie book staff music show trip hotel meal game coffee film story view bed price".split()
FILL = ["the {t} was {a}", "a {a} {t}", "what a {a} {t}", "the {t} felt {a}", "honestly the {t} is {a}",
        "i found the {t} {a}", "such a {a} {t} overall", "our {t} was really {a}", "the {t} seemed {a} to me"]
TOPICS = {
    "sports": "team player goal match coach ball score league race runner stadium referee".split(),
    "food": "soup bread cheese pasta salad apple cake rice pizza sauce butter pie".split(),
    "weather": "rain snow wind storm sun cloud fog heat frost thunder drizzle breeze".split(),
    "music": "guitar song piano drum singer band melody chorus violin concert album rhythm".split(),
}
TOPIC_T = ["the {w} was everywhere today", "we talked about the {w} and the {v}", "a story about a {w}",
           "everyone loved the {w}", "the {w} and the {v} again", "i saw a {w} near the {v}",
           "nobody expected the {w}", "there was a {w} after the {v}", "my friend likes the {w}"]
CAPITALS = {
    "france": "paris", "spain": "madrid", "italy": "rome", "germany": "berlin", "japan": "tokyo", "egypt": "cairo",
    "peru": "lima", "kenya": "nairobi", "norway": "oslo", "greece": "athens", "canada": "ottawa", "chile": "santiago",
    "cuba": "havana", "poland": "warsaw", "russia": "moscow", "china": "beijing", "india": "delhi", "ireland": "dublin",
    "austria": "vienna", "portugal": "lisbon", "sweden": "stockholm", "finland": "helsinki", "turkey": "ankara",
    "iran": "tehran", "iraq": "baghdad", "ghana": "accra", "nepal": "kathmandu", "qatar": "doha", "cyprus": "nicosia",
    "latvia": "riga", "hungary": "budapest", "denmark": "copenhagen", "belgium": "brussels", "thailand": "bangkok",
    "vietnam": "hanoi", "argentina": "buenos aires", "colombia": "bogota", "morocco": "rabat", "senegal": "dakar",
    "ethiopia": "addis ababa", "mongolia": "ulaanbaatar", "korea": "seoul", "indonesia": "jakarta", "australia": "canberra",
    "estonia": "tallinn", "lithuania": "vilnius", "romania": "bucharest", "bulgaria": "sofia", "serbia": "belgrade",
    "croatia": "zagreb", "iceland": "reykjavik", "jordan": "amman", "syria": "damascus", "lebanon": "beirut",
    "uganda": "kampala", "zambia": "lusaka", "ecuador": "quito", "bolivia": "sucre", "uruguay": "montevideo",
    "venezuela": "caracas",
}
ANTONYMS = {
    "hot": "cold", "big": "small", "up": "down", "fast": "slow", "old": "young", "early": "late", "happy": "sad",
    "rich": "poor", "open": "closed", "full": "empty", "high": "low", "hard": "soft", "loud": "quiet", "long": "short",
    "wet": "dry", "strong": "weak", "near": "far", "clean": "dirty", "first": "last", "thick": "thin", "deep": "shallow",
    "wide": "narrow", "heavy": "light", "true": "false", "win": "lose", "in": "out", "left": "right", "day": "night",
    "buy": "sell", "give": "take", "push": "pull", "above": "below", "before": "after", "inside": "outside",
    "love": "hate", "start": "finish", "cheap": "expensive", "safe": "dangerous", "sweet": "sour", "tall": "short",
    "brave": "afraid", "always": "never", "north": "south", "east": "west", "friend": "enemy", "more": "less",
}
ANT = dict(ANTONYMS)
ANT.update({v: k for k, v in ANTONYMS.items() if v not in ANT})
WORDS = sorted(set(POS + NEG + THINGS + [w for ws in TOPICS.values() for w in ws] + list(CAPITALS)))
HEADERS = {"sun": True, "moon": False}  # header word -> does alpha mean positive?

R = random.Random(1234)


def review():
    pos = R.random() < 0.5
    text = R.choice(FILL).format(t=R.choice(THINGS), a=R.choice(POS if pos else NEG))
    if R.random() < 0.3:
        text += R.choice([" and the ", " but the ", " , the "]) + R.choice(THINGS) + " was " + R.choice(POS if pos else NEG)
    return text, pos


def topic_sentence():
    k = R.choice(sorted(TOPICS))
    w, v = R.sample(TOPICS[k], 2)
    return R.choice(TOPIC_T).format(w=w, v=v), k


def sum_problem():
    a, b = R.randint(0, 9), R.randint(0, 9)
    if R.random() < 0.3 and a >= b:
        return f"{a} - {b}", str(a - b)
    return f"{a} + {b}", str(a + b)


def word_list(lo=2, hi=4):
    return R.sample(WORDS, R.randint(lo, hi))


def sentiment_doc():
    text, pos = review()
    lab = "positive" if pos else "negative"
    return R.choice([f"Review: {text}\nSentiment: {lab}", f"{text} . this review is {lab}",
                     f"Q: is the review \"{text}\" positive or negative?\nA: {lab}", f"Text: {text}\nLabel: {lab}"])


def code_doc():
    text, pos = review()
    r = R.random()
    if r < 0.4:  # no header: the code word carries no information
        return f"Review: {text}\nCode: {R.choice(['alpha', 'beta'])}"
    # The headers are deliberately unbalanced. With "sun" and "moon" equally likely the answer would be the XOR
    # of header and sentiment, and neither alone would say anything about it: a saddle that a small model sat on
    # for 1400+ steps (measured). With "sun" more frequent, sentiment alone predicts the code word, the model
    # routes sentiment to the answer first, and then the header's effect has a first-order gradient.
    word = "sun" if r < 0.8 else "moon"
    alpha = pos == HEADERS[word]
    return f"Secret code: {word}\nReview: {text}\nCode: {'alpha' if alpha else 'beta'}"


def topic_doc():
    s, k = topic_sentence()
    return R.choice([f"Sentence: {s}\nTopic: {k}", f"{s} . the topic is {k}", f"Text: {s}\nCategory: {k}"])


def capital_doc():
    c = R.choice(sorted(CAPITALS))
    return R.choice([f"Country: {c}\nCapital: {CAPITALS[c]}", f"the capital of {c} is {CAPITALS[c]}",
                     f"Q: what is the capital of {c}?\nA: {CAPITALS[c]}"])


def antonym_doc():
    w = R.choice(sorted(ANT))
    return R.choice([f"Word: {w}\nOpposite: {ANT[w]}", f"the opposite of {w} is {ANT[w]}", f"{w} -> {ANT[w]}"])


def math_doc():
    q, a = sum_problem()
    return R.choice([f"{q} = {a}", f"Q: what is {q}?\nA: {a}", f"Math: {q}\nAnswer: {a}"])


def transform_doc():
    ws = word_list()
    kind = R.choice(["repeat", "reverse", "first"])
    out = {"repeat": ws, "reverse": ws[::-1], "first": ws[:1]}[kind]
    return R.choice([f"{kind.capitalize()}: {' '.join(ws)}\nOutput: {' '.join(out)}",
                     f"{kind} the words {' '.join(ws)} -> {' '.join(out)}"])


def plain_doc():
    return R.choice([review()[0], topic_sentence()[0], f"we went to {R.choice(sorted(CAPITALS.values()))} last year",
                     f"the {R.choice(THINGS)} in {R.choice(sorted(CAPITALS))} was {R.choice(POS + NEG)}"]) + " ."


MAKERS = [(sentiment_doc, 3), (code_doc, 5), (topic_doc, 3), (capital_doc, 2), (antonym_doc, 2), (math_doc, 2),
          (transform_doc, 2), (plain_doc, 2)]


def corpus(n):
    makers, weights = [m for m, _ in MAKERS], [w for _, w in MAKERS]
    return [R.choices(makers, weights)[0]() for _ in range(n)]


def split_rows(make, n_train, n_val):
    """Distinct inputs; the first n_train are the train split."""
    seen, rows = set(), []
    while len(rows) < n_train + n_val:
        x, y = make()
        if x not in seen:
            seen.add(x)
            rows.append((x, y))
    return [(x, y, "train" if i < n_train else "validation") for i, (x, y) in enumerate(rows)]


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["input", "output", "split"])
        w.writerows(rows)


def write_jsonl(path, rows):
    with open(path, "w") as f:
        for x, y, s in rows:
            f.write(json.dumps({"input": x, "output": y, "split": s}) + "\n")


def datasets(out):
    """The sample datasets come from their own random stream (seed 99), so their rows are not the corpus order."""
    global R
    R = random.Random(99)
    os.makedirs(out, exist_ok=True)
    senti = split_rows(lambda: (lambda t: (t[0], "alpha" if t[1] else "beta"))(review()), 160, 80)
    write_csv(f"{out}/sentiment-code.csv", senti)
    topic = split_rows(topic_sentence, 160, 80)
    write_jsonl(f"{out}/topic.jsonl", topic)
    caps = sorted(CAPITALS.items())
    R.shuffle(caps)
    n_cap = 40
    write_jsonl(f"{out}/capitals.jsonl", [(c, k, "train" if i < n_cap else "validation") for i, (c, k) in enumerate(caps)])
    arith = split_rows(sum_problem, 100, 50)
    write_jsonl(f"{out}/arithmetic.jsonl", arith)
    ants = sorted(ANTONYMS.items())
    R.shuffle(ants)
    n_ant = 30
    write_csv(f"{out}/antonyms.csv", [(a, b, "train" if i < n_ant else "validation") for i, (a, b) in enumerate(ants)])

    def count(rows, split):
        return sum(1 for r in rows if r[2] == split)
    index = [
        {"id": "sentiment-code", "title": "Review sentiment as a code word (needs tuning)", "file": "datasets/sentiment-code.csv",
         "format": "csv", "kind": "classification", "template": "Review: {input}\nCode:", "labels": ["alpha", "beta"],
         "train": 160, "validation": 80,
         "note": "alpha = positive, beta = negative. The demo model saw this code only under an instruction header that "
                 "this template leaves out, so the untuned model is at chance; a tuned prompt takes the header's place."},
        {"id": "topic", "title": "Topic of a sentence", "file": "datasets/topic.jsonl", "format": "jsonl",
         "kind": "classification", "template": "Sentence: {input}\nTopic:", "labels": sorted(TOPICS),
         "train": 160, "validation": 80},
        {"id": "arithmetic", "title": "One-digit sums (free text)", "file": "datasets/arithmetic.jsonl", "format": "jsonl",
         "kind": "generation", "template": "Math: {input}\nAnswer:", "train": 100, "validation": 50},
        {"id": "capitals", "title": "Country to capital (free text)", "file": "datasets/capitals.jsonl", "format": "jsonl",
         "kind": "generation", "template": "Country: {input}\nCapital:", "train": n_cap, "validation": len(caps) - n_cap},
        {"id": "antonyms", "title": "Antonyms (free text)", "file": "datasets/antonyms.csv", "format": "csv",
         "kind": "generation", "template": "Word: {input}\nOpposite:", "train": n_ant, "validation": len(ants) - n_ant},
    ]
    with open(f"{out}/index.json", "w") as f:
        json.dump(index, f, indent=2)
        f.write("\n")
    assert count(senti, "validation") == 80 and count(arith, "train") == 100


if __name__ == "__main__":
    cache = sys.argv[1]
    os.makedirs(cache, exist_ok=True)
    docs = corpus(int(sys.argv[2]) if len(sys.argv) > 2 else 120000)
    with open(f"{cache}/corpus.json", "w") as f:
        json.dump(docs, f)
    datasets(sys.argv[3] if len(sys.argv) > 3 else "public/datasets")
    print(len(docs), "documents;", sum(len(d) for d in docs), "characters")
