/**
 * The most entries one Map held while `work` ran (every `Map.prototype.set` watched, `new Map(entries)`'s too): a Map
 * grown to hold everything doubles its table in one `set`, copying every entry at once (issue 12, aim 3), where a
 * GrowingMap's 64 small Maps each hold a part.
 */
export async function largestMapDuring(work: () => unknown): Promise<number> {
  const set = Map.prototype.set;
  let largest = 0;
  Map.prototype.set = function <K, V>(this: Map<K, V>, key: K, value: V) {
    const map = set.call(this, key, value) as Map<K, V>;
    largest = Math.max(largest, this.size);
    return map;
  };
  try {
    await work();
  } finally {
    Map.prototype.set = set;
  }
  return largest;
}
