import type { Channel, ServerDetail, ServerSummary } from '@chorus/contracts';
import type { ServerDoc } from './server.schema.js';
import type { ChannelDoc } from '../channels/channel.schema.js';

export type ServerFields = Pick<
  ServerDoc,
  '_id' | 'name' | 'description' | 'category' | 'ownerId' | 'memberCount' | 'createdAt' | 'visibility'
>;
export type ChannelFields = Pick<ChannelDoc, '_id' | 'serverId' | 'name' | 'topic'>;

/** The projection that fills a ServerSummary. */
export const SERVER_PROJECTION = { name: 1, description: 1, category: 1, ownerId: 1, memberCount: 1, createdAt: 1, visibility: 1 } as const;
export const CHANNEL_PROJECTION = { serverId: 1, name: 1, topic: 1 } as const;

export function toServerSummary(doc: ServerFields): ServerSummary {
  return {
    id: doc._id.toHexString(),
    name: doc.name,
    description: doc.description ?? '',
    category: doc.category ?? null,
    ownerId: doc.ownerId.toHexString(),
    memberCount: Math.max(0, doc.memberCount ?? 0),
    createdAt: doc.createdAt.toISOString(),
    visibility: doc.visibility ?? 'public',
  };
}

export function toChannel(doc: ChannelFields): Channel {
  return { id: doc._id.toHexString(), serverId: doc.serverId.toHexString(), name: doc.name, topic: doc.topic ?? '' };
}

export function toServerDetail(doc: ServerFields, channels: ChannelFields[]): ServerDetail {
  return { ...toServerSummary(doc), channels: channels.map(toChannel) };
}

/** Escapes every regex metacharacter so `q` is matched literally (no ReDoS, no injected patterns). */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
