// chrF as sacreBLEU (2.x) computes it with its defaults: CHRF(char_order=6, word_order=0, beta=2,
// lowercase=False, whitespace=False, eps_smoothing=False). Per order n = 1..6, character n-grams of the text
// with all whitespace removed (''.join(s.split())), counted over Python str, that is over code points; the
// statistics per order are [hypothesis n-grams, reference n-grams, matched (clipped) n-grams], where the
// hypothesis count is reported as 0 when the reference has no n-gram of that order (_get_match_statistics).
// The score (_compute_f_score): average precision and recall over the "effective" orders (both counts > 0),
// then F_beta = (1 + β²)·P·R / (β²·P + R), × 100; 0 when no order is effective or P + R = 0.
// sentence_chrf scores one pair (several references: the one with the best sentence score); corpus_chrf sums
// the statistics of every pair, then scores the sums.
import { pySplit } from './token-f1.ts';

export const CHRF_ORDER = 6;
export const CHRF_BETA = 2;

/** Flattened [hyp, ref, match] per order, as sacreBLEU's statistics list. */
export type ChrfStats = number[];

function charNgrams(chars: readonly string[], n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= chars.length; i++) {
    const g = chars.slice(i, i + n).join('');
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

/** The statistics of one hypothesis against one reference. */
export function chrfStats(hypothesis: string, reference: string, order = CHRF_ORDER): ChrfStats {
  const h = Array.from(pySplit(hypothesis).join(''));
  const r = Array.from(pySplit(reference).join(''));
  const stats: number[] = [];
  for (let n = 1; n <= order; n++) {
    const hg = charNgrams(h, n);
    const rg = charNgrams(r, n);
    let hyp = 0;
    let match = 0;
    for (const [g, c] of hg) {
      hyp += c;
      const rc = rg.get(g);
      if (rc) match += Math.min(c, rc);
    }
    let ref = 0;
    for (const c of rg.values()) ref += c;
    stats.push(rg.size > 0 ? hyp : 0, ref, match);
  }
  return stats;
}

/** sacreBLEU's _compute_f_score without eps smoothing: 0–100. */
export function chrfFromStats(stats: readonly number[], beta = CHRF_BETA): number {
  const order = stats.length / 3;
  let precision = 0;
  let recall = 0;
  let effective = 0;
  for (let i = 0; i < order; i++) {
    const [hyp, ref, match] = [stats[3 * i], stats[3 * i + 1], stats[3 * i + 2]];
    if (hyp > 0 && ref > 0) {
      precision += match / hyp;
      recall += match / ref;
      effective++;
    }
  }
  if (effective === 0) return 0;
  precision /= effective;
  recall /= effective;
  if (precision + recall === 0) return 0;
  const b2 = beta * beta;
  return (100 * ((1 + b2) * precision * recall)) / (b2 * precision + recall);
}

/** The statistics of the reference that scores best (sacreBLEU's _compute_segment_statistics). */
export function bestChrfStats(hypothesis: string, references: readonly string[]): ChrfStats {
  if (references.length === 0) throw new Error('chrF needs at least one reference');
  let best: ChrfStats = [];
  let bestScore = -1;
  for (const r of references) {
    const s = chrfStats(hypothesis, r);
    const f = chrfFromStats(s);
    if (f > bestScore) {
      bestScore = f;
      best = s;
    }
  }
  return best;
}

/** sacrebleu.sentence_chrf(hypothesis, references).score */
export function sentenceChrf(hypothesis: string, references: readonly string[]): number {
  return chrfFromStats(bestChrfStats(hypothesis, references));
}

/** sacrebleu.corpus_chrf: statistics summed over the pairs, then scored. */
export function corpusChrf(hypotheses: readonly string[], references: readonly (readonly string[])[]): number {
  if (hypotheses.length !== references.length) throw new Error(`${hypotheses.length} hypotheses for ${references.length} references`);
  const sum = new Array<number>(3 * CHRF_ORDER).fill(0);
  hypotheses.forEach((h, i) => bestChrfStats(h, references[i]).forEach((v, k) => (sum[k] += v)));
  return chrfFromStats(sum);
}
