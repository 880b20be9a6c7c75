#!/usr/bin/env python3
"""PyTorch + PEFT peer for the engine's GPT-2-shaped training-step bench (docs/gpu-bench.md).

Same work as test/browser/bench.ts benchSteps on 'gpt2-small shape, random weights': a GPT-2-small-shaped model
(n_embd 768, 12 heads, 12 layers, vocab 50257, random weights, no download), frozen, with 16 trainable virtual
tokens (PEFT PromptTuningConfig) in front of a batch of rows x tokens ids (8 x 128 by default, the ids of
benchSteps: (b*31 + t*7) % vocab), four scored positions per row (the last four tokens), f32. One step is the
forward, the backward to the prompt and an AdamW step on the prompt; timed after warm-up, with
torch.cuda.synchronize() after every step (the engine reads its gradient back every step). Dropout is off (the
engine has none). TF32 stays off (PyTorch's default for f32 matmuls) unless a variant says otherwise.

Variants, each timed in the same process:
  peft_scored     PEFT, logits only where a loss is scored (logits_to_keep): what the engine computes
  peft_default    PEFT as usually called (model(..., labels=...)): logits and loss over every position
  plain_scored    no PEFT: the prompt is an nn.Parameter concatenated to a copy of the embeddings by hand
  peft_scored_tf32  peft_scored with TF32 matmuls allowed (tensor cores at reduced precision), for reference
Tokens per step = rows x (virtual + tokens), as the engine's bench counts them; GFLOP/s = 4 x layer parameters x
tokens / step time, the engine's formula (no weight gradients).

Usage: python3 bench/peer_peft.py [--json] [--rows 8] [--tokens 128] [--virtual 16] [--reps 20] [--warmup 5]
       [--device cuda|cpu] [--layers 12]   (cpu and fewer layers only to check the script without a GPU)
"""
import argparse
import json
import sys
import time

import torch
import torch.nn.functional as F

import peft
import transformers
from peft import PromptTuningConfig, TaskType, get_peft_model
from transformers import GPT2Config, GPT2LMHeadModel

SCORED = 4  # scored tokens per row, as benchSteps


def build_model(layers: int, device: str) -> GPT2LMHeadModel:
    torch.manual_seed(0)
    cfg = GPT2Config(n_embd=768, n_head=12, n_layer=layers, n_positions=1024, vocab_size=50257,
                     resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    model = GPT2LMHeadModel(cfg).to(device=device, dtype=torch.float32)
    model.train()  # training mode, as in a tuning loop (dropout is 0 anyway)
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def batch(rows: int, tokens: int, vocab: int, device: str):
    ids = torch.tensor([[(b * 31 + t * 7) % vocab for t in range(tokens)] for b in range(rows)], device=device)
    labels = torch.full_like(ids, -100)
    labels[:, tokens - SCORED:] = ids[:, tokens - SCORED:]
    mask = torch.ones_like(ids)
    return ids, labels, mask


def scored_loss(logits: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
    # logits: the last SCORED+1 positions; position i predicts token i+1 (HF's shift), so the first SCORED of them
    # predict the last SCORED tokens.
    pred = logits[:, :SCORED, :]
    return F.cross_entropy(pred.reshape(-1, pred.shape[-1]).float(), ids[:, -SCORED:].reshape(-1))


def time_steps(step, reps: int, warmup: int, device: str) -> float:
    sync = torch.cuda.synchronize if device == 'cuda' else (lambda: None)
    for _ in range(warmup):
        step()
        sync()
    t0 = time.perf_counter()
    for _ in range(reps):
        step()
        sync()
    return (time.perf_counter() - t0) / reps


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument('--json', action='store_true')
    ap.add_argument('--rows', type=int, default=8)
    ap.add_argument('--tokens', type=int, default=128)
    ap.add_argument('--virtual', type=int, default=16)
    ap.add_argument('--reps', type=int, default=20)
    ap.add_argument('--warmup', type=int, default=5)
    ap.add_argument('--layers', type=int, default=12)
    ap.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    a = ap.parse_args()
    dev = a.device
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False

    base = build_model(a.layers, dev)
    layer_params = sum(p.numel() for p in base.transformer.h.parameters())
    all_params = sum(p.numel() for p in base.parameters())
    ids, labels, mask = batch(a.rows, a.tokens, base.config.vocab_size, dev)
    tok = a.rows * (a.virtual + a.tokens)

    model = get_peft_model(base, PromptTuningConfig(task_type=TaskType.CAUSAL_LM, num_virtual_tokens=a.virtual))
    trainable = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(trainable, lr=3e-2)
    results = []
    losses = {}

    def record(name: str, step, note: str):
        if dev == 'cuda':
            torch.cuda.reset_peak_memory_stats()
        try:
            s = time_steps(step, a.reps, a.warmup, dev)
        except Exception as e:  # a variant the installed versions do not support: say so, keep the others
            results.append({'variant': name, 'error': f'{type(e).__name__}: {e}'.split('\n')[0], 'note': note})
            return
        results.append({
            'variant': name,
            'stepMs': s * 1000,
            'tokensPerSecond': tok / s,
            'gflops': 4 * layer_params * tok / s / 1e9,
            'peakMemoryMiB': torch.cuda.max_memory_allocated() / 2**20 if dev == 'cuda' else None,
            'loss': losses.get(name),
            'note': note,
        })

    def peft_scored():
        opt.zero_grad(set_to_none=True)
        out = model(input_ids=ids, attention_mask=mask, logits_to_keep=SCORED + 1)
        loss = scored_loss(out.logits, ids)
        loss.backward()
        opt.step()
        losses['peft_scored'] = loss.item()

    def peft_default():
        opt.zero_grad(set_to_none=True)
        out = model(input_ids=ids, attention_mask=mask, labels=labels)
        out.loss.backward()
        opt.step()
        losses['peft_default'] = out.loss.item()

    record('peft_scored', peft_scored, 'PEFT prompt tuning, logits only at the scored positions (logits_to_keep), as the engine')
    record('peft_default', peft_default, 'PEFT prompt tuning as usually called: logits and loss over every position')

    # No PEFT: the same prompt as a plain parameter in front of the (frozen) token embeddings.
    prompt = torch.nn.Parameter(torch.randn(a.virtual, 768, device=dev) * 0.02)
    popt = torch.optim.AdamW([prompt], lr=3e-2)
    wte = base.get_input_embeddings()

    def plain_scored():
        popt.zero_grad(set_to_none=True)
        emb = torch.cat([prompt.unsqueeze(0).expand(a.rows, -1, -1), wte(ids)], dim=1)
        m = torch.ones(a.rows, a.virtual + a.tokens, dtype=mask.dtype, device=dev)
        out = base(inputs_embeds=emb, attention_mask=m, logits_to_keep=SCORED + 1)
        loss = scored_loss(out.logits, ids)
        loss.backward()
        popt.step()
        losses['plain_scored'] = loss.item()

    record('plain_scored', plain_scored, 'no PEFT: prompt parameter concatenated to the embeddings by hand, scored logits only')

    if dev == 'cuda':
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True

        def peft_scored_tf32():
            peft_scored()
            losses['peft_scored_tf32'] = losses['peft_scored']

        record('peft_scored_tf32', peft_scored_tf32, 'peft_scored with TF32 matmuls allowed (not f32-exact), for reference')
        torch.backends.cuda.matmul.allow_tf32 = False

    info = {
        'device': torch.cuda.get_device_name(0) if dev == 'cuda' else 'cpu',
        'torch': torch.__version__,
        'transformers': transformers.__version__,
        'peft': peft.__version__,
        'attn_implementation': getattr(base.config, '_attn_implementation', None),
        'model': f'gpt2-small shape, random weights, {a.layers} layers',
        'parameters': all_params,
        'layerParameters': layer_params,
        'batch': f'{a.rows}x({a.virtual}+{a.tokens})',
        'tokensPerStep': tok,
        'scoredPerRow': SCORED,
        'dtype': 'float32',
        'reps': a.reps,
        'warmup': a.warmup,
        'results': results,
    }
    if a.json:
        print(json.dumps(info, indent=2))
    else:
        print(f"{info['device']}, torch {info['torch']}, transformers {info['transformers']}, peft {info['peft']}, "
              f"attention {info['attn_implementation']}; {info['model']}, batch {info['batch']}")
        for r in results:
            if 'error' in r:
                print(f"{r['variant']:18} ERROR {r['error']}")
            else:
                print(f"{r['variant']:18} {r['stepMs']:8.2f} ms/step  {r['tokensPerSecond']:10.0f} tokens/s  "
                      f"{r['gflops']:8.1f} GFLOP/s  loss {r['loss']:.4f}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
