// The free-text metrics of one set of predictions, each as its reference definition computes it:
// exact match (the answer and the reference equal after trimming surrounding whitespace, case-sensitive: the
// strict check, as Hugging Face evaluate's exact_match with its defaults, apart from the trim), token F1
// (SQuAD, token-f1.ts), ROUGE-L F-measure (rouge_score, rouge-l.ts) and chrF (sacreBLEU, chrf.ts).
// Exact match, token F1 and ROUGE-L are 0–1, averaged over the examples; chrF is 0–100 at corpus level
// (statistics summed, as sacreBLEU's corpus_chrf), while each example's own chrF is its sentence_chrf.
import { exactMatch } from '../metrics.ts';
import { bestChrfStats, chrfFromStats, CHRF_ORDER } from './chrf.ts';
import { rougeL } from './rouge-l.ts';
import { tokenF1 } from './token-f1.ts';

export interface TextScores {
  exactMatch: number;
  tokenF1: number;
  rougeL: number;
  chrf: number;
}

export interface ScoredText {
  scores: TextScores; // this example's: exact match 0 or 1, F1, ROUGE-L F, sentence chrF
  chrfStats: number[]; // for the corpus chrF
}

/** One prediction against its references (usually one: the row's expected output). */
export function scoreText(prediction: string, references: readonly string[]): ScoredText {
  const stats = bestChrfStats(prediction, references);
  return {
    scores: {
      exactMatch: references.some((r) => exactMatch(prediction, r)) ? 1 : 0,
      tokenF1: tokenF1(prediction, references),
      rougeL: rougeL(prediction, references).fmeasure,
      chrf: chrfFromStats(stats),
    },
    chrfStats: stats,
  };
}

/** Corpus scores: means of exact match, token F1 and ROUGE-L; chrF from the summed statistics. NaN for none. */
export function aggregateText(scored: readonly ScoredText[]): TextScores {
  const n = scored.length;
  if (n === 0) return { exactMatch: NaN, tokenF1: NaN, rougeL: NaN, chrf: NaN };
  const mean = (k: keyof TextScores) => scored.reduce((a, s) => a + s.scores[k], 0) / n;
  const sum = new Array<number>(3 * CHRF_ORDER).fill(0);
  for (const s of scored) s.chrfStats.forEach((v, k) => (sum[k] += v));
  return { exactMatch: mean('exactMatch'), tokenF1: mean('tokenF1'), rougeL: mean('rougeL'), chrf: chrfFromStats(sum) };
}

/** All four over parallel lists of predictions and references. */
export function textMetrics(predictions: readonly string[], references: readonly (readonly string[])[]): TextScores {
  if (predictions.length !== references.length) throw new Error(`${predictions.length} predictions for ${references.length} references`);
  return aggregateText(predictions.map((p, i) => scoreText(p, references[i])));
}
