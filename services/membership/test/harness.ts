import { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import supertest from 'supertest';
import { afterAll, beforeAll, expect } from 'vitest';
import amqplib from 'amqplib';
import { createLogger } from '@chorus/runtime';
import {
  ErrorBody,
  declareExchanges,
  decodeEnvelope,
  topologyNames,
  type AnyEnvelope,
  type AuthResponse,
  type ErrorCode,
  type EventType,
} from '@chorus/contracts';
import { isolated, type Isolated } from '../../../test/support/isolated.js';
import { FAST_ACCOUNTS } from '../../../test/support/tuning.js';
import { startedView } from '../../../test/support/started.js';
import { migrateMembership } from '../../../test/support/migrate.js';
import { loadConfig, type MembershipConfig } from '../src/config.js';
import { createMembershipService, type MembershipService } from '../src/service.js';

export type TestAgent = ReturnType<typeof supertest>;

export const PASSWORD = 'correct horse battery';

export { FAST_ACCOUNTS };

export interface Harness {
  iso: Isolated;
  config: MembershipConfig;
  service: MembershipService;
  /** supertest against the real app (real MongoDB, Redis, RabbitMQ). */
  api: TestAgent;
  register(username: string, password?: string): Promise<AuthResponse>;
  /** Another replica of the service on the same database, Redis and broker prefix (closed with the harness). */
  replica(instanceId: string): Promise<MembershipService>;
  close(): Promise<void>;
}

/** The real membership service on this file's own database, Redis prefix and broker prefix. */
export async function startHarness(name: string, env: Record<string, string> = {}): Promise<Harness> {
  const iso = isolated(name);
  const config = loadConfig(iso.serviceEnv({ ...FAST_ACCOUNTS, INSTANCE_ID: `test-${name}`, ...env }));
  await migrateMembership(config.MONGODB_URI);
  const service = createMembershipService(config, createLogger('membership-test', config.LOG_LEVEL));
  await service.ready;
  // One server for the whole file: supertest would otherwise open a listener per request.
  const http = new Server(service.app);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const api = supertest(`http://127.0.0.1:${(http.address() as AddressInfo).port}`);
  const replicas: MembershipService[] = [];
  return {
    iso,
    config,
    service,
    api,
    async register(username, password = PASSWORD) {
      const res = await api.post('/api/auth/register').send({ username, password });
      if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as AuthResponse;
    },
    async replica(instanceId) {
      const replicaConfig = loadConfig(iso.serviceEnv({ ...FAST_ACCOUNTS, INSTANCE_ID: instanceId, ...env }));
      const replica = createMembershipService(replicaConfig, createLogger('membership-replica', replicaConfig.LOG_LEVEL));
      replicas.push(replica);
      await replica.ready;
      return replica;
    },
    async close() {
      await Promise.allSettled(replicas.map((r) => r.stop()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await service.stop();
      await iso.cleanup();
    },
  };
}

/** What `useHarness` gives a test file: the harness (read it inside tests and hooks, once beforeAll ran). */
export interface FileHarness extends Omit<Harness, 'close'> {
  /** Every event the service published (only with `tap: true`). */
  readonly tap: EventTap;
  /** Registers `${prefix}0` … `${prefix}${count - 1}`, one after the other, in that order. */
  registerNumbered(prefix: string, count: number): Promise<AuthResponse[]>;
}

/**
 * For a whole test file: `startHarness(name, env)` (and, with `tap`, an event tap on it) in beforeAll,
 * the tap then the harness closed in afterAll.
 */
export function useHarness(name: string, options: { env?: Record<string, string>; tap?: boolean } = {}): FileHarness {
  let harness: Harness | undefined;
  let tap: EventTap | undefined;

  beforeAll(async () => {
    harness = await startHarness(name, options.env);
    if (options.tap) tap = await tapEvents(harness.iso);
  });
  afterAll(async () => {
    await tap?.close();
    await harness?.close();
  });

  type Started = Omit<Harness, 'close'> & { tap: EventTap };
  const view = startedView<Started, keyof Started>(`useHarness(${name})`, () => harness && { ...harness, tap }, [
    'iso',
    'config',
    'service',
    'api',
    'register',
    'replica',
    'tap',
  ]);
  return Object.assign(view, {
    async registerNumbered(prefix: string, count: number) {
      const users: AuthResponse[] = [];
      for (let i = 0; i < count; i++) users.push(await view.register(`${prefix}${i}`));
      return users;
    },
  });
}

/** Asserts an error response (`status`, and `code` in the contract's error body) and returns its error. */
export function expectError(res: { status: number; body: unknown }, status: number, code: ErrorCode) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  const error = ErrorBody.parse(res.body).error;
  expect(error.code).toBe(code);
  return error;
}

export const bearer = (auth: AuthResponse | string) => `Bearer ${typeof auth === 'string' ? auth : auth.accessToken}`;

/** Every event published on `<prefix>.events`, as received (raw) and parsed with the contracts. */
export interface EventTap {
  raw: Array<{ routingKey: string; body: unknown; type?: string; persistent: boolean }>;
  envelopes: AnyEnvelope[];
  invalid: string[];
  /** Waits until an envelope of `type` whose payload matches `pred` arrived. */
  next<T extends EventType>(
    type: T,
    pred: (payload: Extract<AnyEnvelope, { type: T }>['payload']) => boolean,
    timeoutMs?: number,
  ): Promise<Extract<AnyEnvelope, { type: T }>>;
  close(): Promise<void>;
}

export async function tapEvents(iso: Isolated): Promise<EventTap> {
  const names = topologyNames(iso.amqpPrefix);
  const conn = await amqplib.connect(iso.amqpUrl);
  const ch = await conn.createChannel();
  await declareExchanges(ch, names);
  const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
  await ch.bindQueue(queue, names.eventsExchange, '#');
  const tap: EventTap = {
    raw: [],
    envelopes: [],
    invalid: [],
    next: (async (type: EventType, pred: (payload: unknown) => boolean, timeoutMs = 5_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = tap.envelopes.find((e) => e.type === type && pred(e.payload));
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching ${type} event; saw ${tap.envelopes.map((e) => e.type).join(', ')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }) as EventTap['next'],
    async close() {
      await conn.close().catch(() => undefined);
    },
  };
  await ch.consume(
    queue,
    (msg) => {
      if (!msg) return;
      tap.raw.push({
        routingKey: msg.fields.routingKey,
        body: JSON.parse(msg.content.toString('utf8')),
        type: msg.properties.type as string | undefined,
        persistent: msg.properties.deliveryMode === 2,
      });
      const parsed = decodeEnvelope(msg.content);
      if (parsed.ok) tap.envelopes.push(parsed.envelope);
      else tap.invalid.push(parsed.reason);
    },
    { noAck: true },
  );
  return tap;
}
