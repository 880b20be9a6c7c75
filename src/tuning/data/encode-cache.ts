// Token ids of texts already tokenised, per tokenizer: re-checking a large table after an edit, a split change or an
// import (the file, then the same rows as the table) tokenises only what changed. On the demo model's tokenizer the
// prompts of a 50,000-row table took ~17 s to tokenise on this project's loaded 2-core machine, its answers 1.4 s.
// Ids are copied out, so a caller may change what it gets.
const caches = new WeakMap<object, Map<string, number[]>>();
/** Entries kept per tokenizer before the cache starts over (a template change makes every prompt new). */
const MAX_ENTRIES = 250_000;

/** `encode` remembered for `owner` (the tokenizer) under `kind` (what else decides the ids: chat template, role). */
export function cachedEncoder(owner: object, kind: string, encode: (text: string) => number[]): (text: string) => number[] {
  let cache = caches.get(owner);
  if (!cache) caches.set(owner, (cache = new Map()));
  const map = cache;
  return (text) => {
    const key = `${kind}\u0000${text}`;
    let ids = map.get(key);
    if (!ids) {
      ids = encode(text);
      if (map.size >= MAX_ENTRIES) map.clear();
      map.set(key, ids);
    }
    return ids.slice();
  };
}
