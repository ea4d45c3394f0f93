import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryPage, type Message } from '@chorus/contracts';
import { waitFor } from '../support/wait.js';
import { User } from './client.js';
import { useSystem } from './system.js';

/**
 * A gateway dies mid-conversation. Clients reconnect through the entry point (which spreads them over
 * the gateways still alive), catch up through history from the last message they saw, and find every
 * message that was ever acknowledged to a sender.
 */
describe('recovery after a gateway is killed mid-conversation', () => {
  const system = useSystem('e2e-failover', { SEND_RATE_LIMIT: '1000' });
  let ada: User;
  let bob: User;
  let channelId: string;

  beforeAll(async () => {
    const { edgeUrl } = system();
    ada = await new User(edgeUrl, `ada_f${Date.now() % 100000}`).register();
    bob = await new User(edgeUrl, `bob_f${Date.now() % 100000}`).register();
    const server = (await ada.api('POST', '/api/servers', { name: 'failover' })).body;
    channelId = server.channels[0].id;
    expect((await bob.api('PUT', `/api/servers/${server.id}/members/@me`)).status).toBe(201);
    // Through the entry point, with reconnection on, as a real client.
    await ada.connect(edgeUrl, { reconnection: true });
    await bob.connect(edgeUrl, { reconnection: true });
    for (const u of [ada, bob]) {
      await u.join(channelId);
      // Rejoin rooms after every reconnection, as a client app does.
      u.socket!.io.on('reconnect', () => void u.join(channelId).catch(() => undefined));
    }
  });
  afterAll(() => {
    ada?.close();
    bob?.close();
  });

  it('loses nothing that was acknowledged', async () => {
    const acked: Message[] = [];
    // The newest id each client had seen when its connection dropped: where it catches up from.
    const cutOffAt = new Map<User, string>();
    for (const user of [ada, bob]) {
      user.socket!.once('disconnect', () =>
        cutOffAt.set(
          user,
          user.received
            .map((m) => m.id)
            .sort()
            .at(-1) ?? '0'.repeat(24),
        ),
      );
    }
    const sendLoop = async (user: User, count: number) => {
      for (let i = 0; i < count; i++) {
        if (!user.socket!.connected) {
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        const ack = await user.send(channelId, `${user.username} ${i}`).catch(() => undefined);
        if (ack?.ok) acked.push(ack.message);
      }
    };
    const talking = Promise.all([sendLoop(ada, 60), sendLoop(bob, 60)]);
    await waitFor(() => acked.length >= 20, 'the conversation to get going');
    system().gateways[0]!.child.kill('SIGKILL');
    await talking;

    await waitFor(() => ada.socket!.connected && bob.socket!.connected, 'both clients to reconnect through the entry point', 20_000);
    expect(acked.length).toBeGreaterThan(20);

    // Catch up as a client would: from the last message it saw before it was cut off, page forward with `after`.
    for (const user of [ada, bob]) {
      const cursor0 = cutOffAt.get(user) ?? [...user.received.map((m) => m.id)].sort().at(-1)!;
      await waitFor(
        async () => {
          const known = new Set(user.received.map((m) => m.id));
          let cursor = cursor0;
          for (;;) {
            const page = HistoryPage.parse((await user.api('GET', `/api/channels/${channelId}/messages?after=${cursor}&limit=100`)).body);
            page.messages.forEach((m) => known.add(m.id));
            if (!page.hasMore || page.messages.length === 0) break;
            cursor = page.messages[0]!.id;
          }
          return acked.every((m) => known.has(m.id));
        },
        `${user.username} to hold every acknowledged message after catching up`,
        20_000,
      );
    }
    expect(cutOffAt.size).toBeGreaterThan(0);
  });

  it('keeps serving with the surviving gateway and takes the restarted one back', async () => {
    await system().restartGateway(0);
    const carol = await new User(system().edgeUrl, `carol_f${Date.now() % 100000}`).register();
    await carol.connect(system().gateways[0]!.url);
    carol.close();
    const ack = await ada.send(channelId, 'still here');
    expect(ack.ok).toBe(true);
  });
});
