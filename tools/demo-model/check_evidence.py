"""Evidence that the demo model shows prompt tuning working, measured in PyTorch on the saved files.

    python3 check_evidence.py MODEL_DIR DATASET_DIR [CACHE_DIR]

1. Untuned: rank classification (sum of log-probs of " " + label after the rendered template) on the
   validation split of every classification sample, greedy exact match on every generation sample.
2. PEFT-style prompt tuning on the needs-tuning sample (sentiment-code): P virtual tokens prepended to the input
   embeddings, positions 0..P+T-1, initialised from the embeddings of randomly sampled vocabulary ids, AdamW
   lr 0.03, batch 8, fixed seed, 60 steps; loss = mean cross-entropy over the label tokens.
3. Prefix tuning (PEFT PREFIX_TUNING without projection) on the same task: a [P, L*2*KVH*hd] table of keys and
   values placed in the cache unrotated, input positions P..P+T-1.
Writes CACHE_DIR/evidence.json (numbers, plus a few scored rows and the tuned tables for check-engine.ts).
"""
import csv, json, os, random, sys, time
import torch
import torch.nn.functional as F
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import CONFIG, forward, load_safetensors
from tokenizer import Tokenizer

torch.set_num_threads(2)
MODEL, DATA = sys.argv[1], sys.argv[2]
CACHE = sys.argv[3] if len(sys.argv) > 3 else "tools/.cache"
W = load_safetensors(os.path.join(MODEL, "model.safetensors"))
for t in W.values():
    t.requires_grad_(False)
EMB = W["model.embed_tokens.weight"]
TOK = Tokenizer.load(os.path.join(MODEL, "tokenizer.json"))
INDEX = {d["id"]: d for d in json.load(open(os.path.join(DATA, "index.json")))}
L, KVH, HD = CONFIG["num_hidden_layers"], CONFIG["num_key_value_heads"], CONFIG["head_dim"]


def rows(entry):
    path = os.path.join(DATA, os.path.basename(entry["file"]))
    if entry["format"] == "csv":
        return list(csv.DictReader(open(path, newline="")))
    return [json.loads(line) for line in open(path) if line.strip()]


def render(template, x):
    return template.replace("{input}", x)


def run(extras, prompt_ids, targets):
    """Batch of (prompt + target) sequences, right-padded. extras: None, ("prompt", [P, C]) or ("prefix", [P, W]).
    Returns per-row (sum of target log-probs, number of target tokens, mean-CE loss over all target tokens)."""
    seqs = [p + t for p, t in zip(prompt_ids, targets)]
    T = max(map(len, seqs))
    ids = torch.tensor([s + [TOK.pad_id] * (T - len(s)) for s in seqs])
    mask = torch.tensor([[1] * len(s) + [0] * (T - len(s)) for s in seqs])
    labels = torch.full((len(seqs), T), -100)
    for b, (p, t) in enumerate(zip(prompt_ids, targets)):
        labels[b, len(p):len(p) + len(t)] = torch.tensor(t)
    embeds = EMB[ids]
    if extras is None:
        logits = forward(W, embeds, mask)
    elif extras[0] == "prompt":
        Pn = extras[1].shape[0]
        embeds = torch.cat([extras[1][None].expand(len(seqs), -1, -1), embeds], 1)
        mask = torch.cat([torch.ones(len(seqs), Pn, dtype=mask.dtype), mask], 1)
        labels = torch.cat([torch.full((len(seqs), Pn), -100), labels], 1)
        logits = forward(W, embeds, mask)
    else:
        Pn = extras[1].shape[0]
        kv = extras[1].view(Pn, L * 2, KVH, HD).permute(1, 2, 0, 3)  # [L*2, KVH, P, hd], PEFT get_prompt
        logits = forward(W, embeds, mask, start=Pn, prefix=[(kv[2 * l], kv[2 * l + 1]) for l in range(L)])
    lp = torch.log_softmax(logits[:, :-1], -1)
    y = labels[:, 1:]
    tok_lp = lp.gather(-1, y.clamp(min=0)[..., None])[..., 0] * (y != -100)
    n = (y != -100).sum(1)
    return tok_lp.sum(1), n, -tok_lp.sum() / n.sum()


def accuracy(entry, data, extras=None):
    labels = entry["labels"]
    lab_ids = [TOK.encode(" " + l) for l in labels]
    correct = 0
    with torch.no_grad():
        for i in range(0, len(data), 32):
            chunk = data[i:i + 32]
            prompts = [TOK.encode(render(entry["template"], r["input"])) for r in chunk]
            scores = torch.stack([run(extras, prompts, [li] * len(chunk))[0] for li in lab_ids], 1)
            pred = scores.argmax(1)
            correct += sum(labels[int(p)] == r["output"] for p, r in zip(pred, chunk))
    return correct / len(data)


def exact_match(entry, data, max_new=8):
    hits = 0
    with torch.no_grad():
        for r in data:
            ids = TOK.encode(render(entry["template"], r["input"]))
            out = []
            for _ in range(max_new):
                logits = forward(W, EMB[torch.tensor([ids + out])])
                nxt = int(logits[0, -1].argmax())
                if nxt == TOK.eos_id:
                    break
                out.append(nxt)
            hits += TOK.decode(out).strip() == r["output"].strip()
    return hits / len(data)


def tune(method, entry, train, val, P=8, steps=60, lr=0.03, batch=8, seed=0):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(0, EMB.shape[0] - 2, (P,), generator=g)  # sampled vocabulary ids (no special tokens)
    if method == "prompt":
        param = EMB[ids].clone()
    else:  # PEFT's prefix embedding starts as torch.nn.Embedding does: N(0, 1)
        param = torch.randn(P, L * 2 * KVH * HD, generator=g)
    param.requires_grad_(True)
    opt = torch.optim.AdamW([param], lr=lr)
    order = random.Random(seed)
    curve = [(0, accuracy(entry, val, (method, param.detach())))]
    losses = []
    for step in range(1, steps + 1):
        chunk = order.sample(train, batch)
        prompts = [TOK.encode(render(entry["template"], r["input"])) for r in chunk]
        targets = [TOK.encode(" " + r["output"]) for r in chunk]
        loss = run((method, param), prompts, targets)[2]
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(round(loss.item(), 4))
        if step % 10 == 0:
            curve.append((step, accuracy(entry, val, (method, param.detach()))))
            print(f"  {method} step {step} loss {loss.item():.4f} val acc {curve[-1][1]:.3f}", flush=True)
    return {"P": P, "param": param.detach(), "steps": steps, "lr": lr, "batch": batch, "seed": seed, "val_accuracy_curve": curve,
            "final_val_accuracy": curve[-1][1], "train_loss_first_last": [losses[0], losses[-1]]}


def crosscheck(entry, data, prompt, prefix):
    """Rows (template + " " + label) with their PyTorch label log-probs, plain, with the tuned prompt and with the
    tuned prefix, for check-engine.ts to recompute in the studio's own float64 reference engine."""
    prompts = [TOK.encode(render(entry["template"], r["input"])) for r in data]
    targets = [TOK.encode(" " + entry["labels"][0]) for _ in data]
    out = {"prompts": prompts, "targets": targets, "prompt_embeddings": prompt.flatten().tolist(), "prompt_P": prompt.shape[0],
           "prefix": prefix.flatten().tolist(), "prefix_P": prefix.shape[0]}
    with torch.no_grad():
        for name, extras in (("plain", None), ("prompt", ("prompt", prompt)), ("prefix", ("prefix", prefix))):
            out["logprob_" + name] = run(extras, prompts, targets)[0].tolist()
    return out


def main():
    t0 = time.time()
    ev = {"untuned": {}}
    for id_, entry in INDEX.items():
        data = rows(entry)
        val = [r for r in data if r["split"] == "validation"]
        if entry["kind"] == "classification":
            ev["untuned"][id_] = {"rank_accuracy": accuracy(entry, val), "chance": 1 / len(entry["labels"]),
                                  "majority": max(sum(r["output"] == l for r in val) for l in entry["labels"]) / len(val)}
        else:
            ev["untuned"][id_] = {"exact_match": exact_match(entry, val)}
        print(id_, ev["untuned"][id_], flush=True)
    entry = INDEX["sentiment-code"]
    data = rows(entry)
    train = [r for r in data if r["split"] == "train"]
    val = [r for r in data if r["split"] == "validation"]
    ev["prompt_tuning"] = tune("prompt", entry, train, val)
    ev["prefix_tuning"] = tune("prefix", entry, train, val, lr=float(os.environ.get("PREFIX_LR", "0.03")))
    ev["seconds"] = round(time.time() - t0)
    ev["engine_crosscheck"] = crosscheck(entry, val[:6], ev["prompt_tuning"].pop("param"), ev["prefix_tuning"].pop("param"))
    print(json.dumps({k: ev[k] for k in ("untuned",)}, indent=1))
    print("prompt tuning", ev["prompt_tuning"]["final_val_accuracy"], "prefix tuning", ev["prefix_tuning"]["final_val_accuracy"])
    with open(os.path.join(CACHE, "evidence.json"), "w") as f:  # read by check-engine.ts
        json.dump(ev, f, indent=2)


if __name__ == "__main__":
    main()
