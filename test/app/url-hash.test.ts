// The shared-link hash: a setup survives the round trip, and a hand-edited or truncated hash never yields an
// invalid setup (bad values fall back to the base setup field by field).
import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { defaultProject, defaultSetup, type Project, type Setup } from '../../src/app/project.ts';
import { buildShareLink } from '../../src/app/share-link.ts';
import { encodeTable, SHARED_TABLE_LIMIT } from '../../src/app/shared-table.ts';
import { pickSetup, readSharedHash, SHARED_HASH_LIMIT, setupFromHash, setupToHash } from '../../src/app/url-hash.ts';

function custom(): Setup {
  const s = defaultSetup();
  return {
    ...s,
    method: 'ptuning',
    methodOptions: { ...s.methodOptions, ptuning: { method: 'ptuning', virtualTokens: 7, encoder: 'LSTM', encoderHidden: 96 } },
    hyper: { ...s.hyper, learningRate: 0.005, steps: 250, schedule: 'linear', beta2: 0.98 },
    template: 'Q: {input}\nA: & = # %',
    datasetId: 'sst2-mini',
    validationFraction: 0.25,
    dataSeed: 7,
  };
}

describe('url hash', () => {
  it('round-trips a setup, including a template with reserved characters', () => {
    const setup = custom();
    const back = setupFromHash(`#${setupToHash(setup)}`, defaultSetup());
    expect(back).toEqual(pickSetup(setup));
  });

  it('keeps the base setup for unknown methods, bad numbers and bad enum values', () => {
    const base = custom();
    const back = setupFromHash('#method=lora&lr=abc&steps=&schedule=wild&m.encoder=GRU&split=0.3', base)!;
    expect(back.method).toBe('ptuning');
    expect(back.hyper.learningRate).toBe(0.005);
    expect(back.hyper.steps).toBe(250);
    expect(back.hyper.schedule).toBe('linear');
    expect(back.methodOptions.ptuning.encoder).toBe('LSTM');
    expect(back.validationFraction).toBe(0.3);
  });

  it('reads booleans for prefix projection and ignores a hash without a method', () => {
    const back = setupFromHash('#method=prefix&m.projection=true&m.virtualTokens=5', defaultSetup())!;
    expect(back.methodOptions.prefix).toEqual({ method: 'prefix', virtualTokens: 5, projection: true, encoderHidden: 128 });
    expect(setupFromHash('#lr=0.1', defaultSetup())).toBeNull();
  });
});

// Shared links with data: a table compressed into the hash, or a sample's id; a link anyone could have edited is
// either read or refused whole with a sentence, never thrown on (fast-check over generated hashes).
describe('shared links with data', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ input: `review ${i}, with "quotes", commas\nand a line break é😀`, output: i % 2 ? 'alpha' : 'beta' }));
  const project = (over: Partial<Project> = {}): Project => ({ ...defaultProject(), ...custom(), datasetId: null, rows: rows(40), ...over });
  const hashOf = (url: string) => url.slice(url.indexOf('#'));

  it('carries a small table in the link, and the link opens it with the setup', () => {
    const p = project();
    const link = buildShareLink(p, 'https://example.org/studio/#old');
    expect(link.tooLarge).toBe(false);
    expect(link.url.startsWith('https://example.org/studio/#method=ptuning&')).toBe(true);
    expect(link.note).toContain('40 rows');
    const read = readSharedHash(hashOf(link.url), defaultSetup());
    expect(read.kind).toBe('setup');
    if (read.kind !== 'setup') return;
    expect(read.rows).toEqual(p.rows);
    expect(read.setup).toEqual({ ...pickSetup(p), datasetId: null });
    expect(read.ignored).toEqual([]);
  });

  it('names an unmodified sample by its id instead of carrying it', () => {
    const link = buildShareLink(project({ datasetId: 'sentiment-code' }), 'https://example.org/');
    expect(link.url).toContain('dataset=sentiment-code');
    expect(link.url).not.toContain('data=');
    const read = readSharedHash(hashOf(link.url), defaultSetup());
    expect(read.kind === 'setup' && read.setup.datasetId === 'sentiment-code' && read.rows === null).toBe(true);
  });

  it('says when the table is too large for a link, and leaves it out', () => {
    let seed = 1;
    const noise = () => Array.from({ length: 24 }, () => String.fromCharCode(33 + ((seed = (seed * 48271) % 2147483647) % 90))).join('');
    const big = project({ rows: Array.from({ length: 600 }, () => ({ input: noise(), output: noise() })) });
    const link = buildShareLink(big, 'https://example.org/');
    expect(link.tooLarge).toBe(true);
    expect(link.url).not.toContain('data=');
    expect(link.note).toMatch(/too large for a link: 600 rows, .* KB compressed, and a link carries tables up to 8\.0 KB compressed/);
    expect(encodeTable(big.rows).length).toBeGreaterThan(SHARED_TABLE_LIMIT);
  });

  it('refuses malformed and hostile data with a sentence, applying nothing', () => {
    const good = hashOf(buildShareLink(project(), 'https://x/').url);
    const data = new URLSearchParams(good.slice(1)).get('data')!;
    const withData = (d: string) => good.replace(`data=${data}`, `data=${d}`);
    const bomb = encodeBytes(deflateSync(new Uint8Array(3 << 19), { level: 9 }));
    const notUtf8 = encodeBytes(deflateSync(new Uint8Array([0x69, 0x6e, 0xff, 0xfe, 0x0a])));
    const cases: [string, RegExp][] = [
      [withData('abc$def'), /not base64url text/],
      [withData(data.slice(0, Math.floor(data.length / 2))), /could not be decompressed|not base64url/],
      [withData(bomb), /unpacks to more than 1 MB/],
      [withData(notUtf8), /not UTF-8/],
      [withData(''), /empty/],
      [withData('A'.repeat(SHARED_TABLE_LIMIT + 4)), /a link carries tables up to 8\.0 KB/],
      [`${good}&dataset=topic`, /both a sample .* and a table/],
      ['#method=prompt&dataset=%3Cscript%3E', /not a sample's id/],
      [`#data=${data}`, /no setup/],
      [`#method=prompt&template=${'x'.repeat(SHARED_HASH_LIMIT)}`, /more than a shared setup holds/],
    ];
    expect(bomb.length).toBeLessThan(SHARED_TABLE_LIMIT);
    for (const [hash, why] of cases) {
      const read = readSharedHash(hash, defaultSetup());
      expect(read.kind, hash.slice(0, 60)).toBe('rejected');
      if (read.kind === 'rejected') expect(read.reason).toMatch(why);
    }
  });

  it('names the setup values it could not use', () => {
    const read = readSharedHash('#method=lora&lr=abc&schedule=wild&split=x&steps=30', defaultSetup());
    expect(read.kind === 'setup' && read.ignored).toEqual(['method “lora”', 'lr “abc”', 'schedule “wild”', 'split “x”']);
    expect(read.kind === 'setup' && read.setup.hyper.steps).toBe(30);
    expect(readSharedHash('#step-train', defaultSetup())).toEqual({ kind: 'none' });
  });

  it('reads or refuses generated hashes with a data field, never throws', () => {
    const base = defaultSetup();
    const valid = encodeTable(rows(5));
    const b64 = fc.stringMatching(/^[A-Za-z0-9_-]{0,64}$/);
    const mutated = fc.tuple(fc.nat(valid.length), fc.nat(valid.length), b64).map(([a, b, s]) => valid.slice(0, Math.min(a, b)) + s + valid.slice(Math.max(a, b)));
    const packed = fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.string({ maxLength: 200 }).map((s) => new TextEncoder().encode(s))).map((b) => encodeBytes(deflateSync(b)));
    const dataValue = fc.oneof(b64, mutated, packed, fc.string({ maxLength: 40 }), fc.constant(valid));
    const extra = fc.constantFrom('', '&dataset=topic', '&dataset=', '&data=', '&steps=1e309', '&split=NaN', '&method=prefix', '&m.encoder=GRU');
    const hash = fc.tuple(fc.constantFrom('#method=prompt&', '#', 'method=ptuning&lr=0.1&', ''), dataValue, extra).map(([head, d, tail]) => `${head}data=${encodeURIComponent(d)}${tail}`);
    fc.assert(
      fc.property(hash, (h) => {
        const read = readSharedHash(h, base);
        if (read.kind === 'rejected') expect(read.reason.length).toBeGreaterThan(20);
        if (read.kind === 'setup' && read.rows) {
          expect(read.rows.length).toBeGreaterThan(0);
          for (const r of read.rows) expect(typeof r.input === 'string' && typeof r.output === 'string').toBe(true);
          expect(read.setup.datasetId).toBeNull();
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 2000) },
    );
  });
});

function encodeBytes(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
