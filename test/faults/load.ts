// Steady chat load for the fault suite: people sending with nonces and retrying the SAME nonce on
// UNAVAILABLE, on a timeout or a lost connection (SPEC 5), moving to the other gateway when theirs is
// gone. Every acknowledgement is recorded: the suite later checks each one against history.
import { io, type Socket } from 'socket.io-client';
import type { AuthResponse, ClientToServerEvents, ServerToClientEvents } from '@chorus/contracts';

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Acked {
  nonce: string;
  id: string;
  channelId: string;
}

export interface LoadStats {
  acked: Map<string, Acked>;
  /** Nonces whose repeated acks named two different ids: a duplicate seen by the client itself. */
  conflicting: string[];
  /** Nonces given up on (never acknowledged within the give-up time): they may or may not be stored. */
  abandoned: string[];
  /** Failed attempts by reason (`UNAVAILABLE`, `timeout`, `disconnected`, other codes). */
  failures: Map<string, number>;
}

export interface Person {
  name: string;
  auth: AuthResponse;
  /** When this person last had a send acknowledged (ms since epoch). */
  lastOkAt: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ACK_TIMEOUT_MS = 8_000;
const GIVE_UP_MS = 90_000;

/** REST against one service (membership or history), as a client would. */
export async function api(
  base: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Registers `count` people, one server with `channels` channels, everyone a member. */
export async function setUp(membershipUrl: string, count: number, channels: number): Promise<{ people: Person[]; channelIds: string[] }> {
  const tag = Date.now().toString(36);
  const people: Person[] = [];
  for (let i = 0; i < count; i++) {
    const res = await api(membershipUrl, 'POST', '/api/auth/register', undefined, {
      username: `f${tag}_${i}`,
      password: 'correct horse battery',
    });
    if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
    people.push({ name: `f${tag}_${i}`, auth: res.body as AuthResponse, lastOkAt: 0 });
  }
  const owner = people[0]!.auth.accessToken;
  const server = await api(membershipUrl, 'POST', '/api/servers', owner, { name: `faults ${tag}` });
  if (server.status !== 201) throw new Error(`create server: ${server.status} ${JSON.stringify(server.body)}`);
  const channelIds: string[] = [server.body.channels[0].id];
  for (let c = 1; c < channels; c++) {
    const ch = await api(membershipUrl, 'POST', `/api/servers/${server.body.id}/channels`, owner, { name: `load-${c}` });
    if (ch.status !== 201) throw new Error(`create channel: ${ch.status} ${JSON.stringify(ch.body)}`);
    channelIds.push(ch.body.id);
  }
  for (const p of people.slice(1)) {
    const joined = await api(membershipUrl, 'PUT', `/api/servers/${server.body.id}/members/@me`, p.auth.accessToken);
    if (joined.status !== 201) throw new Error(`join: ${joined.status} ${JSON.stringify(joined.body)}`);
  }
  return { people, channelIds };
}

/** One person's connection, moved to the next gateway whenever the current one cannot be reached. */
class Connection {
  private socket: ChatSocket | undefined;
  private url: string | undefined;
  private index: number;

  constructor(
    private readonly person: Person,
    private readonly gateways: string[],
    first: number,
  ) {
    this.index = first;
  }

  /** A connected socket, or undefined after `timeoutMs` of trying (the next try uses the next gateway). */
  async connected(timeoutMs = 2_000): Promise<ChatSocket | undefined> {
    if (this.socket?.connected) return this.socket;
    this.socket?.close();
    const url = this.gateways[this.index++ % this.gateways.length]!;
    this.url = url;
    const socket: ChatSocket = io(url, {
      auth: { token: this.person.auth.accessToken },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: timeoutMs,
    });
    this.socket = socket;
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      socket.once('connect', () => (clearTimeout(timer), resolve(true)));
      socket.once('connect_error', () => (clearTimeout(timer), resolve(false)));
    });
    return ok ? socket : undefined;
  }

  /** The gateway this person is connected to right now, if any. */
  get gateway(): string | undefined {
    return this.socket?.connected ? this.url : undefined;
  }

  close(): void {
    this.socket?.close();
  }
}

type Attempt = { ok: true; id: string; duplicate: boolean } | { ok: false; reason: string; retryAfterMs?: number };

async function attempt(conn: Connection, channelId: string, content: string, nonce: string): Promise<Attempt> {
  const socket = await conn.connected();
  if (!socket) return { ok: false, reason: 'disconnected' };
  try {
    const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message:send', { channelId, content, nonce });
    if (ack.ok) return { ok: true, id: ack.message.id, duplicate: 'duplicate' in ack && ack.duplicate === true };
    const retryAfterMs = (ack.error.details as { retryAfterMs?: number } | undefined)?.retryAfterMs;
    return { ok: false, reason: ack.error.code, ...(retryAfterMs ? { retryAfterMs } : {}) };
  } catch {
    return { ok: false, reason: socket.connected ? 'timeout' : 'disconnected' };
  }
}

/** Runs the load until `stop()`; `stop` resolves once every send in hand was acknowledged or given up. */
export function runLoad(people: Person[], channelIds: string[], gateways: string[], intervalMs: number) {
  const stats: LoadStats = { acked: new Map(), conflicting: [], abandoned: [], failures: new Map() };
  let stopping = false;
  const connections = people.map((p, i) => new Connection(p, gateways, i));

  const sendOne = async (person: Person, conn: Connection, nonce: string, channelId: string) => {
    const started = Date.now();
    for (let tries = 0; ; tries++) {
      const r = await attempt(conn, channelId, `${nonce} says hello`, nonce);
      if (r.ok) {
        const before = stats.acked.get(nonce);
        if (before && before.id !== r.id) stats.conflicting.push(nonce);
        stats.acked.set(nonce, { nonce, id: r.id, channelId });
        person.lastOkAt = Date.now();
        return;
      }
      stats.failures.set(r.reason, (stats.failures.get(r.reason) ?? 0) + 1);
      if (Date.now() - started > GIVE_UP_MS) return void stats.abandoned.push(nonce);
      await sleep(r.retryAfterMs ?? Math.min(100 * 2 ** tries, 1_000));
    }
  };

  const loops = people.map(async (person, i) => {
    for (let seq = 0; !stopping; seq++) {
      await sendOne(person, connections[i]!, `${person.name}-${seq}`, channelIds[(i + seq) % channelIds.length]!);
      await sleep(intervalMs);
    }
  });

  return {
    stats,
    /** How many people are connected to each gateway right now. */
    onGateway(url: string): number {
      return connections.filter((c) => c.gateway === url).length;
    },
    async stop(): Promise<void> {
      stopping = true;
      await Promise.all(loops);
      connections.forEach((c) => c.close());
    },
  };
}
