import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultGoldenDir, listGoldenCases } from '../../../cli/golden-case.ts';
import { parseModelConfig } from '../../../src/engine/model/config.ts';
import type { MethodOptions } from '../../../src/tuning/methods/method.ts';
import { peftConfig, peftConfigJson } from '../../../src/tuning/export/peft-config.ts';

// Every field PEFT's config dataclasses write for these methods (PeftConfig + PromptLearningConfig + the
// method's own); our configs may hold no other key.
const PEFT_FIELDS = new Set([
  'peft_type', 'task_type', 'auto_mapping', 'base_model_name_or_path', 'revision', 'inference_mode',
  'num_virtual_tokens', 'token_dim', 'num_transformer_submodules', 'num_attention_heads', 'num_layers',
  'prompt_tuning_init', 'prompt_tuning_init_text', 'tokenizer_name_or_path', 'tokenizer_kwargs',
  'encoder_hidden_size', 'prefix_projection',
  'encoder_reparameterization_type', 'encoder_num_layers', 'encoder_dropout',
]);

function caseOptions(method: 'prompt' | 'prefix', P: number): MethodOptions {
  return method === 'prompt'
    ? { method: 'prompt', virtualTokens: P, init: 'random', initText: '' }
    : { method: 'prefix', virtualTokens: P, projection: false, encoderHidden: 999 };
}

describe('peftConfig equals the fixtures’ peft_config', () => {
  for (const dir of listGoldenCases(defaultGoldenDir())) {
    const name = dir.split('/').pop()!;
    it(name, () => {
      const caseJson = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { method: 'prompt' | 'prefix'; num_virtual_tokens: number; peft_config: Record<string, unknown> };
      const cfg = parseModelConfig(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')));
      const ours = peftConfig(cfg, caseOptions(caseJson.method, caseJson.num_virtual_tokens), { baseModel: null }) as unknown as Record<string, unknown>;
      // Field by field, so a failure names the field.
      for (const [key, want] of Object.entries(caseJson.peft_config)) expect({ key, value: ours[key] }).toEqual({ key, value: want });
      for (const key of Object.keys(ours)) expect(PEFT_FIELDS.has(key), `unexpected field ${key}`).toBe(true);
      // Our extra keys are PEFT's defaults for a RANDOM-init / unprojected adapter.
      expect(ours.revision).toBeNull();
      if (caseJson.method === 'prompt') expect([ours.prompt_tuning_init_text, ours.tokenizer_name_or_path]).toEqual([null, null]);
    });
  }
});

describe('peftConfig beyond the fixtures', () => {
  const llama = parseModelConfig({
    model_type: 'llama', hidden_size: 96, num_hidden_layers: 3, num_attention_heads: 6, num_key_value_heads: 2,
    head_dim: 24, intermediate_size: 64, vocab_size: 50,
  });
  const gpt2 = parseModelConfig({ model_type: 'gpt2', n_embd: 64, n_layer: 2, n_head: 4, vocab_size: 50 });

  it('prefix tuning on GQA uses KVH·head_dim (an explicit head_dim ≠ C/H) and KVH heads; GPT-2 keeps C and H', () => {
    const p = peftConfig(llama, { method: 'prefix', virtualTokens: 7, projection: false, encoderHidden: 128 }, { baseModel: 'x/y' });
    expect([p.token_dim, p.num_attention_heads, p.num_layers]).toEqual([2 * 24, 2, 3]);
    expect(p.peft_type === 'PREFIX_TUNING' && p.encoder_hidden_size).toBe(48); // unset → token_dim
    const g = peftConfig(gpt2, { method: 'prefix', virtualTokens: 7, projection: true, encoderHidden: 128 }, { baseModel: null });
    expect([g.token_dim, g.num_attention_heads]).toEqual([64, 4]);
    expect(g.peft_type === 'PREFIX_TUNING' && [g.encoder_hidden_size, g.prefix_projection]).toEqual([128, true]);
  });

  it('prompt tuning records TEXT init with its text and tokenizer, SAMPLE_VOCAB without', () => {
    const t = peftConfig(llama, { method: 'prompt', virtualTokens: 8, init: 'text', initText: 'Classify:' }, { baseModel: 'HuggingFaceTB/SmolLM2-135M' });
    expect(t).toMatchObject({ peft_type: 'PROMPT_TUNING', prompt_tuning_init: 'TEXT', prompt_tuning_init_text: 'Classify:', tokenizer_name_or_path: 'HuggingFaceTB/SmolLM2-135M', token_dim: 96, num_attention_heads: 6 });
    const v = peftConfig(llama, { method: 'prompt', virtualTokens: 8, init: 'vocab', initText: 'unused' }, { baseModel: 'm' });
    expect(v).toMatchObject({ prompt_tuning_init: 'SAMPLE_VOCAB', prompt_tuning_init_text: null, tokenizer_name_or_path: null });
  });

  it('P-tuning uses the hidden size (never the KV layout) and the encoder settings', () => {
    const p = peftConfig(llama, { method: 'ptuning', virtualTokens: 10, encoder: 'LSTM', encoderHidden: 32 }, { baseModel: 'm' });
    expect(p).toMatchObject({ peft_type: 'P_TUNING', token_dim: 96, num_attention_heads: 6, encoder_reparameterization_type: 'LSTM', encoder_hidden_size: 32, encoder_num_layers: 2 });
  });

  it('writes JSON as PEFT does: keys sorted, indent 2, encoder_dropout as a float', () => {
    const p = peftConfig(llama, { method: 'ptuning', virtualTokens: 10, encoder: 'MLP', encoderHidden: 32 }, { baseModel: 'm' });
    const text = peftConfigJson(p);
    const keys = Object.keys(JSON.parse(text) as object);
    expect(keys).toEqual([...keys].sort());
    expect(JSON.parse(text)).toEqual(p);
    expect(text).toContain('\n  "encoder_dropout": 0.0,\n');
    expect(text).toContain('\n  "encoder_hidden_size": 32,\n');
  });
});
