import { describe, expect, it } from 'vitest';
import { formatEntry } from '../../src/log/format.js';
import { describeStages } from '../../src/log/stages.js';

describe('recovery stages in words', () => {
  it('names the stages reached, in order, each from the kill request', () => {
    expect(describeStages({ accepted: 3, gone: 2_100, replacement: 40, ready: 2_000, available: 2_030 })).toBe('gone 2.1s · replacement 40ms · Ready 2s · available 2s');
    expect(describeStages({ accepted: 0 })).toBe('');
    expect(describeStages(undefined)).toBe('');
  });

  it('the text kill log shows them with the method', () => {
    const entry = {
      kind: 'recovery' as const, at: 0, cookie: 'c', pod: { namespace: 'ns', name: 'web-1', uid: 'u' }, workload: { kind: 'deployment' as const, namespace: 'ns', name: 'web' },
      method: 'watch' as const, replacementMs: 40, recoveredMs: 2_100, recovered: true, stages: { accepted: 0, gone: 2_100, replacement: 40, ready: 2_000 },
    };
    expect(formatEntry(entry, 'text')).toBe('recovered: deployment/web after 2.1s (gone 2.1s · replacement 40ms · Ready 2s; watch) for pod web-1');
  });
});
