"""The demo model in plain torch: a Llama-layout decoder following /work/shared/fixtures/README.md exactly
(RMSNorm, rotate-half RoPE, SwiGLU, GQA via repeat_kv, tied embeddings, no biases), with the two PEFT inputs
the studio uses: extra input embeddings (prompt tuning) and a per-layer KV prefix (prefix tuning).
Weights live in a dict keyed by their Hugging Face names, so saving is a straight dump.
"""
import json, math, struct
import torch
import torch.nn.functional as F

CONFIG = dict(hidden_size=128, num_hidden_layers=4, num_attention_heads=4, num_key_value_heads=2, head_dim=32,
              intermediate_size=344, max_position_embeddings=256, rms_norm_eps=1e-5, rope_theta=10000.0)


def hf_config(vocab_size, eos, pad):
    return {"architectures": ["LlamaForCausalLM"], "model_type": "llama", **CONFIG, "vocab_size": vocab_size,
            "tie_word_embeddings": True, "hidden_act": "silu", "attention_bias": False, "attention_dropout": 0.0,
            "mlp_bias": False, "rope_scaling": None, "bos_token_id": eos, "eos_token_id": eos, "pad_token_id": pad,
            "torch_dtype": "float32", "initializer_range": 0.02, "use_cache": True}


def init_params(vocab_size, seed=0):
    g = torch.Generator().manual_seed(seed)
    C, L, H, KVH, hd, I = (CONFIG[k] for k in ("hidden_size", "num_hidden_layers", "num_attention_heads",
                                                "num_key_value_heads", "head_dim", "intermediate_size"))
    P = {}

    def param(name, *shape, std=0.02, ones=False):
        P[name] = torch.nn.Parameter(torch.ones(*shape) if ones else torch.randn(*shape, generator=g) * std)
    out_std = 0.02 / math.sqrt(2 * L)  # residual-branch outputs scaled down, as in GPT-2
    param("model.embed_tokens.weight", vocab_size, C)
    for i in range(L):
        p = f"model.layers.{i}."
        param(p + "input_layernorm.weight", C, ones=True)
        param(p + "self_attn.q_proj.weight", H * hd, C)
        param(p + "self_attn.k_proj.weight", KVH * hd, C)
        param(p + "self_attn.v_proj.weight", KVH * hd, C)
        param(p + "self_attn.o_proj.weight", C, H * hd, std=out_std)
        param(p + "post_attention_layernorm.weight", C, ones=True)
        param(p + "mlp.gate_proj.weight", I, C)
        param(p + "mlp.up_proj.weight", I, C)
        param(p + "mlp.down_proj.weight", C, I, std=out_std)
    param("model.norm.weight", C, ones=True)
    return P


def rms_norm(x, w):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + CONFIG["rms_norm_eps"]) * w


def rope(x, pos):
    """x [B, heads, T, hd], pos [T]: rotate-half RoPE."""
    hd = x.shape[-1]
    inv_freq = CONFIG["rope_theta"] ** (-torch.arange(0, hd, 2, dtype=torch.float64) / hd)
    ang = pos[:, None].double() * inv_freq[None, :]
    emb = torch.cat([ang, ang], -1)
    cos, sin = emb.cos().to(x.dtype), emb.sin().to(x.dtype)
    x1, x2 = x[..., : hd // 2], x[..., hd // 2:]
    return x * cos + torch.cat([-x2, x1], -1) * sin


def forward(P, embeds, key_mask=None, start=0, prefix=None):
    """embeds [B, T, C]; key_mask [B, T] (1 = real token) or None; positions start .. start+T-1.
    prefix: None or a list per layer of (k, v), each [KVH, Pn, hd], shared by every row, never rotated.
    Returns logits [B, T, V]."""
    C, L, H, KVH, hd = (CONFIG[k] for k in ("hidden_size", "num_hidden_layers", "num_attention_heads",
                                            "num_key_value_heads", "head_dim"))
    B, T, _ = embeds.shape
    pos = torch.arange(start, start + T)
    Pn = 0 if prefix is None else prefix[0][0].shape[1]
    # query i (index Pn + i among all keys) may read key j iff j <= Pn + i and the key is not padding
    allowed = torch.ones(T, Pn + T, dtype=torch.bool).tril(Pn)[None].expand(B, T, Pn + T)
    if key_mask is not None:
        full = torch.cat([torch.ones(B, Pn, dtype=torch.bool), key_mask.bool()], 1)
        allowed = allowed & full[:, None, :]
    bias = torch.zeros(B, 1, T, Pn + T, dtype=embeds.dtype).masked_fill(~allowed[:, None], float("-inf"))
    x = embeds
    for i in range(L):
        p = f"model.layers.{i}."
        h = rms_norm(x, P[p + "input_layernorm.weight"])
        q = (h @ P[p + "self_attn.q_proj.weight"].T).view(B, T, H, hd).transpose(1, 2)
        k = (h @ P[p + "self_attn.k_proj.weight"].T).view(B, T, KVH, hd).transpose(1, 2)
        v = (h @ P[p + "self_attn.v_proj.weight"].T).view(B, T, KVH, hd).transpose(1, 2)
        q, k = rope(q, pos), rope(k, pos)
        if prefix is not None:
            pk, pv = prefix[i]
            k = torch.cat([pk[None].expand(B, -1, -1, -1), k], 2)
            v = torch.cat([pv[None].expand(B, -1, -1, -1), v], 2)
        k, v = k.repeat_interleave(H // KVH, 1), v.repeat_interleave(H // KVH, 1)  # repeat_kv
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + bias, -1) @ v
        x = x + a.transpose(1, 2).reshape(B, T, H * hd) @ P[p + "self_attn.o_proj.weight"].T
        h2 = rms_norm(x, P[p + "post_attention_layernorm.weight"])
        gate, up = h2 @ P[p + "mlp.gate_proj.weight"].T, h2 @ P[p + "mlp.up_proj.weight"].T
        x = x + (F.silu(gate) * up) @ P[p + "mlp.down_proj.weight"].T
    return rms_norm(x, P["model.norm.weight"]) @ P["model.embed_tokens.weight"].T


def save_safetensors(path, P):
    """Own writer: 8-byte LE header length, JSON header with sorted keys and __metadata__, space-padded so the
    data starts at a multiple of 8, then contiguous little-endian F32 data in key order."""
    tensors = {k: P[k].detach().float().contiguous() for k in sorted(P)}
    header, off = {"__metadata__": {"format": "pt"}}, 0
    for k, t in tensors.items():
        n = t.numel() * 4
        header[k] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + n]}
        off += n
    h = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for t in tensors.values():
            f.write(t.numpy().astype("<f4").tobytes())


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, info in header.items():
        if k == "__metadata__":
            continue
        assert info["dtype"] == "F32", (k, info["dtype"])
        a, b = info["data_offsets"]
        out[k] = torch.frombuffer(bytearray(data[a:b]), dtype=torch.float32).view(*info["shape"]).clone()
    return out
