import { describe, expect, it } from 'vitest';
import { createEnvelope, type AnyEnvelope, type Message } from '@chorus/contracts';
import { createLogger } from '@chorus/runtime';
import type { MessageRepository } from '../messages/message.repository.js';
import type { MessageDoc } from '../messages/message.schema.js';
import { writeBatch } from './batch-writer.js';

const logger = createLogger('test', 'silent');
const hex = (n: number) => n.toString(16).padStart(24, '0');
const message = (n: number, channel = 100): Message => ({
  id: hex(n),
  channelId: hex(channel),
  serverId: hex(900),
  author: { id: hex(500), username: 'alice', displayName: 'alice', avatarUrl: null },
  content: `m${n}`,
  createdAt: '2026-11-21T14:00:00.000Z',
  editedAt: null,
  reactions: [],
});
const created = (n: number, channel?: number) => createEnvelope('message.created', 1, message(n, channel), 'gateway') as AnyEnvelope;

/** Records what writeBatch asks of the repository, in order (the database side is covered by test/). */
function recordingRepository(rejectIndexes: number[] = []) {
  const calls: string[] = [];
  const inserted: MessageDoc[][] = [];
  const repo = {
    async deleteScopes(channelIds: string[], serverIds: string[]) {
      calls.push(`deleteScopes ${channelIds.length} ${serverIds.length}`);
      return 0;
    },
    async insertBatch(docs: MessageDoc[]) {
      calls.push(`insertBatch ${docs.length}`);
      inserted.push(docs);
      return {
        inserted: docs.length - rejectIndexes.length,
        duplicates: 0,
        rejected: rejectIndexes.map((index) => ({ index, code: 2, message: 'bad' })),
      };
    },
    async purgeOrphans(docs: MessageDoc[]) {
      calls.push(`purgeOrphans ${docs.length}`);
      return 0;
    },
  };
  return { repo: repo as unknown as MessageRepository, calls, inserted };
}

describe('writeBatch', () => {
  it('deletes scopes first, inserts the messages in one call, then purges orphans', async () => {
    const { repo, calls, inserted } = recordingRepository();
    const batch = [
      created(1),
      createEnvelope('channel.deleted', 1, { serverId: hex(900), channelId: hex(101) }, 'membership') as AnyEnvelope,
      created(2),
      createEnvelope(
        'server.deleted',
        1,
        { serverId: hex(901), channelIds: [hex(102), hex(103)], memberIds: [] },
        'membership',
      ) as AnyEnvelope,
    ];
    const result = await writeBatch(repo, batch, logger);
    expect(calls).toEqual(['deleteScopes 3 1', 'insertBatch 2', 'purgeOrphans 2']);
    expect(inserted[0]!.map((d) => d._id.toHexString())).toEqual([hex(1), hex(2)]);
    expect(result.deletedScopes).toEqual({ channelIds: [hex(101), hex(102), hex(103)], serverIds: [hex(901)] });
    expect(result.rejected.size).toBe(0);
  });

  it('maps documents the database refused back to their position in the batch (for the DLQ)', async () => {
    const { repo } = recordingRepository([1]);
    const batch = [
      created(1),
      createEnvelope('channel.deleted', 1, { serverId: hex(900), channelId: hex(101) }, 'membership') as AnyEnvelope,
      created(2),
      created(3),
    ];
    const result = await writeBatch(repo, batch, logger);
    // Document index 1 is message 2, at batch position 2.
    expect([...result.rejected]).toEqual([2]);
  });

  it('an empty batch neither deletes nor purges anything', async () => {
    const { repo, calls } = recordingRepository();
    await writeBatch(repo, [], logger);
    expect(calls).toEqual(['insertBatch 0']);
  });
});
