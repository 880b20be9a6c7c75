"""A Gemma 3 decoder in ONNX, in the layout transformers.js loads (as export_onnx.py does for the demo model), for one
test: transformers.js counts Gemma 3's positions from 1 where transformers and this studio count from 0, so the
exported key/value cache must be shifted for it (src/tuning/export/kv-cache.ts). The model is the golden fixture's
tiny Gemma 3 (../shared/fixtures/golden/gemma3-prompt: 3 layers sliding/full/sliding with RoPE bases 1e4/1e6, q/k
norms, four (1 + w) norms per layer, query_pre_attn_scalar 24, tied head); this decoder is checked against the
fixture's logits (an independent transformers + PEFT run) before it is written.

Writes DIR/config.json (the fixture's), DIR/generation_config.json and DIR/onnx/model.onnx.
Usage: python3 tools/onnx-fixtures/gemma3.py ../shared/fixtures/golden/gemma3-prompt test/fixtures/gemma3-onnx
"""
import json, math, os, shutil, struct, sys
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from transformers_js_layout import export_decoder  # noqa: E402


def load_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", f"{name} is {info['dtype']}"
        a, b = info["data_offsets"]
        out[name] = torch.frombuffer(bytearray(raw[8 + n + a:8 + n + b]), dtype=torch.float32).reshape(info["shape"])
    return out


class Gemma3Decoder(torch.nn.Module):
    """transformers' Gemma3ForCausalLM written for any past length: keys cached after RoPE and the key norm."""

    def __init__(self, W, cfg):
        super().__init__()
        self.W, self.cfg = W, cfg
        hd = cfg["head_dim"]
        self.sliding = [t == "sliding_attention" for t in cfg["layer_types"]]
        assert cfg.get("rope_scaling") is None and cfg.get("attn_logit_softcapping") is None and cfg.get("final_logit_softcapping") is None
        self.tables = {}
        for local, theta in ((True, cfg["rope_local_base_freq"]), (False, cfg["rope_theta"])):
            inv = theta ** (-torch.arange(0, hd, 2, dtype=torch.float64) / hd)
            ang = torch.arange(cfg["max_position_embeddings"], dtype=torch.float64)[:, None] * inv[None, :]
            emb = torch.cat([ang, ang], -1)
            self.tables[local] = (emb.cos().float(), emb.sin().float())

    def norm(self, x, w):
        eps = self.cfg["rms_norm_eps"]
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * (1.0 + w)

    def rope(self, x, position_ids, local):
        cos_t, sin_t = self.tables[local]
        cos = F.embedding(position_ids, cos_t)[:, None]
        sin = F.embedding(position_ids, sin_t)[:, None]
        hd = x.shape[-1]
        x1, x2 = x[..., : hd // 2], x[..., hd // 2:]
        return x * cos + torch.cat([-x2, x1], -1) * sin

    def embed(self, input_ids):
        W, cfg = self.W, self.cfg
        return F.embedding(input_ids, W["model.embed_tokens.weight"]) * torch.tensor(cfg["hidden_size"] ** 0.5, dtype=torch.float32)

    def decode(self, x, attention_mask, position_ids, past):
        W, cfg = self.W, self.cfg
        H, KVH, hd = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["head_dim"]
        B, T, _ = x.shape
        past_len = past[0].shape[2]
        S = past_len + T
        rows = torch.arange(T)[:, None] + past_len
        cols = torch.arange(S)[None, :]
        keep = attention_mask[:, None, None, :].to(x.dtype) > 0.5
        causal = (cols <= rows)[None, None] & keep
        window = causal & ((rows - cols) < cfg["sliding_window"])[None, None]
        bias = {False: torch.zeros(causal.shape).masked_fill(~causal, torch.finfo(x.dtype).min),
                True: torch.zeros(window.shape).masked_fill(~window, torch.finfo(x.dtype).min)}
        present = []
        for i in range(cfg["num_hidden_layers"]):
            p = f"model.layers.{i}."
            local = self.sliding[i]
            h = self.norm(x, W[p + "input_layernorm.weight"])
            q = (h @ W[p + "self_attn.q_proj.weight"].T).view(B, T, H, hd)
            k = (h @ W[p + "self_attn.k_proj.weight"].T).view(B, T, KVH, hd)
            v = (h @ W[p + "self_attn.v_proj.weight"].T).view(B, T, KVH, hd).transpose(1, 2)
            q = self.norm(q, W[p + "self_attn.q_norm.weight"]).transpose(1, 2)
            k = self.norm(k, W[p + "self_attn.k_norm.weight"]).transpose(1, 2)
            q, k = self.rope(q, position_ids, local), self.rope(k, position_ids, local)
            k = torch.cat([past[2 * i], k], 2)
            v = torch.cat([past[2 * i + 1], v], 2)
            present += [k, v]
            kr = k[:, :, None].expand(B, KVH, H // KVH, S, hd).reshape(B, H, S, hd)
            vr = v[:, :, None].expand(B, KVH, H // KVH, S, hd).reshape(B, H, S, hd)
            scores = q @ kr.transpose(-1, -2) * cfg["query_pre_attn_scalar"] ** -0.5 + bias[local]
            a = torch.softmax(scores, -1) @ vr
            o = a.transpose(1, 2).reshape(B, T, H * hd) @ W[p + "self_attn.o_proj.weight"].T
            x = x + self.norm(o, W[p + "post_attention_layernorm.weight"])
            h2 = self.norm(x, W[p + "pre_feedforward_layernorm.weight"])
            gate = F.gelu(h2 @ W[p + "mlp.gate_proj.weight"].T, approximate="tanh")
            m = (gate * (h2 @ W[p + "mlp.up_proj.weight"].T)) @ W[p + "mlp.down_proj.weight"].T
            x = x + self.norm(m, W[p + "post_feedforward_layernorm.weight"])
        logits = self.norm(x, W["model.norm.weight"]) @ W["model.embed_tokens.weight"].T
        return (logits, *present)

    def forward(self, input_ids, attention_mask, position_ids, *past):
        return self.decode(self.embed(input_ids), attention_mask, position_ids, past)


def load_case(fixture):
    with open(os.path.join(fixture, "case.json")) as f:
        case = json.load(f)
    return case, load_safetensors(os.path.join(fixture, "case.safetensors"))


def check_against_fixture(model, fixture):
    """The fixture's prompt-tuning forward (virtual tokens unscaled, then the scaled token embeddings)."""
    case, t = load_case(fixture)
    cfg = model.cfg
    KVH, hd = cfg["num_key_value_heads"], cfg["head_dim"]
    prompt = t["prompt_embeddings"]
    P = prompt.shape[0]
    worst = 0.0
    for r, ids in enumerate(case["input_ids"]):
        mask = case["attention_mask"][r]
        n = sum(mask)
        ids = torch.tensor([ids[:n]])
        x = torch.cat([prompt[None], model.embed(ids)], 1)
        empty = [torch.zeros(1, KVH, 0, hd) for _ in range(2 * cfg["num_hidden_layers"])]
        with torch.no_grad():
            logits = model.decode(x, torch.ones(1, P + n, dtype=torch.int64), torch.arange(P + n)[None], empty)[0][0]
        worst = max(worst, (logits - t["logits"][r, : P + n]).abs().max().item())
    assert worst < 1e-4, f"the Gemma 3 decoder and the fixture disagree by {worst}"
    return worst


def main(fixture, out_dir):
    with open(os.path.join(fixture, "config.json")) as f:
        cfg = json.load(f)
    W = load_safetensors(os.path.join(fixture, "model.safetensors"))
    model = Gemma3Decoder(W, cfg).eval()
    err = check_against_fixture(model, fixture)
    path = os.path.join(out_dir, "onnx", "model.onnx")
    export_decoder(model, path, cfg["num_hidden_layers"], cfg["num_key_value_heads"], cfg["head_dim"])
    shutil.copy(os.path.join(fixture, "config.json"), os.path.join(out_dir, "config.json"))
    with open(os.path.join(out_dir, "generation_config.json"), "w") as f:
        json.dump({"bos_token_id": cfg["bos_token_id"], "eos_token_id": cfg["eos_token_id"], "pad_token_id": cfg["pad_token_id"], "do_sample": False}, f, indent=2)
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path):,} bytes); decoder vs the fixture's logits max |diff| {err:.2e}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
