import { describe, expect, it } from 'vitest';
import { CREATE_RECORD_BUDGET, chunkByRecords } from '../../../src/kafka/topic-actions.js';

// Large creates are split so that no CreateTopics/CreatePartitions request exceeds the KRaft controller's
// cap on records per request (issue 8, item 9). Measured on the real rig: 11 topics x 1,000 partitions apply.

describe('chunkByRecords', () => {
  it('splits 11 topics of 1,000 partitions into requests within the budget, in order', () => {
    const topics = Array.from({ length: 11 }, (_, i) => ({ name: `t${i}`, records: 1001 }));
    // 9,000 records a request: 8 topics, then 3.
    const chunks = chunkByRecords(topics, (t) => t.records);
    expect(chunks.flat().map((t) => t.name)).toEqual(topics.map((t) => t.name));
    for (const c of chunks) expect(c.reduce((n, t) => n + t.records, 0)).toBeLessThanOrEqual(CREATE_RECORD_BUDGET);
    expect(chunks.map((c) => c.length)).toEqual([8, 3]);
  });

  it('sends an action above the budget alone, and keeps small ones together', () => {
    expect(chunkByRecords([{ r: 3 }, { r: CREATE_RECORD_BUDGET + 1 }, { r: 2 }, { r: 2 }], (a) => a.r).map((c) => c.length)).toEqual([1, 1, 2]);
    expect(chunkByRecords([], () => 1)).toEqual([]);
  });
});
