import { describe, expect, it } from 'vitest';
import {
  AUTHZ_REQUEST_TTL_MS,
  AuthzRequest,
  ChannelJoinAckSchema,
  DM_ACTIVITY_BINDINGS,
  declareWorkQueue,
  MessageSendAckSchema,
  ReactionEvent,
  ReadUpdatedEvent,
  createEnvelope,
  encodeEnvelope,
  parseEnvelope,
  topologyNames,
} from '@chorus/contracts';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';
import { record, request } from './support/gateway-harness.js';
import { newId, newUser } from './support/stand-ins.js';
import { channelRoom } from '../src/types.js';
import { useInProcessGateways } from './support/in-process.js';

/**
 * Contract tests: everything the gateway puts on the broker is checked against libs/contracts, and every
 * kind of input it consumes (valid or not) is fed to it on the real broker. Membership's authz responder
 * is a STAND-IN here (support/stand-ins.ts).
 */
const iso = isolated('gw-contracts');
const names = topologyNames(iso.amqpPrefix);
const world = useInProcessGateways(iso, { contracts: {} });
const { connectAs, drain } = world;

describe('what the gateway publishes', () => {
  it('message.created v1: a valid envelope, persistent JSON on the events exchange, routed to history’s durable queue', async () => {
    const ada = newUser('ada');
    const { channelIds } = world.authz.directory.addServer(ada);
    const client = await connectAs(world.contracts, ada);
    const ack = MessageSendAckSchema.parse(
      await request(client, 'message:send', { channelId: channelIds[0], content: 'contract', nonce: 'c-1' }),
    );
    if (!ack.ok) throw new Error('send failed');
    const [msg] = await waitFor(async () => {
      const got = await drain(names.historyQueue);
      return got.length ? got : undefined;
    }, 'message on the history queue');
    expect(msg!.fields.exchange).toBe(names.eventsExchange);
    expect(msg!.fields.routingKey).toBe('message.created.v1');
    expect(msg!.properties.deliveryMode).toBe(2);
    expect(msg!.properties.contentType).toBe('application/json');
    const parsed = parseEnvelope(JSON.parse(msg!.content.toString('utf8')));
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.envelope.type).toBe('message.created');
    expect(parsed.envelope.producer).toBe('gateway');
    expect(msg!.properties.messageId).toBe(parsed.envelope.id);
    expect(parsed.envelope.payload).toEqual(ack.message);
    expect((await world.channel.checkQueue(names.historyQueue)).queue).toBe(names.historyQueue);
  });

  it('authorization requests follow the RPC contract (direct reply-to, correlation id, TTL, not persistent)', async () => {
    const ada = newUser('ada');
    const { channelIds } = world.authz.directory.addServer(ada);
    const client = await connectAs(world.contracts, ada);
    const before = world.authz.requests.length;
    ChannelJoinAckSchema.parse(await request(client, 'channel:join', { channelId: channelIds[0] }));
    const req = world.authz.requests[before]!;
    expect(AuthzRequest.parse(req.body)).toEqual({ userId: ada.id, channelId: channelIds[0] });
    expect(String(req.properties.replyTo)).toMatch(/^amq\.rabbitmq\.reply-to\./); // the broker rewrites it per caller
    expect(typeof req.properties.correlationId).toBe('string');
    expect(Number(req.properties.expiration)).toBeLessThanOrEqual(AUTHZ_REQUEST_TTL_MS);
    expect(req.properties.deliveryMode).not.toBe(2);
  });
});

describe('what the gateway publishes for a DM (SPEC 10)', () => {
  it('dm.activity v1 after each DM message; the message reaches the recipient’s user room once, without a join', async () => {
    await declareWorkQueue(world.channel, names, names.dmActivityQueue, DM_ACTIVITY_BINDINGS);
    const ada = newUser('ada');
    const bob = newUser('bob');
    const dmId = world.authz.directory.addDm(ada, bob);
    const adaClient = await connectAs(world.contracts, ada);
    const bobClient = await connectAs(world.contracts, bob);
    ChannelJoinAckSchema.parse(await request(adaClient, 'channel:join', { channelId: dmId }));
    const adaGot = record(adaClient, 'message:created');
    const bobGot = record(bobClient, 'message:created');
    const ack = MessageSendAckSchema.parse(await request(adaClient, 'message:send', { channelId: dmId, content: 'psst' }));
    if (!ack.ok) throw new Error(JSON.stringify(ack));
    expect(ack.message.serverId).toBeNull();
    const [msg] = await waitFor(async () => {
      const got = await drain(names.dmActivityQueue);
      return got.length ? got : undefined;
    }, 'dm.activity on its queue');
    expect(msg!.fields.routingKey).toBe('dm.activity.v1');
    expect(msg!.properties.deliveryMode).toBe(2);
    const parsed = parseEnvelope(JSON.parse(msg!.content.toString('utf8')));
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.envelope).toMatchObject({
      type: 'dm.activity',
      version: 1,
      producer: 'gateway',
      payload: { channelId: dmId, messageId: ack.message.id, senderId: ada.id, recipientIds: [ada.id, bob.id] },
    });
    await waitFor(() => bobGot.length === 1 && adaGot.length === 1, 'both recipients got the message');
    // Ada's socket is in the DM's room and her user room; a later message proves nothing else was coming.
    await request(adaClient, 'message:send', { channelId: dmId, content: 'again' });
    await waitFor(() => bobGot.length === 2 && adaGot.length === 2, 'the second message');
    expect(adaGot.map((m) => m.content)).toEqual(['psst', 'again']);
    expect(bobGot.map((m) => m.content)).toEqual(['psst', 'again']);
  });
});

describe('what the gateway consumes', () => {
  it('user.updated: the user’s next message carries the new display name and avatar; an invalid one is dead-lettered', async () => {
    const ada = newUser('ada');
    const { channelIds } = world.authz.directory.addServer(ada);
    const client = await connectAs(world.contracts, ada);
    await world.events.publishRaw(
      'user.updated.v1',
      Buffer.from(
        JSON.stringify({
          ...createEnvelope('user.updated', 1, { userId: ada.id, displayName: 'A', avatarUrl: null }, 'membership'),
          payload: { userId: 'x' },
        }),
      ),
    );
    await world.events.publish(
      'user.updated',
      1,
      { userId: ada.id, displayName: 'Ada!', avatarUrl: 'https://example.com/a.png' },
      'membership',
    );
    await waitFor(async () => {
      const ack = MessageSendAckSchema.parse(await request(client, 'message:send', { channelId: channelIds[0], content: 'who am i' }));
      return ack.ok && ack.message.author.displayName === 'Ada!' ? ack : undefined;
    }, 'a message with the new profile');
    const dlq = names.dlq(names.gatewayMembershipQueue('all'));
    await waitFor(
      async () => ((await world.channel.checkQueue(dlq)).messageCount >= 1 ? true : undefined),
      'the invalid user.updated dead-lettered',
    );
    await world.channel.purgeQueue(dlq);
  });

  it('invalid envelopes on the broadcast queue go to its DLQ, never to clients, and the consumer keeps going', async () => {
    const ada = newUser('ada');
    const { serverId, channelIds } = world.authz.directory.addServer(ada);
    const channelId = channelIds[0]!;
    const client = await connectAs(world.contracts, ada);
    ChannelJoinAckSchema.parse(await request(client, 'channel:join', { channelId }));
    const updated = record(client, 'message:updated');
    const valid = {
      id: newId(),
      channelId,
      serverId,
      author: { id: ada.id, username: ada.username, displayName: ada.username, avatarUrl: null },
      content: 'ok',
      createdAt: new Date().toISOString(),
      editedAt: new Date().toISOString(),
      reactions: [],
    };
    const good = createEnvelope('message.updated', 1, valid, 'history');
    await world.events.publishRaw('message.updated.v1', Buffer.from('{not json'));
    await world.events.publishRaw('message.updated.v1', Buffer.from(JSON.stringify({ ...good, payload: { ...valid, content: 42 } })));
    await world.events.publishRaw('message.updated.v1', Buffer.from(JSON.stringify({ ...good, version: 7 })));
    await world.events.publishRaw('message.deleted.v1', Buffer.from(JSON.stringify({ ...good, type: 'message.deleted' })));
    await world.events.publishRaw('message.updated.v1', encodeEnvelope(good));
    await waitFor(() => updated.length === 1, 'the valid update');
    expect(updated).toEqual([valid]);
    const dead = await waitFor(async () => {
      const q = await world.channel.checkQueue(names.dlq(names.gatewayBroadcastQueue));
      return q.messageCount >= 4 ? q : undefined;
    }, 'four dead letters');
    expect(dead.messageCount).toBe(4);
    expect((await world.channel.checkQueue(names.gatewayBroadcastQueue)).consumerCount).toBe(1);
  });

  it('reaction.added/removed v1 reach the channel room as message:reaction_*, read.updated v1 the user room; invalid ones are dead-lettered', async () => {
    const ada = newUser('ada');
    const { serverId, channelIds } = world.authz.directory.addServer(ada);
    const channelId = channelIds[0]!;
    const inRoom = await connectAs(world.contracts, ada);
    ChannelJoinAckSchema.parse(await request(inRoom, 'channel:join', { channelId }));
    const notInRoom = await connectAs(world.contracts, ada);
    const added = record(inRoom, 'message:reaction_added');
    const removed = record(inRoom, 'message:reaction_removed');
    const strayAdded = record(notInRoom, 'message:reaction_added');
    const reads = [record(inRoom, 'read:updated'), record(notInRoom, 'read:updated')];
    const deadBefore = (await world.channel.checkQueue(names.dlq(names.gatewayBroadcastQueue))).messageCount;

    const reaction = { channelId, serverId, messageId: newId(), emoji: '👍', userId: ada.id };
    const good = createEnvelope('reaction.added', 1, reaction, 'history');
    await world.events.publishRaw('reaction.added.v1', Buffer.from(JSON.stringify({ ...good, payload: { ...reaction, messageId: 'x' } })));
    await world.events.publishRaw(
      'read.updated.v1',
      Buffer.from(JSON.stringify({ ...good, type: 'read.updated', payload: { channelId } })),
    );
    await world.events.publish('reaction.added', 1, reaction, 'history');
    await world.events.publish('reaction.removed', 1, reaction, 'history');
    await world.events.publish('read.updated', 1, { userId: ada.id, channelId, messageId: reaction.messageId }, 'history');

    await waitFor(() => added.length === 1 && removed.length === 1 && reads.every((r) => r.length === 1), 'the valid events');
    expect(reads.map((r) => r.length)).toEqual([1, 1]);
    const event = { channelId, messageId: reaction.messageId, emoji: '👍', userId: ada.id };
    expect(ReactionEvent.parse(added[0])).toEqual(event);
    expect(ReactionEvent.parse(removed[0])).toEqual(event);
    for (const r of reads) expect(ReadUpdatedEvent.parse(r[0])).toEqual({ channelId, messageId: reaction.messageId });
    expect(strayAdded).toEqual([]);
    await waitFor(async () => {
      const q = await world.channel.checkQueue(names.dlq(names.gatewayBroadcastQueue));
      return q.messageCount >= deadBefore + 2 ? q : undefined;
    }, 'two more dead letters');
  });

  it('membership events: member.left, server.deleted and channel.deleted act on local sockets; invalid ones are dead-lettered', async () => {
    const owner = newUser('owner');
    const member = newUser('member');
    const s = world.authz.directory.addServer(owner, ['a', 'b']);
    world.authz.directory.join(s.serverId, member);
    const [a, b] = s.channelIds as [string, string];
    const ownerClient = await connectAs(world.contracts, owner);
    const memberClient = await connectAs(world.contracts, member);
    for (const c of [ownerClient, memberClient])
      for (const id of [a, b]) ChannelJoinAckSchema.parse(await request(c, 'channel:join', { channelId: id }));
    const removedOwner = record(ownerClient, 'server:removed');
    const removedMember = record(memberClient, 'server:removed');
    const rooms = () => world.contracts.gateway.io.of('/').adapter.rooms;

    await world.events.publishRaw('member.left.v1', Buffer.from(JSON.stringify({ hello: 'world' })));
    await world.events.publishRaw(
      'server.deleted.v1',
      encodeEnvelope({
        ...createEnvelope('member.left', 1, { serverId: s.serverId, userId: member.id }, 'membership'),
        type: 'server.deleted',
      } as never),
    );
    await world.events.publish('member.joined', 1, { serverId: s.serverId, userId: newId() }, 'membership');

    world.authz.directory.channels.delete(b);
    await world.events.publish('channel.deleted', 1, { serverId: s.serverId, channelId: b }, 'membership');
    await waitFor(() => !rooms().has(channelRoom(b)), 'room b emptied');
    expect(rooms().get(channelRoom(a))?.size).toBe(2);

    await world.events.publish(
      'server.deleted',
      1,
      { serverId: s.serverId, channelIds: [a, b], memberIds: [owner.id, member.id] },
      'membership',
    );
    await waitFor(() => removedOwner.length === 1 && removedMember.length === 1, 'server:removed to every member');
    expect(removedOwner).toEqual([{ serverId: s.serverId }]);
    expect(rooms().has(channelRoom(a))).toBe(false);

    const dlq = names.dlq(names.gatewayMembershipQueue('all'));
    const dead = await waitFor(async () => {
      const q = await world.channel.checkQueue(dlq);
      return q.messageCount >= 2 ? q : undefined;
    }, 'two dead letters');
    expect(dead.messageCount).toBe(2);
    await world.channel.purgeQueue(dlq);
  });

  it('SPEC 15 events (role.changed, override.changed, member.updated/kicked/banned v1): valid ones are applied, invalid ones dead-lettered', async () => {
    const owner = newUser('owner');
    const member = newUser('member');
    const s = world.authz.directory.addServer(owner);
    world.authz.directory.join(s.serverId, member);
    const channelId = s.channelIds[0]!;
    const client = await connectAs(world.contracts, member);
    const send = async () => MessageSendAckSchema.parse(await request(client, 'message:send', { channelId, content: 'hi' }));
    const dlq = names.dlq(names.gatewayMembershipQueue('all'));
    await world.channel.purgeQueue(dlq);

    // Each valid event, after the directory changed, is what makes the gateway ask again.
    const valid = [
      () =>
        world.events.publish(
          'role.changed',
          1,
          { serverId: s.serverId, roleId: s.serverId, change: 'updated', permissions: [] },
          'membership',
        ),
      () =>
        world.events.publish(
          'override.changed',
          1,
          { serverId: s.serverId, channelId, roleId: s.serverId, allow: [], deny: ['SEND_MESSAGES'] },
          'membership',
        ),
      () => world.events.publish('member.updated', 1, { serverId: s.serverId, userId: member.id, roleIds: [] }, 'membership'),
      () => world.events.publish('member.kicked', 1, { serverId: s.serverId, userId: member.id, actorId: owner.id }, 'membership'),
      () => world.events.publish('member.banned', 1, { serverId: s.serverId, userId: member.id, actorId: owner.id }, 'membership'),
    ];
    for (const [i, publish] of valid.entries()) {
      const allowed = i % 2 === 1;
      world.authz.directory.setPermissions(channelId, member, allowed ? ['SEND_MESSAGES', 'READ_HISTORY'] : ['READ_HISTORY']);
      await publish();
      await waitFor(async () => (await send()).ok === allowed, `event ${i} applied`);
    }

    for (const type of ['role.changed', 'override.changed', 'member.updated', 'member.kicked', 'member.banned']) {
      const bad = { ...createEnvelope('member.left', 1, { serverId: s.serverId, userId: member.id }, 'membership'), type };
      await world.events.publishRaw(`${type}.v1`, encodeEnvelope(bad as never));
    }
    const dead = await waitFor(async () => {
      const q = await world.channel.checkQueue(dlq);
      return q.messageCount >= 5 ? q : undefined;
    }, 'five dead letters');
    expect(dead.messageCount).toBe(5);
    await world.channel.purgeQueue(dlq);
  });
});
