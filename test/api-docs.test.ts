import type { Express } from 'express';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '@readme/openapi-parser';
import { createLogger } from '@chorus/runtime';
import { loadConfig as loadHistoryConfig } from '../services/history/src/config.js';
import { createHistoryService, type HistoryService } from '../services/history/src/service.js';
import { migrateHistory, migrateMembership } from './support/migrate.js';
import { loadConfig as loadMembershipConfig } from '../services/membership/src/config.js';
import { createMembershipService, type MembershipService } from '../services/membership/src/service.js';
import { isolated } from './support/isolated.js';
import { FAST_ACCOUNTS } from './support/tuning.js';

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every (method, path) an express app answers, read from its real router stack; `:id` becomes `{id}`. */
function routesOf(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const path of [layer.route.path].flat())
          for (const [method, on] of Object.entries(layer.route.methods))
            if (on && method !== '_all') out.push(`${method} ${path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}

/** Operational and documentation routes, deliberately not part of the API document. */
const NOT_API = /^(get|head) \/(healthz|readyz|metrics|api\/docs)/;

describe('API documentation (SPEC 16)', () => {
  const iso = isolated('api-docs');
  const logger = createLogger('api-docs-test', 'silent');
  let membership: MembershipService;
  let history: HistoryService;
  let doc: { openapi: string; paths: Record<string, Record<string, unknown>> };

  beforeAll(async () => {
    await Promise.all([migrateMembership(iso.mongoUri), migrateHistory(iso.mongoUri)]);
    membership = createMembershipService(loadMembershipConfig(iso.serviceEnv({ ...FAST_ACCOUNTS, INSTANCE_ID: 'api-docs' })), logger);
    history = createHistoryService(loadHistoryConfig(iso.serviceEnv()), logger);
    await Promise.all([membership.ready, history.ready]);
    const res = await supertest(membership.app).get('/api/docs/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
  }, 60_000);
  afterAll(async () => {
    await Promise.allSettled([membership?.stop(), history?.stop()]);
    await iso.cleanup();
  });

  it('serves an OpenAPI 3.1 document that validates', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, JSON.stringify(result)).toBe(true);
  });

  it('documents every route that membership and history serve', () => {
    const served = [...routesOf(membership.app), ...routesOf(history.app)].filter((r) => !NOT_API.test(r));
    expect(served.length).toBeGreaterThan(20);
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)));
    expect(served.filter((r) => !documented.has(r))).toEqual([]);
    // and nothing documented that no service serves
    expect([...documented].filter((r) => !served.includes(r))).toEqual([]);
  });

  it('lists each route’s error codes in the documented error shape', () => {
    const messages = doc.paths['/api/channels/{channelId}/messages']!.get as { responses: Record<string, { description: string }> };
    expect(messages.responses['403']!.description).toContain('NOT_MEMBER');
    expect(messages.responses['400']!.description).toContain('VALIDATION_FAILED');
  });

  it('serves Swagger UI and its assets locally, and the socket events from the same contracts', async () => {
    const api = supertest(membership.app);
    const page = await api.get('/api/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('/api/docs/swagger-ui-bundle.js');
    expect((await api.get('/api/docs/swagger-ui-bundle.js')).status).toBe(200);
    expect((await api.get('/api/docs/swagger-ui.css')).status).toBe(200);
    const events = await api.get('/api/docs/socket-events.json');
    expect(events.status).toBe(200);
    expect(Object.keys(events.body.clientToServer)).toEqual(expect.arrayContaining(['channel:join', 'message:send']));
    expect(events.body.serverToClient['message:created'].payload.properties.id).toBeDefined();
  });
});
