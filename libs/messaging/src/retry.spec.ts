import { backoffDelay, retry } from './retry';

describe('retry', () => {
  it('doubles the delay per attempt up to the maximum', () => {
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay({ baseMs: 250, maxMs: 2000 }, a))).toEqual([250, 500, 1000, 2000, 2000]);
  });

  it('retries until the work succeeds', async () => {
    let calls = 0;
    const result = await retry(async () => (++calls < 3 ? Promise.reject(new Error('not yet')) : 'done'), { attempts: 5, baseMs: 1, maxMs: 2 });
    expect({ result, calls }).toEqual({ result: 'done', calls: 3 });
  });

  it('gives up on an error that is not retryable, when stopped, and when the attempts are spent', async () => {
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error('down');
    };
    await expect(retry(failing, { attempts: 5, baseMs: 1, maxMs: 1, retryable: () => false })).rejects.toThrow('down');
    expect(calls).toBe(1);
    await expect(retry(failing, { attempts: 5, baseMs: 1, maxMs: 1, stopped: () => true })).rejects.toThrow('down');
    expect(calls).toBe(2);
    await expect(retry(failing, { attempts: 3, baseMs: 1, maxMs: 1 })).rejects.toThrow('down');
    expect(calls).toBe(5);
  });
});
