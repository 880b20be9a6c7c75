#!/usr/bin/env python3
"""Torch modules laid out as PEFT's prompt encoders, loaded from the studio's start.safetensors (strict), must give the
studio's exported prompt_embeddings. Run after export-encoders.ts (see its header); needs torch only."""
import glob
import json
import os
import struct
import sys

import torch
from torch import nn


def read_safetensors(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8 : 8 + n])
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        start, end = t["data_offsets"]
        assert t["dtype"] == "F32", t["dtype"]
        out[name] = torch.frombuffer(bytearray(data[8 + n + start : 8 + n + end]), dtype=torch.float32).reshape(t["shape"])
    return out


class Encoder(nn.Module):
    """PEFT's PromptEmbedding / PrefixEncoder / PromptEncoder (training mode), with PEFT's attribute names."""

    def __init__(self, o):
        super().__init__()
        self.o = o
        p, c, h = o["virtualTokens"], o["hidden"], o.get("encoderHidden", 0)
        if o["method"] == "ptuning":
            self.embedding = nn.Embedding(p, c)
            if o["encoder"] == "LSTM":
                self.lstm_head = nn.LSTM(input_size=c, hidden_size=h, num_layers=2, dropout=0.0, bidirectional=True, batch_first=True)
                self.mlp_head = nn.Sequential(nn.Linear(2 * h, 2 * h), nn.ReLU(), nn.Linear(2 * h, c))
            else:
                self.mlp_head = nn.Sequential(nn.Linear(c, h), nn.ReLU(), nn.Linear(h, h), nn.ReLU(), nn.Linear(h, c))
        elif o["method"] == "prefix" and o["projection"]:
            self.embedding = nn.Embedding(p, o["kvDim"])
            self.transform = nn.Sequential(nn.Linear(o["kvDim"], h), nn.Tanh(), nn.Linear(h, o["width"]))
        else:
            self.embedding = nn.Embedding(p, o["width"] if o["method"] == "prefix" else c)

    def forward(self, indices):
        x = self.embedding(indices)
        if self.o["method"] == "ptuning":
            return self.mlp_head(self.lstm_head(x)[0] if self.o["encoder"] == "LSTM" else x)
        if self.o["method"] == "prefix" and self.o["projection"]:
            return self.transform(x)
        return x


worst = 0.0
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    base = path[: -len(".json")]
    o = json.load(open(path))
    encoder = Encoder(o)
    encoder.load_state_dict(read_safetensors(base + ".start.safetensors"), strict=True)
    want = read_safetensors(base + ".adapter.safetensors")["prompt_embeddings"]
    with torch.no_grad():
        got = encoder(torch.arange(o["virtualTokens"]).unsqueeze(0))[0]
    diff = (got - want).abs().max().item()
    worst = max(worst, diff / max(1.0, want.abs().max().item()))
    print(f"{os.path.basename(base)}: {list(got.shape)}, largest |torch - studio| {diff:.3g}")
sys.exit(0 if worst < 1e-5 else 1)
