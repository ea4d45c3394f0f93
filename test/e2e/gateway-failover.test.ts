import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@chorus/contracts';
import { waitFor } from '../support/wait.js';
import { Person } from './person.js';
import { useSystem } from './system.js';

/**
 * A gateway dies mid-conversation. Clients (`@chorus/client`'s ChorusSocket) reconnect through the
 * entry point (which spreads them over the gateways still alive) and rejoin by themselves, catch up
 * through history from the last message they saw, and find every message that was ever acknowledged
 * to a sender.
 */
describe('recovery after a gateway is killed mid-conversation', () => {
  const system = useSystem('e2e-failover', { SEND_RATE_LIMIT: '1000' });
  let ada: Person;
  let bob: Person;
  let channelId: string;

  beforeAll(async () => {
    const { edgeUrl } = system();
    ada = await new Person(edgeUrl, `ada_f${Date.now() % 100000}`).register();
    bob = await new Person(edgeUrl, `bob_f${Date.now() % 100000}`).register();
    const server = await ada.client.servers.create({ name: 'failover' });
    channelId = server.channels[0]!.id;
    await bob.client.members.join(server.id);
    expect(bob.lastStatus).toBe(201);
    // Through the entry point, as a real client; the socket rejoins its channels after every reconnection.
    for (const u of [ada, bob]) await (await u.connect(edgeUrl)).join(channelId);
  });
  afterAll(() => {
    ada?.close();
    bob?.close();
  });

  it('loses nothing that was acknowledged', async () => {
    const acked: Message[] = [];
    // The newest id each client had seen when its connection dropped: where it catches up from.
    const cutOffAt = new Map<Person, string>();
    for (const user of [ada, bob]) {
      const off = user.socket!.on('state', (state) => {
        if (state !== 'reconnecting') return;
        off();
        cutOffAt.set(
          user,
          user.received
            .map((m) => m.id)
            .sort()
            .at(-1) ?? '0'.repeat(24),
        );
      });
    }
    const sendLoop = async (user: Person, count: number) => {
      for (let i = 0; i < count; i++) {
        if (!user.socket!.connected) {
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        const ack = await user.socket!.send(channelId, `${user.username} ${i}`).catch(() => undefined);
        if (ack) acked.push(ack.message);
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
      const cursor = cutOffAt.get(user) ?? [...user.received.map((m) => m.id)].sort().at(-1)!;
      await waitFor(
        async () => {
          const known = new Set(user.received.map((m) => m.id));
          for (const m of await user.client.messages.since(channelId, cursor)) known.add(m.id);
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
    const carol = await new Person(system().edgeUrl, `carol_f${Date.now() % 100000}`).register();
    await carol.connect(system().gateways[0]!.url);
    carol.close();
    const ack = await ada.socket!.send(channelId, 'still here');
    expect(ack.message.content).toBe('still here');
  });
});
