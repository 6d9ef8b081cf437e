import { describe, expect, it, vi } from 'vitest';
import { onceSucceeded } from './once-succeeded.js';

describe(onceSucceeded.name, () => {
  it('creates once for every caller, concurrent or later', async () => {
    const create = vi.fn(() => Promise.resolve('bucket'));
    const sut = onceSucceeded(create);

    await expect(Promise.all([sut(), sut()])).resolves.toEqual(['bucket', 'bucket']);
    await expect(sut()).resolves.toBe('bucket');
    expect(create).toHaveBeenCalledTimes(1);
  });

  it('tries again after a failure, and keeps what then succeeded', async () => {
    const create = vi.fn().mockRejectedValueOnce(new Error('NATS away')).mockResolvedValue('bucket');
    const sut = onceSucceeded(create);

    await expect(sut()).rejects.toThrow('NATS away');
    await expect(sut()).resolves.toBe('bucket');
    await expect(sut()).resolves.toBe('bucket');
    expect(create).toHaveBeenCalledTimes(2);
  });
});
