import { LRUCache } from 'lru-cache';

/**
 * An LRUCache holding at most `capacity` entries, whose memory grows with the entries it holds. With
 * `max`, lru-cache allocates its arrays for every slot up front (about 28 bytes per slot: 28 MB for a
 * bound of a million, per cache); counting each entry as size 1 against `maxSize` gives the same bound and
 * the same least-recently-used eviction without that.
 */
export function boundedLru<K extends NonNullable<unknown>, V extends NonNullable<unknown>>(
  capacity: number,
  options: Omit<LRUCache.Options<K, V, unknown>, 'max' | 'maxSize' | 'sizeCalculation'> = {},
): LRUCache<K, V> {
  return new LRUCache<K, V>({ ...options, maxSize: capacity, sizeCalculation: () => 1 });
}
