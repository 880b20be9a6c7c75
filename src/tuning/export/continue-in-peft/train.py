#!/usr/bin/env python3
"""Continue a Soft Prompt Studio run with Hugging Face transformers + PEFT + accelerate, on one GPU or many.

    pip install -r requirements.txt
    accelerate launch train.py                 # add --steps, --lr, --batch-size, --out ... (see --help)

Beside this file: studio.json (the model, the method, the hyper-parameters, how a row is built, the labels),
data.jsonl (the table with its split column) and start.safetensors (the studio's trained parameters under the
names of PEFT's prompt encoder). The script
  1. loads the base checkpoint by Hub id and revision (or --model DIR),
  2. builds every row exactly as the studio did (build_row below: the template, the checkpoint's special tokens,
     the answer's leading space, EOS or the chat template's end of turn) and checks the first rows against the
     token ids the studio recorded,
  3. creates the PEFT model and loads the studio's prompt into its prompt encoder (PEFT cannot resume a prompt
     adapter by itself: it saves only the encoder's output, so the encoder's own weights come from
     start.safetensors), and checks that the encoder reproduces the exported adapter_model.safetensors,
  4. evaluates the start, trains, evaluates again with the studio's metric (rank classification: accuracy and
     macro-F1; free text: greedy generation scored by exact match, token F1, ROUGE-L and chrF), and
  5. saves a PEFT adapter (adapter_config.json + adapter_model.safetensors) that the studio can import again.

torch, transformers, peft and accelerate are imported when the script runs, not when it is imported, so that
the row builder and the metrics can be checked on a machine without them (the studio's tests do that).
"""

import argparse
import itertools
import json
import os
import re
import string
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
INPUT_SLOT = "{input}"
IGNORE_INDEX = -100
ADAPTER_NAME = "default"


class StudioExportError(Exception):
    """Something in the export or the setup does not fit; the message says what and what to do."""


# ── rows, as the studio builds them ──────────────────────────────────────────────────────────────────────────


def render_template(template, text):
    """The prompt text for one input: the template with {input} replaced (it holds {input} exactly once)."""
    parts = template.split(INPUT_SLOT)
    if len(parts) != 2:
        raise StudioExportError(f"the template must contain {INPUT_SLOT} exactly once: {template!r}")
    return parts[0] + text + parts[1]


def answer_text(output, rows):
    """The answer as it is scored: one leading space (the GPT-2 / Llama BPE convention) unless the studio turned it
    off (through the chat template) or the answer already starts with whitespace."""
    if rows["answer_leading_space"] and not output[:1].isspace():
        return " " + output
    return output


def encode(tokenizer, text, add_special_tokens):
    return list(tokenizer(text, add_special_tokens=add_special_tokens)["input_ids"])


def answer_end_ids(tokenizer, rows):
    """What follows the answer: EOS for free text (the chat template's end of turn through it); none for labels."""
    if rows["task"] != "generation":
        return []
    if rows["chat_template"]:
        return encode(tokenizer, rows["answer_end_text"], add_special_tokens=False)
    return [] if tokenizer.eos_token_id is None else [tokenizer.eos_token_id]


def prompt_ids_of(tokenizer, rows, input_text):
    """The prompt's ids. Plain: tokenizer(text) with the checkpoint's own special tokens (BOS for Llama 3, Gemma;
    none for GPT-2, Qwen, SmolLM2). Chat: the rendered user turn with the generation prompt, tokenised without
    special tokens (the chat template writes its own)."""
    text = render_template(rows["template"], input_text)
    if rows["chat_template"]:
        messages = [{"role": "user", "content": text}]
        text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return encode(tokenizer, text, add_special_tokens=False)
    return encode(tokenizer, text, add_special_tokens=True)


def build_row(tokenizer, rows, input_text, output):
    """One row as the studio builds it: (prompt_ids, target_ids). The prompt and the answer are tokenised
    separately (so the boundary between them is exact), the answer without special tokens, then EOS (or the end of
    turn) for free text. The model is trained on prompt_ids + target_ids with labels -100 on the prompt; virtual
    tokens sit in front of all of it, as PEFT prepends them."""
    output = output.strip()
    prompt = prompt_ids_of(tokenizer, rows, input_text)
    answer = encode(tokenizer, answer_text(output, rows), add_special_tokens=False)
    return prompt, answer + answer_end_ids(tokenizer, rows)


def label_continuations(tokenizer, rows, labels):
    """Each label's tokens as rank classification scores them after the prompt (no EOS)."""
    return [encode(tokenizer, answer_text(name, rows), add_special_tokens=False) for name in labels]


def check_rows(tokenizer, studio):
    """The tokenizer must build the studio's rows: the recorded rows' ids, the labels' ids and the special tokens."""
    rows = studio["rows"]
    problems = []
    for i, want in enumerate(studio.get("row_check", [])):
        prompt, target = build_row(tokenizer, rows, want["input"], want["output"])
        if prompt != want["prompt_ids"] or target != want["target_ids"]:
            problems.append(
                f"row {i + 1} ({want['input'][:40]!r}): this tokenizer gives prompt {prompt} + answer {target}, "
                f"the studio trained on {want['prompt_ids']} + {want['target_ids']}"
            )
    labels = [label["name"] for label in studio.get("labels", [])]
    for label, ids in zip(studio.get("labels", []), label_continuations(tokenizer, rows, labels)):
        if ids != label["ids"]:
            problems.append(f"label {label['name']!r}: this tokenizer gives {ids}, the studio scored {label['ids']}")
    if rows["task"] == "generation" and answer_end_ids(tokenizer, rows) != rows["answer_end_ids"]:
        problems.append(f"the answer ends with {answer_end_ids(tokenizer, rows)} here, {rows['answer_end_ids']} in the studio")
    if problems:
        raise StudioExportError(
            "the rows built here differ from the studio's, so the prompt would be trained on other inputs "
            "(another tokenizer or revision?):\n  " + "\n  ".join(problems[:5]) + "\n(--no-row-check skips this check)"
        )


# ── the table ────────────────────────────────────────────────────────────────────────────────────────────────


def read_jsonl(path):
    """data.jsonl: one {"input", "output", "split"} object per line; split is "train" or "validation"."""
    examples = []
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise StudioExportError(f"{path} line {line_no}: not JSON ({e})") from e
            if not isinstance(row.get("input"), str) or not isinstance(row.get("output"), str):
                raise StudioExportError(f'{path} line {line_no}: needs "input" and "output" strings')
            split = row.get("split", "train")
            if split not in ("train", "validation"):
                raise StudioExportError(f'{path} line {line_no}: split must be "train" or "validation" (got {split!r})')
            examples.append({"input": row["input"], "output": row["output"].strip(), "split": split})
    return examples


# ── metrics, as the studio computes them ─────────────────────────────────────────────────────────────────────


def accuracy(truth, predicted):
    return sum(t == p for t, p in zip(truth, predicted)) / len(truth) if truth else float("nan")


def macro_f1(truth, predicted, n):
    """scikit-learn's f1_score(average="macro"): the mean F1 over the classes present in truth or predictions."""
    scores = []
    for k in range(n):
        support = sum(t == k for t in truth)
        chosen = sum(p == k for p in predicted)
        if support + chosen == 0:
            continue
        hits = sum(t == k and p == k for t, p in zip(truth, predicted))
        scores.append(2 * hits / (support + chosen))
    return sum(scores) / len(scores) if scores else float("nan")


def exact_match(prediction, reference):
    """Equal after trimming surrounding whitespace, case-sensitive."""
    return float(prediction.strip() == reference.strip())


PUNCTUATION = set(string.punctuation)


def normalize_answer(s):
    """SQuAD's normalize_answer: lower case, no punctuation, no articles, single spaces."""
    s = "".join(ch for ch in s.lower() if ch not in PUNCTUATION)
    s = re.sub(r"\b(a|an|the)\b", " ", s)
    return " ".join(s.split())


def token_f1(prediction, reference):
    """SQuAD v2.0's compute_f1 (bag-of-tokens overlap); 1 when both are empty, 0 when one is."""
    pred = normalize_answer(prediction).split()
    ref = normalize_answer(reference).split()
    if not pred or not ref:
        return float(pred == ref)
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def text_metrics(predictions, references):
    """Exact match, token F1 and ROUGE-L (rouge_score, no stemmer) averaged over examples, 0-1; corpus chrF
    (sacreBLEU's defaults), 0-100."""
    from rouge_score import rouge_scorer
    from sacrebleu.metrics import CHRF

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False)
    n = len(predictions)
    return {
        "exact_match": sum(map(exact_match, predictions, references)) / n,
        "token_f1": sum(map(token_f1, predictions, references)) / n,
        "rouge_l": sum(scorer.score(r, p)["rougeL"].fmeasure for p, r in zip(predictions, references)) / n,
        "chrf": CHRF().corpus_score(predictions, [references]).score,
    }


# ── PEFT ─────────────────────────────────────────────────────────────────────────────────────────────────────


def peft_config_of(studio):
    """PEFT's config for the studio's method, from the fields of its adapter_config.json. Prompt tuning starts from
    RANDOM whatever init the studio used: the values are overwritten from start.safetensors."""
    from peft import PrefixTuningConfig, PromptEncoderConfig, PromptTuningConfig, TaskType

    c = studio["peft_config"]
    kind, p = c["peft_type"], c["num_virtual_tokens"]
    if kind == "PROMPT_TUNING":
        return PromptTuningConfig(task_type=TaskType.CAUSAL_LM, num_virtual_tokens=p, prompt_tuning_init="RANDOM")
    if kind == "PREFIX_TUNING":
        return PrefixTuningConfig(
            task_type=TaskType.CAUSAL_LM,
            num_virtual_tokens=p,
            prefix_projection=c["prefix_projection"],
            encoder_hidden_size=c["encoder_hidden_size"],
        )
    if kind == "P_TUNING":
        return PromptEncoderConfig(
            task_type=TaskType.CAUSAL_LM,
            num_virtual_tokens=p,
            encoder_reparameterization_type=c["encoder_reparameterization_type"],
            encoder_hidden_size=c["encoder_hidden_size"],
            encoder_num_layers=c["encoder_num_layers"],
            encoder_dropout=c["encoder_dropout"],
        )
    raise StudioExportError(f"peft_type {kind!r} in studio.json is not one this script continues")


def load_start(model, path):
    """The studio's parameters into PEFT's prompt encoder: prompt_embeddings into the prompt tuning embedding;
    the prefix table (and its projection MLP) into the prefix encoder; the P-tuning encoder's input embedding,
    LSTM and MLP weights into PEFT's PromptEncoder. Names and shapes must match PEFT's exactly."""
    from safetensors.torch import load_file

    encoder = model.prompt_encoder[ADAPTER_NAME]
    start = load_file(path)
    own = encoder.state_dict()
    problems = [f"{k} is missing from {os.path.basename(path)}" for k in own if k not in start]
    problems += [f"{k} is not a parameter of PEFT's encoder" for k in start if k not in own]
    problems += [
        f"{k} is {list(start[k].shape)} here but PEFT's encoder has {list(own[k].shape)}"
        for k in start
        if k in own and start[k].shape != own[k].shape
    ]
    if problems:
        raise StudioExportError(
            f"{os.path.basename(path)} does not fit this model's {type(encoder).__name__} "
            f"(trained for another model?): " + "; ".join(problems)
        )
    encoder.load_state_dict({k: v.to(own[k].dtype) for k, v in start.items()}, strict=True)


def check_against_adapter(model, path):
    """The encoder, loaded from start.safetensors, must give the exported prompt_embeddings (what PEFT saves)."""
    import torch
    from safetensors.torch import load_file

    if not os.path.exists(path):
        return None
    exported = load_file(path)["prompt_embeddings"].float()
    model.eval()
    with torch.no_grad():
        mine = model.get_prompt_embedding_to_save(ADAPTER_NAME).float()
    if mine.shape != exported.shape:
        raise StudioExportError(f"the encoder gives {list(mine.shape)} but {path} holds {list(exported.shape)}")
    diff = (mine - exported).abs().max().item()
    scale = max(1.0, exported.abs().max().item())
    if diff > 1e-3 * scale:
        raise StudioExportError(f"the encoder does not reproduce {path}: largest difference {diff:.3g}")
    return diff


# ── batches and scores ───────────────────────────────────────────────────────────────────────────────────────


def pad_rows(rows, labels, pad_id):
    """Right-padded input_ids, attention_mask and labels (-100 on padding)."""
    import torch

    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    lab = torch.full((len(rows), width), IGNORE_INDEX, dtype=torch.long)
    for i, (r, lb) in enumerate(zip(rows, labels)):
        ids[i, : len(r)] = torch.tensor(r)
        mask[i, : len(r)] = 1
        lab[i, : len(lb)] = torch.tensor(lb)
    return {"input_ids": ids, "attention_mask": mask, "labels": lab}


def token_logprobs(model, batch):
    """log p(token t | tokens before it, the virtual tokens) at each labelled position, summed per row, and the
    number of labelled tokens. The last T logits are the row's (prompt tuning puts the P virtual tokens first)."""
    import torch

    ids, mask, labels = batch["input_ids"], batch["attention_mask"], batch["labels"]
    logits = model(input_ids=ids, attention_mask=mask).logits[:, -ids.shape[1] :, :].float()
    logp = torch.log_softmax(logits[:, :-1, :], dim=-1)
    target = labels[:, 1:]
    valid = target != IGNORE_INDEX
    picked = logp.gather(-1, target.clamp(min=0).unsqueeze(-1)).squeeze(-1) * valid
    return picked.sum(dim=1), valid.sum(dim=1)


def shard(accelerator, items):
    """This process's share of `items`; gathered back in order by gather()."""
    with accelerator.split_between_processes(list(enumerate(items))) as mine:
        return mine


def gather(accelerator, results):
    from accelerate.utils import gather_object

    return [r for _, r in sorted(gather_object(results), key=lambda x: x[0])]


def evaluate(accelerator, model, tokenizer, studio, rows, batch_size):
    """The studio's evaluation of the validation rows: rank classification (each label's summed log-likelihood
    after the prompt, the best one wins) or greedy generation with the free-text metrics; and the validation loss
    (mean cross-entropy over target tokens)."""
    import torch

    model.eval()
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    mine = shard(accelerator, rows)
    out = []
    with torch.no_grad():
        for start in range(0, len(mine), batch_size):
            chunk = mine[start : start + batch_size]
            batch = pad_rows([r["prompt"] + r["target"] for _, r in chunk], [[IGNORE_INDEX] * len(r["prompt"]) + r["target"] for _, r in chunk], pad)
            lp, n = token_logprobs(model, {k: v.to(accelerator.device) for k, v in batch.items()})
            for (i, _), a, b in zip(chunk, lp.tolist(), n.tolist()):
                out.append((i, {"loss_sum": -a, "tokens": b}))
    scored = gather(accelerator, out)
    report = {"examples": len(rows), "validation_loss": sum(s["loss_sum"] for s in scored) / max(1, sum(s["tokens"] for s in scored))}
    if studio["rows"]["task"] == "classification":
        report.update(rank_classification(accelerator, model, studio, mine, rows, pad, batch_size))
    else:
        report.update(generation(accelerator, model, tokenizer, studio, mine, rows))
    return report


def rank_classification(accelerator, model, studio, mine, rows, pad, batch_size):
    import torch

    names = [label["name"] for label in studio["labels"]]
    conts = [label["ids"] for label in studio["labels"]]
    preds = []
    with torch.no_grad():
        for start in range(0, len(mine), batch_size):
            chunk = mine[start : start + batch_size]
            # One row per (example, label): prompt + the label's tokens, only the label's tokens scored. (The studio
            # reads single-token labels off the prompt's next-token distribution: the same numbers.)
            seqs = [r["prompt"] + c for _, r in chunk for c in conts]
            labs = [[IGNORE_INDEX] * len(r["prompt"]) + c for _, r in chunk for c in conts]
            batch = pad_rows(seqs, labs, pad)
            lp, _ = token_logprobs(model, {k: v.to(accelerator.device) for k, v in batch.items()})
            scores = lp.view(len(chunk), len(conts)).tolist()
            for (i, r), s in zip(chunk, scores):
                best = max(range(len(s)), key=lambda k: (s[k], -k))
                preds.append((i, {"predicted": best, "truth": names.index(r["output"]) if r["output"] in names else -1}))
    got = gather(accelerator, preds)
    truth, predicted = [g["truth"] for g in got], [g["predicted"] for g in got]
    return {"accuracy": accuracy(truth, predicted), "macro_f1": macro_f1(truth, predicted, len(names))}


def generation(accelerator, model, tokenizer, studio, mine, rows):
    """Greedy decoding of each prompt (one at a time, no padding: as the studio does), at most the reference's
    length + 2 tokens, stopping at EOS (and the end of turn through the chat template)."""
    import torch

    stop = list(studio["stop_ids"])
    net = accelerator.unwrap_model(model)
    texts = []
    with torch.no_grad():
        for i, r in mine:
            ids = torch.tensor([r["prompt"]], device=accelerator.device)
            seq = net.generate(
                input_ids=ids,
                attention_mask=torch.ones_like(ids),
                max_new_tokens=len(r["target"]) + 2,
                do_sample=False,
                eos_token_id=stop or None,
                pad_token_id=tokenizer.pad_token_id if tokenizer.pad_token_id is not None else (stop or [0])[0],
            )[0].tolist()
            new = seq[len(r["prompt"]) :] if seq[: len(r["prompt"])] == r["prompt"] else seq
            for k, t in enumerate(new):
                if t in stop:
                    new = new[:k]
                    break
            texts.append((i, tokenizer.decode(new, skip_special_tokens=True).strip()))
    predictions = gather(accelerator, texts)
    metrics = text_metrics(predictions, [r["output"] for r in rows])
    return {"accuracy": metrics["exact_match"], **metrics}


# ── the run ──────────────────────────────────────────────────────────────────────────────────────────────────


def hub_source(studio, args):
    if args.model:
        return args.model, args.revision
    model = studio["model"]
    if not model.get("hub_id"):
        raise StudioExportError(
            f"this prompt was trained on {model['label']!r}, which is not a Hugging Face Hub model: pass --model with "
            "its checkpoint folder (config.json, the safetensors weights, tokenizer.json, tokenizer_config.json)"
        )
    return model["hub_id"], args.revision or model["revision"]


def parse_args(studio):
    t = studio["train"]
    ap = argparse.ArgumentParser(description="Continue a Soft Prompt Studio prompt with PEFT (run with accelerate launch).")
    ap.add_argument("--model", help="a Hub id or a local checkpoint folder (default: the studio's model)")
    ap.add_argument("--revision", help="the Hub revision (default: the studio's)")
    ap.add_argument("--steps", type=int, default=t["steps"], help="optimiser steps (default: the studio run's)")
    ap.add_argument("--lr", type=float, default=t["learning_rate"])
    ap.add_argument("--batch-size", type=int, default=t["batch_size"], help="rows per GPU per step (global batch = this × GPUs)")
    ap.add_argument("--warmup-steps", type=int, default=t["warmup_steps"])
    ap.add_argument("--schedule", choices=["constant", "linear", "cosine"], default=t["schedule"])
    ap.add_argument("--weight-decay", type=float, default=t["weight_decay"])
    ap.add_argument("--clip-norm", type=float, default=t["clip_norm"], help="global gradient-norm clip; 0 = off")
    ap.add_argument("--prompt-dropout", type=float, default=t["prompt_dropout"])
    ap.add_argument("--eval-every", type=int, default=t["eval_every"], help="steps between evaluations; 0 = only at the end")
    ap.add_argument("--eval-batch-size", type=int, default=16)
    ap.add_argument("--eval-limit", type=int, default=0, help="evaluate on the first N validation rows only; 0 = all")
    ap.add_argument("--seed", type=int, default=t["seed"])
    ap.add_argument("--dtype", choices=["float32", "bfloat16", "float16", "auto"], default="float32",
                    help="the frozen model's weights (float32 as in the studio; bfloat16 for large models)")
    ap.add_argument("--out", default=os.path.join(HERE, "adapter"), help="where the PEFT adapter is saved")
    ap.add_argument("--data", default=os.path.join(HERE, "data.jsonl"))
    ap.add_argument("--no-row-check", action="store_true", help="skip comparing the rows with the studio's ids")
    ap.add_argument("--print-rows", type=int, metavar="N", help="print the first N rows' token ids and stop")
    return ap.parse_args()


def main():
    with open(os.path.join(HERE, "studio.json"), encoding="utf-8") as f:
        studio = json.load(f)
    args = parse_args(studio)
    try:
        import torch
        from accelerate import Accelerator
        from accelerate.utils import set_seed
        from peft import get_peft_model
        from transformers import AutoModelForCausalLM, AutoTokenizer, get_scheduler
    except ImportError as e:
        raise StudioExportError(f"{e.name} is not installed: pip install -r requirements.txt") from e

    model_id, revision = hub_source(studio, args)
    tokenizer = AutoTokenizer.from_pretrained(model_id, revision=revision)
    examples = read_jsonl(args.data)
    rows = studio["rows"]
    for ex in examples:
        ex["prompt"], ex["target"] = build_row(tokenizer, rows, ex["input"], ex["output"])
    if args.print_rows:
        for ex in examples[: args.print_rows]:
            print(json.dumps({"input": ex["input"], "prompt_ids": ex["prompt"], "target_ids": ex["target"]}))
        return
    if not args.no_row_check:
        check_rows(tokenizer, studio)

    accelerator = Accelerator()
    set_seed(args.seed)
    log = accelerator.print
    dtype = args.dtype if args.dtype == "auto" else getattr(torch, args.dtype)
    base = AutoModelForCausalLM.from_pretrained(model_id, revision=revision, dtype=dtype)
    model = get_peft_model(base, peft_config_of(studio))
    load_start(model, os.path.join(HERE, "start.safetensors"))
    diff = check_against_adapter(model, os.path.join(HERE, "..", "adapter_model.safetensors"))
    if diff is not None:
        log(f"start: the studio's prompt (reproduces ../adapter_model.safetensors, largest difference {diff:.2g})")
    if args.prompt_dropout > 0:
        # The studio's virtual-token dropout: inverted dropout on the encoder's output while training.
        model.prompt_encoder[ADAPTER_NAME].register_forward_hook(
            lambda module, _inputs, output: torch.nn.functional.dropout(output, args.prompt_dropout, module.training)
        )

    train = [e for e in examples if e["split"] == "train"]
    validation = [e for e in examples if e["split"] == "validation"]
    if args.eval_limit:
        validation = validation[: args.eval_limit]
    if not train:
        raise StudioExportError(f'{args.data} has no rows with split "train"')
    limit = getattr(base.config, "max_position_embeddings", None)
    virtual = studio["peft_config"]["num_virtual_tokens"]
    long_rows = [i + 1 for i, e in enumerate(examples) if limit and len(e["prompt"]) + len(e["target"]) + virtual > limit]
    if long_rows:
        raise StudioExportError(f"rows {long_rows[:10]} are longer than the model's {limit} positions minus {virtual} virtual tokens")

    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0

    def collate(chunk):
        return pad_rows([e["prompt"] + e["target"] for e in chunk], [[IGNORE_INDEX] * len(e["prompt"]) + e["target"] for e in chunk], pad)

    loader = torch.utils.data.DataLoader(train, batch_size=args.batch_size, shuffle=True, collate_fn=collate, generator=torch.Generator().manual_seed(args.seed))
    trainable = [p for p in model.parameters() if p.requires_grad]
    t = studio["train"]
    optimizer = torch.optim.AdamW(trainable, lr=args.lr, betas=(t["beta1"], t["beta2"]), eps=1e-8, weight_decay=args.weight_decay)
    # transformers' schedules, as the studio's (the first warm-up step has lr 0). Stepped here once per update:
    # accelerate's wrapped scheduler would step once per process.
    name = {"constant": "constant_with_warmup", "linear": "linear", "cosine": "cosine"}[args.schedule]
    scheduler = get_scheduler(name, optimizer, num_warmup_steps=args.warmup_steps, num_training_steps=args.steps)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    def report(step, label):
        if not validation:
            return None
        r = evaluate(accelerator, model, tokenizer, studio, validation, args.eval_batch_size)
        shown = ", ".join(f"{k} {v:.4f}" for k, v in r.items() if k not in ("examples",))
        log(f"{label} (step {step}, {r['examples']} validation rows): {shown}")
        return r

    start_report = report(0, "studio's prompt")
    log(f"training {args.steps} steps, {len(train)} rows, {args.batch_size} per GPU × {accelerator.num_processes} GPUs")
    history = []
    batches = (batch for epoch in itertools.count() for batch in loader)
    for step in range(1, args.steps + 1):
        model.train()
        batch = next(batches)
        loss = model(**batch).loss
        if not torch.isfinite(loss):
            raise StudioExportError(f"the loss became {loss.item()} at step {step}; lower the learning rate (now {args.lr})")
        accelerator.backward(loss)
        if args.clip_norm > 0:
            accelerator.clip_grad_norm_(trainable, args.clip_norm)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        history.append(accelerator.gather(loss.detach().reshape(1)).mean().item())
        if step % 10 == 0 or step == args.steps:
            log(f"step {step}: loss {history[-1]:.4f}, lr {scheduler.get_last_lr()[0]:.3g}")
        if args.eval_every and step % args.eval_every == 0 and step != args.steps:
            report(step, "tuned")
    final = report(args.steps, "tuned")

    accelerator.wait_for_everyone()
    net = accelerator.unwrap_model(model)
    net.eval()
    net.save_pretrained(args.out, is_main_process=accelerator.is_main_process)
    if accelerator.is_main_process:
        with open(os.path.join(args.out, "metrics.json"), "w", encoding="utf-8") as f:
            json.dump({"model": model_id, "revision": revision, "steps": args.steps, "losses": history, "start": start_report, "tuned": final}, f, indent=2)
        log(f"saved the PEFT adapter to {args.out} (PeftModel.from_pretrained(model, {args.out!r}); the studio imports it too)")


if __name__ == "__main__":
    try:
        main()
    except StudioExportError as e:
        print(f"train.py: {e}", file=sys.stderr)
        sys.exit(2)
