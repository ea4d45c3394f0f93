import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EVENT_PAYLOADS,
  createEnvelope,
  parseEnvelope,
  routingKey,
  topologyNames,
  ServerDetail,
  type AuthResponse,
} from '@chorus/contracts';
import { connectBroker, createEventPublisher, createLogger } from '@chorus/runtime';
import { createChangeVerifier } from '../src/events/change-verifier.js';
import { membershipEvent } from '../src/events/membership-events.js';
import { createEventOutbox } from '../src/events/outbox.js';
import { waitFor } from '../../../test/support/wait.js';
import { bearer, startHarness, tapEvents, type EventTap, type Harness } from './harness.js';

let h: Harness;
let tap: EventTap;
let owner: AuthResponse;
let member: AuthResponse;
beforeAll(async () => {
  h = await startHarness('events');
  tap = await tapEvents(h.iso);
  [owner, member] = await Promise.all([h.register('owner'), h.register('member')]);
});
afterAll(async () => {
  await tap?.close();
  await h?.close();
});

describe('published events (contract: libs/contracts broker/events.ts + envelope.ts)', () => {
  it('every event this service publishes is a valid, persistent, versioned envelope on <type>.v<version>', async () => {
    const s = ServerDetail.parse((await h.api.post('/api/servers').set('authorization', bearer(owner)).send({ name: 'Evented' })).body);
    const extra = (await h.api.post(`/api/servers/${s.id}/channels`).set('authorization', bearer(owner)).send({ name: 'x' })).body
      .id as string;
    await h.api.put(`/api/servers/${s.id}/members/@me`).set('authorization', bearer(member)).set('x-request-id', 'req-join-1').expect(201);
    await h.api.delete(`/api/servers/${s.id}/members/@me`).set('authorization', bearer(member)).expect(204);
    await h.api.put(`/api/servers/${s.id}/members/@me`).set('authorization', bearer(member)).expect(201);
    await h.api.delete(`/api/servers/${s.id}/channels/${extra}`).set('authorization', bearer(owner)).expect(204);
    await h.api.delete(`/api/servers/${s.id}`).set('authorization', bearer(owner)).expect(204);
    await tap.next('server.deleted', (p) => p.serverId === s.id);

    const types = tap.envelopes.map((e) => e.type);
    expect(types).toEqual(['member.joined', 'member.joined', 'member.left', 'member.joined', 'channel.deleted', 'server.deleted']);
    expect(tap.invalid).toEqual([]);
    for (const msg of tap.raw) {
      const parsed = parseEnvelope(msg.body);
      expect(parsed.ok, parsed.ok ? '' : parsed.reason).toBe(true);
      if (!parsed.ok) continue;
      const env = parsed.envelope;
      expect(env.producer).toBe('membership');
      expect(env.version).toBe(1);
      expect(Object.keys(EVENT_PAYLOADS)).toContain(env.type);
      expect(msg.routingKey).toBe(routingKey(env.type, env.version));
      expect(msg.type).toBe(`${env.type}.v${env.version}`);
      expect(msg.persistent).toBe(true);
    }
    const joinedByRequest = tap.envelopes.find((e) => e.correlationId === 'req-join-1');
    expect(joinedByRequest?.type).toBe('member.joined');
  });

  it('publishing is confirmed before the API answers: the event is already in the broker', async () => {
    const s = ServerDetail.parse((await h.api.post('/api/servers').set('authorization', bearer(owner)).send({ name: 'Prompt' })).body);
    await h.api.put(`/api/servers/${s.id}/members/@me`).set('authorization', bearer(member)).expect(201);
    await h.api.delete(`/api/servers/${s.id}/members/@me`).set('authorization', bearer(member)).expect(204);
    await tap.next('member.left', (p) => p.serverId === s.id);
    expect(await h.service.infra.models.Outbox.countDocuments()).toBe(0);
  });
});

describe('outbox', () => {
  it('keeps an event the broker refused and publishes it later', async () => {
    const logger = createLogger('outbox-test', 'silent');
    // A publisher whose broker is unreachable: every publish fails with UNAVAILABLE.
    const deadBroker = connectBroker('amqp://guest:guest@127.0.0.1:1', logger, 'dead');
    const deadPublisher = createEventPublisher({ connection: deadBroker, names: topologyNames(h.iso.amqpPrefix), logger });
    const { models, channelCache } = h.service.infra;
    const verify = createChangeVerifier({ models, channelCache, logger });
    const failing = createEventOutbox({ models, publisher: deadPublisher, verify, logger, retryMs: 60_000 });
    const serverId = 'a'.repeat(24);
    const envelope = createEnvelope('member.left', 1, { serverId, userId: member.user.id }, 'membership');
    await failing.record(envelope, async () => undefined); // does not throw
    expect(await h.service.infra.models.Outbox.countDocuments({ eventType: 'member.left.v1' })).toBe(1);
    await deadBroker.close();

    // Time passes (the entry is due again), and the service's own relay (every OUTBOX_RETRY_MS) publishes it.
    await h.service.infra.models.Outbox.updateMany({}, { $set: { nextAttemptAt: new Date(0) } });
    const published = await tap.next('member.left', (p) => p.serverId === serverId);
    expect(published.id).toBe(envelope.id);
    await waitFor(async () => (await h.service.infra.models.Outbox.countDocuments()) === 0, 'outbox to drain');
  });

  // A crash is simulated by a change that throws a plain error where the process would have died:
  // the record is left to the service's own relay (every OUTBOX_RETRY_MS), as after a restart.
  const crash = () => new Error('process died here');
  const newServer = async (name: string) => {
    const s = ServerDetail.parse((await h.api.post('/api/servers').set('authorization', bearer(owner)).send({ name })).body);
    await h.api.put(`/api/servers/${s.id}/members/@me`).set('authorization', bearer(member)).expect(201);
    return s;
  };
  const drained = () => waitFor(async () => (await h.service.infra.models.Outbox.countDocuments()) === 0, 'outbox to drain');

  it('a change that took effect before the crash is announced by the relay', async () => {
    const s = await newServer('Crash after write');
    const { models, outbox } = h.service.infra;
    const event = membershipEvent.memberLeft(s.id, member.user.id);
    await expect(
      outbox.record(event, async () => {
        await models.Member.deleteOne({ serverId: s.id, userId: member.user.id });
        throw crash();
      }),
    ).rejects.toThrow('process died here');
    const published = await tap.next('member.left', (p) => p.serverId === s.id);
    expect(published.id).toBe(event.id);
    await drained();
  });

  it('a change that never took effect is never announced', async () => {
    const s = await newServer('Crash before write');
    const event = membershipEvent.memberLeft(s.id, member.user.id);
    await expect(
      h.service.infra.outbox.record(event, async () => {
        throw crash();
      }),
    ).rejects.toThrow('process died here');
    await drained(); // the relay looked at it and dropped it: the member is still a member
    expect(tap.envelopes.some((e) => e.id === event.id)).toBe(false);
    const isMember = await h.api.get(`/api/servers/${s.id}/members/@me`).set('authorization', bearer(member));
    expect(isMember.body).toMatchObject({ isMember: true });
  });

  it('a server deletion that stopped half way is finished, then announced', async () => {
    const s = await newServer('Crash mid delete');
    const { models, outbox } = h.service.infra;
    const event = membershipEvent.serverDeleted(s.id, [s.channels[0]!.id], [owner.user.id, member.user.id]);
    await expect(
      outbox.record(event, async () => {
        await models.Server.deleteOne({ _id: s.id });
        throw crash(); // channels and memberships are still there
      }),
    ).rejects.toThrow('process died here');
    const published = await tap.next('server.deleted', (p) => p.serverId === s.id);
    expect(published.id).toBe(event.id);
    expect(await models.Channel.countDocuments({ serverId: s.id })).toBe(0);
    expect(await models.Member.countDocuments({ serverId: s.id })).toBe(0);
  });

  it('a refusal leaves no record behind (nothing changed, nothing to announce)', async () => {
    const s = ServerDetail.parse((await h.api.post('/api/servers').set('authorization', bearer(owner)).send({ name: 'Refusals' })).body);
    await drained();
    await h.api.delete(`/api/servers/${s.id}/members/@me`).set('authorization', bearer(member)).expect(404);
    await h.api.put(`/api/servers/${s.id}/members/@me`).set('authorization', bearer(owner)).expect(409);
    expect(await h.service.infra.models.Outbox.countDocuments()).toBe(0);
  });
});
