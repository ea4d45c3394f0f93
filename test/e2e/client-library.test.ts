import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChorusClient, ChorusError, type ChorusSocket } from '@chorus/client';
import type { Message } from '@chorus/contracts';
import { waitFor } from '../support/wait.js';
import { useSystem } from './system.js';

/**
 * `@chorus/client` against the real system: typed errors, refresh-token rotation, and a socket that
 * reconnects, rejoins and catches up with `after=` without losing or repeating a message.
 */
describe('@chorus/client', () => {
  const system = useSystem('e2e-client-lib', { SEND_RATE_LIMIT: '1000' });
  const suffix = Date.now() % 100000;
  let ada: ChorusClient;
  let bob: ChorusClient;
  let channelId: string;
  let serverId: string;
  const sockets: ChorusSocket[] = [];

  beforeAll(async () => {
    ada = new ChorusClient({ baseUrl: system().edgeUrl });
    bob = new ChorusClient({ baseUrl: system().edgeUrl });
    await ada.auth.register({ username: `ada_c${suffix}`, password: 'correct horse battery' });
    await bob.auth.register({ username: `bob_c${suffix}`, password: 'correct horse battery' });
    const server = await ada.servers.create({ name: `client lib ${suffix}` });
    channelId = server.channels[0]!.id;
    serverId = server.id;
    await bob.members.join(server.id);
  });
  afterAll(() => sockets.forEach((s) => s.close()));

  it('turns error bodies into typed errors', async () => {
    const err = await bob.members.join((await bob.servers.list({ member: '@me' }))[0]!.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChorusError);
    expect(err).toMatchObject({ code: 'ALREADY_MEMBER', status: 409 });
    const anonymous = new ChorusClient({ baseUrl: system().edgeUrl });
    await expect(anonymous.users.me()).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });

  it('rotates the refresh token: the new pair works, the spent token does not', async () => {
    const carol = new ChorusClient({ baseUrl: system().edgeUrl });
    const first = await carol.auth.register({ username: `carol_c${suffix}`, password: 'correct horse battery' });
    const second = await carol.auth.refresh();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await carol.users.me()).username).toBe(`carol_c${suffix}`);

    const thief = new ChorusClient({ baseUrl: system().edgeUrl });
    thief.http.setSession(first);
    await expect(thief.auth.refresh()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(thief.session).toBeNull();
  });

  it('refreshes an expired access token by itself before calling', async () => {
    const session = ada.session!;
    ada.http.setSession({ ...session, expiresAt: Date.now() - 1 });
    expect((await ada.users.me()).username).toBe(`ada_c${suffix}`);
    expect(ada.session!.refreshToken).not.toBe(session.refreshToken);
  });

  it('reconnects, rejoins and catches up without duplicates', async () => {
    const [gw1, gw2] = system().gateways;
    const adaSocket = ada.connect({ url: gw1!.url });
    const bobSocket = bob.connect({ url: gw2!.url });
    sockets.push(adaSocket, bobSocket);
    await Promise.all([adaSocket.ready(), bobSocket.ready()]);
    await adaSocket.join(channelId);
    await bobSocket.join(channelId);

    const got: Message[] = [];
    bobSocket.on('message:created', (m) => got.push(m));
    const sent: string[] = [];
    const say = async (text: string) => sent.push((await adaSocket.send(channelId, text)).message.id);

    await say('live 1');
    await waitFor(() => got.length === 1, 'bob to get the live message');

    bobSocket.raw.disconnect(); // as a network drop: the gateway forgets Bob's rooms
    for (let i = 0; i < 7; i++) await say(`while away ${i}`);
    // An ack means durable in the broker; history stores it a few ms later. A client that reconnects
    // within those ms would catch up short (root README, Known limits), so wait as a reconnect would.
    const lastSent = sent[sent.length - 1]!;
    await waitFor(
      async () => (await ada.messages.page(channelId, { limit: 1 })).messages[0]?.id === lastSent,
      'history to store the sends',
    );
    const caughtUp = new Promise<{ count: number }>((r) => bobSocket.on('caught-up', r));
    bobSocket.connect();
    expect((await caughtUp).count).toBe(7);

    await say('live 2'); // the room was rejoined: live delivery again
    await waitFor(() => got.length === sent.length, 'bob to have every message');
    expect(got.map((m) => m.id)).toEqual(sent);
    expect(new Set(got.map((m) => m.id)).size).toBe(sent.length);
  });

  it('reactions and read state through the edge: typed calls, live events, counts', async () => {
    const adaSocket = ada.connect({ url: system().gateways[0]!.url });
    const bobSocket = bob.connect({ url: system().gateways[1]!.url });
    const bobOther = bob.connect({ url: system().gateways[0]!.url });
    sockets.push(adaSocket, bobSocket, bobOther);
    await Promise.all([adaSocket.ready(), bobSocket.ready(), bobOther.ready()]);
    await bobSocket.join(channelId);
    const reactions: string[] = [];
    bobSocket.on('message:reaction_added', (e) => reactions.push(`+${e.emoji}:${e.userId}`));
    bobSocket.on('message:reaction_removed', (e) => reactions.push(`-${e.emoji}:${e.userId}`));
    const reads: string[] = [];
    bobOther.on('read:updated', (e) => reads.push(e.messageId));

    const { message } = await adaSocket.send(channelId, `ping <@${bob.session!.user.id}>`);
    await waitFor(async () => (await bob.messages.page(channelId, { limit: 1 })).messages[0]?.id === message.id, 'stored');
    await ada.reactions.add(channelId, message.id, '👍🏽');
    await waitFor(() => reactions.length === 1, 'the reaction event');
    const [seen] = (await bob.messages.page(channelId, { limit: 1 })).messages;
    expect(seen!.reactions).toEqual([{ emoji: '👍🏽', count: 1, me: false }]);
    await ada.reactions.remove(channelId, message.id, '👍🏽');
    await waitFor(() => reactions.length === 2, 'the removal event');
    expect(reactions).toEqual([`+👍🏽:${ada.session!.user.id}`, `-👍🏽:${ada.session!.user.id}`]);
    await expect(ada.reactions.add(channelId, message.id, 'nope')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });

    const before = (await bob.readStates.list({ serverId })).find((s) => s.channelId === channelId)!;
    expect(before).toMatchObject({ lastMessageId: message.id, mentionCount: 1 });
    expect(before.unreadCount).toBeGreaterThan(0);
    await bob.readStates.markRead(channelId, message.id);
    await waitFor(() => reads.length === 1, 'read:updated on bob’s other socket');
    expect(reads).toEqual([message.id]);
    expect((await bob.readStates.list({ serverId })).find((s) => s.channelId === channelId)).toMatchObject({
      lastReadId: message.id,
      unreadCount: 0,
      mentionCount: 0,
    });
    expect(await bob.readStates.list({ dms: true })).toEqual([]);
  });
  it('invites through the edge: a private server, create, public preview, redeem, list, revoke', async () => {
    const secret = await ada.servers.create({ name: `secret ${suffix}`, visibility: 'private' });
    expect(secret.visibility).toBe('private');
    await expect(bob.members.join(secret.id)).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });
    expect((await bob.servers.list({ q: `secret ${suffix}` })).map((s) => s.id)).not.toContain(secret.id);
    const invite = await ada.invites.create(secret.id, { maxUses: 1 });
    const anonymous = new ChorusClient({ baseUrl: system().edgeUrl });
    expect(await anonymous.invites.preview(invite.code)).toMatchObject({ code: invite.code, server: { id: secret.id, memberCount: 1 } });
    expect(await bob.invites.redeem(invite.code)).toEqual({ serverId: secret.id });
    expect(await bob.members.isMember(secret.id)).toBe(true);
    await expect(anonymous.invites.preview(invite.code)).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    const another = await ada.invites.create(secret.id);
    expect((await ada.invites.list(secret.id)).map((i) => i.code)).toEqual([another.code]);
    await ada.invites.revoke(another.code);
    expect(await ada.invites.list(secret.id)).toEqual([]);
  });
});
