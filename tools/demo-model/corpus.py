"""Deterministic corpus and sample datasets for the bundled demo model (python3 corpus.py OUT_DIR).

Task families, each in several surface formats, mixed with plain sentences from the same lexicon:
  - sentiment of a short review (positive / negative), and the same reviews answered with code words
    ("alpha" / "beta") whose meaning depends on a header line: under "code a" alpha means positive, under
    "code b" alpha means negative. Without the header the code is a coin flip: that is the task prompt tuning
    has to learn (the sample dataset's plain template omits the header).
  - topic of a sentence (sports, food, weather, music)
  - country -> capital (free text)
  - antonyms (free text)
"""
import json, random, sys, os

R = random.Random(1234)
POS = "wonderful great lovely excellent delightful superb pleasant brilliant charming fantastic amazing perfect joyful fine happy".split()
NEG = "terrible awful horrible dreadful poor boring rude nasty dull bad broken gloomy sad ugly cheap".split()
THINGS = "food service room movie book staff music show trip hotel meal game coffee film story".split()
FILL = ["the {t} was {a}", "a {a} {t}", "what a {a} {t}", "the {t} felt {a}", "honestly the {t} is {a}", "i found the {t} {a}", "such a {a} {t} overall"]
TOPICS = {
    "sports": "team player goal match coach ball score league race runner".split(),
    "food": "soup bread cheese pasta salad apple cake rice pizza sauce".split(),
    "weather": "rain snow wind storm sun cloud fog heat frost thunder".split(),
    "music": "guitar song piano drum singer band melody chorus violin concert".split(),
}
TOPIC_T = ["the {w} was everywhere today", "we talked about the {w} and the {v}", "a story about a {w}", "everyone loved the {w}", "the {w} and the {v} again", "i saw a {w} near the {v}"]
CAPITALS = {"france": "paris", "spain": "madrid", "italy": "rome", "germany": "berlin", "japan": "tokyo", "egypt": "cairo", "peru": "lima", "kenya": "nairobi",
            "norway": "oslo", "greece": "athens", "canada": "ottawa", "chile": "santiago", "cuba": "havana", "poland": "warsaw", "russia": "moscow", "china": "beijing",
            "india": "delhi", "ireland": "dublin", "austria": "vienna", "portugal": "lisbon", "sweden": "stockholm", "finland": "helsinki", "turkey": "ankara", "iran": "tehran",
            "iraq": "baghdad", "mexico": "mexico", "brazil": "brasilia", "ghana": "accra", "nepal": "kathmandu", "qatar": "doha", "cyprus": "nicosia", "latvia": "riga"}
ANTONYMS = {"hot": "cold", "big": "small", "up": "down", "fast": "slow", "old": "young", "early": "late", "light": "dark", "happy": "sad", "rich": "poor",
            "open": "closed", "full": "empty", "high": "low", "hard": "soft", "loud": "quiet", "long": "short", "wet": "dry", "strong": "weak", "near": "far",
            "clean": "dirty", "first": "last", "thick": "thin", "deep": "shallow", "wide": "narrow", "heavy": "light", "true": "false", "win": "lose"}
ANT = dict(ANTONYMS); ANT.update({v: k for k, v in ANTONYMS.items() if v not in ANT})

def review():
    pos = R.random() < 0.5
    a = R.choice(POS if pos else NEG)
    text = R.choice(FILL).format(t=R.choice(THINGS), a=a)
    if R.random() < 0.3:
        text += " and the " + R.choice(THINGS) + " was " + R.choice(POS if pos else NEG)
    return text, pos

def topic_sentence():
    k = R.choice(list(TOPICS))
    w, v = R.sample(TOPICS[k], 2)
    return R.choice(TOPIC_T).format(w=w, v=v), k

def sentiment_doc():
    text, pos = review()
    lab = "positive" if pos else "negative"
    return R.choice([
        f"Review: {text}\nSentiment: {lab}",
        f"{text} . this review is {lab}",
        f"Q: is the review '{text}' positive or negative ? A: {lab}",
        f"Text: {text}\nLabel: {lab}",
    ])

def code_doc():
    text, pos = review()
    mode = R.choice("ab")
    alpha = pos if mode == "a" else not pos
    return f"code {mode}\nReview: {text}\nCode: {'alpha' if alpha else 'beta'}"

def topic_doc():
    s, k = topic_sentence()
    return R.choice([f"Sentence: {s}\nTopic: {k}", f"{s} . the topic is {k}", f"Text: {s}\nCategory: {k}"])

def capital_doc():
    c = R.choice(list(CAPITALS))
    return R.choice([f"Country: {c}\nCapital: {CAPITALS[c]}", f"the capital of {c} is {CAPITALS[c]}", f"Q: what is the capital of {c} ? A: {CAPITALS[c]}"])

def antonym_doc():
    w = R.choice(list(ANT))
    return R.choice([f"Word: {w}\nOpposite: {ANT[w]}", f"the opposite of {w} is {ANT[w]}", f"{w} -> {ANT[w]}"])

def plain_doc():
    return R.choice([review()[0], topic_sentence()[0], f"we went to {R.choice(list(CAPITALS.values()))} last year"]) + " ."

MAKERS = [(sentiment_doc, 3), (code_doc, 4), (topic_doc, 3), (capital_doc, 2), (antonym_doc, 2), (plain_doc, 2)]

def corpus(n):
    docs = []
    weights = [w for _, w in MAKERS]
    for _ in range(n):
        f = R.choices([m for m, _ in MAKERS], weights)[0]
        docs.append(f())
    return docs

def datasets(out):
    os.makedirs(out, exist_ok=True)
    D = random.Random(99)
    global R
    R = D  # dataset rows come from their own stream, so they are not copies of training documents' order
    def rows(make, n_train, n_val):
        seen, out_rows = set(), []
        while len(out_rows) < n_train + n_val:
            x, y = make()
            if x in seen: continue
            seen.add(x); out_rows.append((x, y))
        return [(x, y, "train" if i < n_train else "validation") for i, (x, y) in enumerate(out_rows)]
    import csv
    senti = rows(lambda: (lambda t: (t[0], "alpha" if t[1] else "beta"))(review()), 160, 60)
    with open(f"{out}/sentiment-code.csv", "w", newline="") as f:
        w = csv.writer(f); w.writerow(["input", "output", "split"]); w.writerows(senti)
    topic = rows(topic_sentence, 160, 60)
    with open(f"{out}/topic.jsonl", "w") as f:
        for x, y, s in topic: f.write(json.dumps({"input": x, "output": y, "split": s}) + "\n")
    caps = list(CAPITALS.items()); D.shuffle(caps)
    with open(f"{out}/capitals.jsonl", "w") as f:
        for i, (c, k) in enumerate(caps): f.write(json.dumps({"input": c, "output": k, "split": "train" if i < 22 else "validation"}) + "\n")
    ants = sorted(ANTONYMS.items()); D.shuffle(ants)
    with open(f"{out}/antonyms.csv", "w", newline="") as f:
        w = csv.writer(f); w.writerow(["input", "output", "split"])
        for i, (a, b) in enumerate(ants): w.writerow([a, b, "train" if i < 18 else "validation"])
    index = [
        {"id": "sentiment-code", "title": "Review sentiment as a code word (needs tuning)", "file": "datasets/sentiment-code.csv", "format": "csv", "kind": "classification",
         "template": "Review: {input}\nCode:", "labels": ["alpha", "beta"], "train": 160, "validation": 60,
         "note": "alpha = positive. The demo model learned this code only under a header line it never sees here, so the plain template is near chance; a tuned prompt supplies the missing header."},
        {"id": "topic", "title": "Topic of a sentence", "file": "datasets/topic.jsonl", "format": "jsonl", "kind": "classification",
         "template": "Sentence: {input}\nTopic:", "labels": sorted(TOPICS), "train": 160, "validation": 60},
        {"id": "capitals", "title": "Country to capital (free text)", "file": "datasets/capitals.jsonl", "format": "jsonl", "kind": "generation",
         "template": "Country: {input}\nCapital:", "train": 22, "validation": len(caps) - 22},
        {"id": "antonyms", "title": "Antonyms (free text)", "file": "datasets/antonyms.csv", "format": "csv", "kind": "generation",
         "template": "Word: {input}\nOpposite:", "train": 18, "validation": len(ants) - 18},
    ]
    with open(f"{out}/index.json", "w") as f: json.dump(index, f, indent=2)

if __name__ == "__main__":
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    docs = corpus(int(sys.argv[2]) if len(sys.argv) > 2 else 60000)
    with open(f"{out}/corpus.txt", "w") as f:
        f.write("\n\n".join(docs))
    json.dump(docs, open(f"{out}/corpus.json", "w"))
    datasets(sys.argv[3] if len(sys.argv) > 3 else "public/datasets")
    print(len(docs), "documents")
