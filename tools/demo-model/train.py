"""Trains the demo model on the corpus and saves it in Hugging Face layout (config.json + model.safetensors).

    python3 train.py CACHE_DIR OUT_DIR [STEPS]

Rows of T tokens are packed from whole documents, each followed by EOS, and every row starts at a document
boundary: the model thus sees documents both at position 0 with nothing before them (how the studio's plain
template runs) and after earlier documents (how a soft prompt or prefix precedes the input). Pads are not scored.
Saves every 200 steps; writes CACHE_DIR/train-result.json at the end.
"""
import json, math, os, random, sys, time
import torch
import torch.nn.functional as F
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import CONFIG, forward, hf_config, init_params, save_safetensors
from tokenizer import Tokenizer

T, BATCH, LR, WARMUP, N_VAL_DOCS = 64, 32, 3e-3, 100, 2000


def pack(docs, tok):
    rows, cur = [], []
    for d in docs:
        ids = tok.encode(d) + [tok.eos_id]
        if len(cur) + len(ids) > T:
            rows.append(cur + [tok.pad_id] * (T - len(cur)))
            cur = []
        cur += ids[:T]
    if cur:
        rows.append(cur + [tok.pad_id] * (T - len(cur)))
    return torch.tensor(rows)


def loss_of(P, rows, pad_id):
    x, y = rows[:, :-1], rows[:, 1:].clone()
    y[y == pad_id] = -100
    logits = forward(P, P["model.embed_tokens.weight"][x])
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), ignore_index=-100)


def held_out(P, val, pad_id):
    """Mean cross-entropy per real token over the held-out rows."""
    with torch.no_grad():
        tot, n = 0.0, 0
        for i in range(0, len(val), 256):
            rows = val[i:i + 256]
            k = int((rows[:, 1:] != pad_id).sum())
            tot += loss_of(P, rows, pad_id).item() * k
            n += k
    return tot / n


def main():
    cache, out = sys.argv[1], sys.argv[2]
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 2400
    torch.manual_seed(0)
    torch.set_num_threads(int(os.environ.get("DEMO_THREADS", "2")))
    tok = Tokenizer.load(os.path.join(out, "tokenizer.json"))
    docs = json.load(open(os.path.join(cache, "corpus.json")))
    random.Random(0).shuffle(docs)
    val, train = pack(docs[:N_VAL_DOCS], tok), pack(docs[N_VAL_DOCS:], tok)
    V = len(tok.vocab)
    P = init_params(V)
    n_all = sum(p.numel() for p in P.values())
    n_emb = P["model.embed_tokens.weight"].numel()
    print(f"vocab {V}, train rows {len(train)} ({int((train != tok.pad_id).sum())} tokens), "
          f"params {n_all} ({n_all - n_emb} non-embedding)", flush=True)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(hf_config(V, tok.eos_id, tok.pad_id), f, indent=2)
        f.write("\n")
    decay = [p for k, p in P.items() if p.dim() == 2]
    no_decay = [p for k, p in P.items() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=LR, betas=(0.9, 0.95))
    gen = torch.Generator().manual_seed(1)
    t0, vl = time.time(), float("nan")
    for step in range(steps):
        lr = LR * min(1.0, (step + 1) / WARMUP) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / steps)))
        for g in opt.param_groups:
            g["lr"] = lr
        batch = train[torch.randint(0, len(train), (BATCH,), generator=gen)]
        loss = loss_of(P, batch, tok.pad_id)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(list(P.values()), 1.0)
        opt.step()
        if step % 50 == 0:
            print(f"step {step} loss {loss.item():.4f} {time.time() - t0:.0f}s", flush=True)
        if step % 200 == 0 or step == steps - 1:
            vl = held_out(P, val, tok.pad_id)
            print(f"step {step} loss {loss.item():.4f} val {vl:.4f} lr {lr:.2e} {time.time() - t0:.0f}s", flush=True)
            save_safetensors(os.path.join(out, "model.safetensors"), P)
    vl = held_out(P, val, tok.pad_id)
    save_safetensors(os.path.join(out, "model.safetensors"), P)
    result = {"held_out_loss": vl, "held_out_docs": N_VAL_DOCS, "steps": steps, "batch": BATCH, "seq_len": T,
              "seconds": round(time.time() - t0), "params": n_all, "non_embedding_params": n_all - n_emb,
              "train_tokens": int((train != tok.pad_id).sum()), "corpus_docs": len(docs)}
    print(json.dumps(result), flush=True)
    with open(os.path.join(cache, "train-result.json"), "w") as f:
        json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
