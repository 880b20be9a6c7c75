"""Exports the demo model to ONNX in the layout transformers.js loads for a decoder-only LM with a KV cache:
`onnx/model.onnx` with inputs input_ids, attention_mask, position_ids, past_key_values.{i}.key / .value and outputs
logits, present.{i}.key / .value (the names and dimension names of Hugging Face Optimum's exports), plus
`generation_config.json`. "Try it in transformers.js" runs this file on onnxruntime-web.

The graph is model.py's decoder written for any past length: keys are stored after RoPE, a query at position p may
read cache row j iff j <= past + its row and attention_mask[j] == 1. RoPE's cos/sin come from tables computed in
float64 and stored in float32 (as the training engine does), gathered by position_ids: onnxruntime-web has no
float64 kernels, so the graph holds no float64 op.

Usage: python3 tools/demo-model/export_onnx.py public/models/demo
"""
import json, math, os, sys
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "onnx-fixtures"))
from model import CONFIG, load_safetensors  # noqa: E402
from transformers_js_layout import export_decoder  # noqa: E402


class DemoDecoder(torch.nn.Module):
    def __init__(self, P):
        super().__init__()
        self.P = P
        self.L = CONFIG["num_hidden_layers"]
        hd = CONFIG["head_dim"]
        inv_freq = CONFIG["rope_theta"] ** (-torch.arange(0, hd, 2, dtype=torch.float64) / hd)
        ang = torch.arange(CONFIG["max_position_embeddings"], dtype=torch.float64)[:, None] * inv_freq[None, :]
        emb = torch.cat([ang, ang], -1)
        self.cos_table, self.sin_table = emb.cos().float(), emb.sin().float()  # [max positions, hd]

    def norm(self, x, w):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + CONFIG["rms_norm_eps"]) * w

    def rope(self, x, position_ids):
        """x [B, heads, T, hd]; position_ids [B, T]."""
        hd = x.shape[-1]
        cos = F.embedding(position_ids, self.cos_table)[:, None]  # [B, 1, T, hd]
        sin = F.embedding(position_ids, self.sin_table)[:, None]
        x1, x2 = x[..., : hd // 2], x[..., hd // 2:]
        return x * cos + torch.cat([-x2, x1], -1) * sin

    def forward(self, input_ids, attention_mask, position_ids, *past):
        P = self.P
        H, KVH, hd = CONFIG["num_attention_heads"], CONFIG["num_key_value_heads"], CONFIG["head_dim"]
        B, T = input_ids.shape
        x = F.embedding(input_ids, P["model.embed_tokens.weight"])
        past_len = past[0].shape[2]
        S = past_len + T
        # Row i of the input sits at cache row past_len + i: it reads rows 0..past_len + i that the mask keeps.
        rows = torch.arange(T)[:, None] + past_len
        cols = torch.arange(S)[None, :]
        allowed = (cols <= rows)[None, None] & (attention_mask[:, None, None, :].to(x.dtype) > 0.5)
        bias = torch.zeros(allowed.shape, dtype=x.dtype).masked_fill(~allowed, torch.finfo(x.dtype).min)
        present = []
        for i in range(self.L):
            p = f"model.layers.{i}."
            h = self.norm(x, P[p + "input_layernorm.weight"])
            q = (h @ P[p + "self_attn.q_proj.weight"].T).view(B, T, H, hd).transpose(1, 2)
            k = (h @ P[p + "self_attn.k_proj.weight"].T).view(B, T, KVH, hd).transpose(1, 2)
            v = (h @ P[p + "self_attn.v_proj.weight"].T).view(B, T, KVH, hd).transpose(1, 2)
            q, k = self.rope(q, position_ids), self.rope(k, position_ids)
            k = torch.cat([past[2 * i], k], 2)
            v = torch.cat([past[2 * i + 1], v], 2)
            present += [k, v]
            # repeat_kv, written with expand + reshape (exports to plain ONNX ops)
            kr = k[:, :, None].expand(B, KVH, H // KVH, S, hd).reshape(B, H, S, hd)
            vr = v[:, :, None].expand(B, KVH, H // KVH, S, hd).reshape(B, H, S, hd)
            a = torch.softmax(q @ kr.transpose(-1, -2) / math.sqrt(hd) + bias, -1) @ vr
            x = x + a.transpose(1, 2).reshape(B, T, H * hd) @ P[p + "self_attn.o_proj.weight"].T
            h2 = self.norm(x, P[p + "post_attention_layernorm.weight"])
            x = x + (F.silu(h2 @ P[p + "mlp.gate_proj.weight"].T) * (h2 @ P[p + "mlp.up_proj.weight"].T)) @ P[p + "mlp.down_proj.weight"].T
        logits = self.norm(x, P["model.norm.weight"]) @ P["model.embed_tokens.weight"].T
        return (logits, *present)


def main(out_dir):
    params = load_safetensors(os.path.join(out_dir, "model.safetensors"))
    with open(os.path.join(out_dir, "config.json")) as f:
        config = json.load(f)
    model = DemoDecoder(params).eval()
    L, KVH, hd = CONFIG["num_hidden_layers"], CONFIG["num_key_value_heads"], CONFIG["head_dim"]
    path = os.path.join(out_dir, "onnx", "model.onnx")
    export_decoder(model, path, L, KVH, hd)
    # The same numbers as model.py's forward (which the engine and the golden checks follow): full sequence vs the
    # ONNX graph's decoder fed in two chunks through its cache.
    with torch.no_grad():
        from model import forward
        ids = torch.tensor([[3, 17, 200, 45, 9, 88]])
        want = forward(params, params["model.embed_tokens.weight"][ids])
        empty = [torch.zeros(1, KVH, 0, hd) for _ in range(2 * L)]
        first = model(ids[:, :4], torch.ones(1, 4, dtype=torch.int64), torch.arange(4)[None], *empty)
        second = model(ids[:, 4:], torch.ones(1, 6, dtype=torch.int64), torch.arange(4, 6)[None], *first[1:])
        got = torch.cat([first[0], second[0]], 1)
        err = (got - want).abs().max().item()
        assert err < 1e-4, f"the ONNX decoder and model.py disagree by {err}"
    generation = {"bos_token_id": config["bos_token_id"], "eos_token_id": config["eos_token_id"],
                  "pad_token_id": config["pad_token_id"], "do_sample": False}
    with open(os.path.join(out_dir, "generation_config.json"), "w") as f:
        json.dump(generation, f, indent=2)
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path):,} bytes); decoder vs model.py max |diff| {err:.2e}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "public/models/demo")
