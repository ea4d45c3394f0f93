import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerDetail } from '@chorus/contracts';
import { waitFor } from '../support/wait.js';
import { next, Person } from './person.js';
import { useSystem } from './system.js';

/**
 * SPEC 15 kick and ban across the real system: the removed user has a socket on each gateway; after the
 * 204 both get `server:removed`, and from then on ("the 204 plus 1 s") neither gateway delivers the
 * server's messages to them or accepts their sends. A witness on the other gateway proves the message
 * was broadcast. Ban also refuses the rejoin.
 */
describe('kick and ban cut delivery on every gateway', () => {
  const system = useSystem('e2e-moderation', { SEND_RATE_LIMIT: '1000' });
  const stamp = Date.now() % 100000;
  let ada: Person;
  let carol: Person;
  let server: ServerDetail;
  let channelId: string;

  beforeAll(async () => {
    const { edgeUrl, gateways } = system();
    ada = await new Person(edgeUrl, `ada_m${stamp}`).register();
    carol = await new Person(edgeUrl, `carol_m${stamp}`).register();
    server = await ada.client.servers.create({ name: 'Moderated' });
    channelId = server.channels[0]!.id;
    await carol.client.members.join(server.id);
    await (await ada.connect(gateways[0]!.url)).join(channelId);
    await (await carol.connect(gateways[1]!.url)).join(channelId);
  });
  afterAll(() => {
    ada?.close();
    carol?.close();
  });

  /** One account with a socket on each gateway, joined to the channel. */
  async function twoSockets(name: string): Promise<[Person, Person]> {
    const { edgeUrl, gateways } = system();
    const first = await new Person(edgeUrl, name).register();
    await first.client.members.join(server.id);
    const second = new Person(edgeUrl, name);
    await second.client.auth.login({ username: name, password: 'correct horse battery' });
    await (await first.connect(gateways[0]!.url)).join(channelId);
    await (await second.connect(gateways[1]!.url)).join(channelId);
    return [first, second];
  }

  const moderate = (method: 'DELETE' | 'PUT', path: string) =>
    fetch(`${system().edgeUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ada.client.session!.accessToken}`, 'content-type': 'application/json' },
      body: method === 'PUT' ? '{}' : undefined,
    });

  async function expectCutOff(sockets: [Person, Person], text: string) {
    await new Promise((r) => setTimeout(r, 1_000));
    const before = sockets.map((p) => p.received.length);
    await ada.socket!.send(channelId, text);
    await waitFor(() => carol.received.find((m) => m.content === text), 'carol to receive the message');
    // Carol's gateway broadcast it; give Ada's gateway as long: Ada hears her own message there.
    await waitFor(() => ada.received.find((m) => m.content === text), 'ada to receive her message');
    expect(sockets.map((p) => p.received.length)).toEqual(before);
    for (const p of sockets) await expect(p.socket!.send(channelId, 'still here?')).rejects.toMatchObject({ code: 'NOT_MEMBER' });
  }

  it('kick: both sockets get server:removed and nothing more from the server', async () => {
    const sockets = await twoSockets(`kicked_${stamp}`);
    const removed = sockets.map((p) => next(p.socket!, 'server:removed', (e) => e.serverId === server.id));
    await ada.socket!.send(channelId, 'before the kick');
    await waitFor(() => sockets.every((p) => p.received.some((m) => m.content === 'before the kick')), 'both sockets to receive');
    const res = await moderate('DELETE', `/api/servers/${server.id}/members/${sockets[0].id}`);
    expect(res.status).toBe(204);
    await Promise.all(removed);
    await expectCutOff(sockets, 'after the kick');
    // A kicked user may come back.
    await sockets[0].client.members.join(server.id);
    expect(sockets[0].lastStatus).toBe(201);
    sockets.forEach((p) => p.close());
  });

  it('ban: both sockets get server:removed, nothing more, and rejoining is refused with 403', async () => {
    const sockets = await twoSockets(`banned_${stamp}`);
    const removed = sockets.map((p) => next(p.socket!, 'server:removed', (e) => e.serverId === server.id));
    const res = await moderate('PUT', `/api/servers/${server.id}/bans/${sockets[0].id}`);
    expect(res.status).toBe(204);
    await Promise.all(removed);
    await expectCutOff(sockets, 'after the ban');
    await expect(sockets[1].client.members.join(server.id)).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });
    sockets.forEach((p) => p.close());
  });
});
