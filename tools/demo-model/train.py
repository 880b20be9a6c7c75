"""Trains the demo model: a small Llama-layout causal LM (RMSNorm, rotate-half RoPE, SwiGLU, GQA, tied
embeddings), written in plain torch to the semantics of ../../../shared/fixtures/README.md, saved in Hugging Face
layout (config.json + model.safetensors with HF tensor names). python3 train.py CACHE_DIR OUT_DIR [STEPS]
"""
import json, math, os, struct, sys, time, random
import torch
import torch.nn.functional as F
sys.path.insert(0, os.path.dirname(__file__))
from tokenizer import encode

torch.manual_seed(0); random.seed(0)
torch.set_num_threads(2)
CACHE, OUT = sys.argv[1], sys.argv[2]
STEPS = int(sys.argv[3]) if len(sys.argv) > 3 else 1500
CFG = dict(hidden_size=128, num_hidden_layers=4, num_attention_heads=4, num_key_value_heads=2, head_dim=32,
           intermediate_size=352, max_position_embeddings=256, rms_norm_eps=1e-5, rope_theta=10000.0)
vocab = json.load(open(os.path.join(OUT, "tokenizer.json")))["model"]["vocab"]
V = len(vocab); EOS = vocab["[EOS]"]; PAD = vocab["[PAD]"]; BOS = vocab["[BOS]"]
C, L, H, KVH, hd, I = (CFG[k] for k in ["hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim", "intermediate_size"])

def rms(x, w): return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + CFG["rms_norm_eps"]) * w
inv_freq = CFG["rope_theta"] ** (-torch.arange(0, hd, 2).float() / hd)
def rope(x, pos):  # x (B, heads, T, hd)
    ang = pos[:, None].float() * inv_freq[None, :]
    emb = torch.cat([ang, ang], -1); cos, sin = emb.cos(), emb.sin()
    x1, x2 = x[..., : hd // 2], x[..., hd // 2 :]
    return x * cos + torch.cat([-x2, x1], -1) * sin

P = {}
def param(name, *shape, std=0.02, ones=False):
    P[name] = torch.nn.Parameter(torch.ones(*shape) if ones else torch.randn(*shape) * std)
param("model.embed_tokens.weight", V, C)
for i in range(L):
    p = f"model.layers.{i}."
    param(p + "input_layernorm.weight", C, ones=True); param(p + "post_attention_layernorm.weight", C, ones=True)
    param(p + "self_attn.q_proj.weight", H * hd, C); param(p + "self_attn.k_proj.weight", KVH * hd, C)
    param(p + "self_attn.v_proj.weight", KVH * hd, C); param(p + "self_attn.o_proj.weight", C, H * hd, std=0.02 / math.sqrt(2 * L))
    param(p + "mlp.gate_proj.weight", I, C); param(p + "mlp.up_proj.weight", I, C); param(p + "mlp.down_proj.weight", C, I, std=0.02 / math.sqrt(2 * L))
param("model.norm.weight", C, ones=True)

def forward(ids):
    B, T = ids.shape
    pos = torch.arange(T)
    x = P["model.embed_tokens.weight"][ids]
    mask = torch.full((T, T), float("-inf")).triu(1)
    for i in range(L):
        p = f"model.layers.{i}."
        h = rms(x, P[p + "input_layernorm.weight"])
        q = (h @ P[p + "self_attn.q_proj.weight"].T).view(B, T, H, hd).transpose(1, 2)
        k = (h @ P[p + "self_attn.k_proj.weight"].T).view(B, T, KVH, hd).transpose(1, 2)
        v = (h @ P[p + "self_attn.v_proj.weight"].T).view(B, T, KVH, hd).transpose(1, 2)
        q, k = rope(q, pos), rope(k, pos)
        k = k.repeat_interleave(H // KVH, 1); v = v.repeat_interleave(H // KVH, 1)
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + mask, -1) @ v
        x = x + a.transpose(1, 2).reshape(B, T, H * hd) @ P[p + "self_attn.o_proj.weight"].T
        h2 = rms(x, P[p + "post_attention_layernorm.weight"])
        x = x + (F.silu(h2 @ P[p + "mlp.gate_proj.weight"].T) * (h2 @ P[p + "mlp.up_proj.weight"].T)) @ P[p + "mlp.down_proj.weight"].T
    return rms(x, P["model.norm.weight"]) @ P["model.embed_tokens.weight"].T

def save(path):
    tensors = {k: v.detach().float().contiguous() for k, v in sorted(P.items())}
    header, off = {"__metadata__": {"format": "pt"}}, 0
    for k, t in tensors.items():
        n = t.numel() * 4; header[k] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + n]}; off += n
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h))); f.write(h)
        for t in tensors.values(): f.write(t.numpy().astype("<f4").tobytes())

if __name__ == "__main__":
    docs = json.load(open(os.path.join(CACHE, "corpus.json")))
    random.shuffle(docs)
    n_val = 1000
    seqs = [[BOS] + encode(d, vocab) + [EOS] for d in docs]
    def pack(ss, T=96):
        flat = [t for s in ss for t in s]
        n = len(flat) // T
        return torch.tensor(flat[: n * T]).view(n, T)
    val, train = pack(seqs[:n_val]), pack(seqs[n_val:])
    print(f"vocab {V}, train {train.numel()} tokens, params {sum(p.numel() for p in P.values())}", flush=True)
    opt = torch.optim.AdamW(P.values(), lr=3e-3, betas=(0.9, 0.95), weight_decay=0.01)
    t0, B = time.time(), 32
    for step in range(STEPS):
        lr = 3e-3 * min(1, (step + 1) / 100) * 0.5 * (1 + math.cos(math.pi * step / STEPS))
        for g in opt.param_groups: g["lr"] = lr
        batch = train[torch.randint(0, train.shape[0], (B,))]
        logits = forward(batch[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, V), batch[:, 1:].reshape(-1))
        opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(P.values(), 1.0); opt.step()
        if step % 100 == 0 or step == STEPS - 1:
            with torch.no_grad():
                vl = F.cross_entropy(forward(val[:64, :-1]).reshape(-1, V), val[:64, 1:].reshape(-1)).item()
            print(f"step {step} loss {loss.item():.4f} val {vl:.4f} lr {lr:.2e} {time.time() - t0:.0f}s", flush=True)
            save(os.path.join(OUT, "model.safetensors"))
    cfg = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", **CFG, "vocab_size": V, "tie_word_embeddings": True,
           "hidden_act": "silu", "attention_bias": False, "mlp_bias": False, "rope_scaling": None, "bos_token_id": BOS, "eos_token_id": EOS,
           "pad_token_id": PAD, "torch_dtype": "float32", "initializer_range": 0.02, "use_cache": True}
    json.dump(cfg, open(os.path.join(OUT, "config.json"), "w"), indent=2)
    json.dump({"val_loss": vl, "steps": STEPS, "seconds": time.time() - t0, "params": sum(p.numel() for p in P.values()), "train_tokens": train.numel()},
              open(os.path.join(CACHE, "train-result.json"), "w"))
