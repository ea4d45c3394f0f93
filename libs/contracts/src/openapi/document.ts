import { z } from 'zod';
import { ERROR_STATUS, ErrorBody, type ErrorCode } from '../errors.js';
import { ROUTES, type RouteDoc } from './routes.js';

type Json = Record<string, unknown>;

/** JSON Schema 2020-12 (what OpenAPI 3.1 uses) of a contract schema; `io` picks the request or the response side. */
const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): Json =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;

const stripMeta = ({ $schema: _s, ...rest }: Json): Json => rest;

function parameters(route: RouteDoc): Json[] {
  const out: Json[] = [];
  for (const [name, s] of Object.entries(route.params?.shape ?? {}))
    out.push({ name, in: 'path', required: true, schema: stripMeta(schemaOf(s as z.ZodType, 'input')) });
  const query = route.query ? stripMeta(schemaOf(route.query, 'input')) : undefined;
  const props = (query?.properties ?? {}) as Record<string, Json>;
  const required = new Set((query?.required as string[] | undefined) ?? []);
  for (const [name, s] of Object.entries(props)) out.push({ name, in: 'query', required: required.has(name), schema: s });
  return out;
}

function responses(route: RouteDoc): Json {
  const out: Json = {};
  for (const [status, schema] of Object.entries(route.ok))
    out[status] = schema
      ? { description: 'Success', content: { 'application/json': { schema: stripMeta(schemaOf(schema, 'output')) } } }
      : { description: 'Success, no body' };
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of [...route.errors, 'INTERNAL' as const])
    byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  for (const [status, codes] of byStatus)
    out[String(status)] = {
      description: `Error: ${[...new Set(codes)].join(', ')}`,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
    };
  return out;
}

/** The OpenAPI 3.1 document of Chorus's REST API, generated from the contracts (served at /api/docs/openapi.json). */
export function buildOpenApiDocument(): Json {
  const paths: Record<string, Json> = {};
  for (const route of ROUTES) {
    const op: Json = {
      tags: [route.tag],
      summary: route.summary,
      operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      parameters: parameters(route),
      responses: responses(route),
      'x-chorus-service': route.service,
    };
    if (route.auth === 'required') op.security = [{ bearerAuth: [] }];
    if (route.auth === 'optional') op.security = [{}, { bearerAuth: [] }];
    if (route.body)
      op.requestBody = { required: true, content: { 'application/json': { schema: stripMeta(schemaOf(route.body, 'input')) } } };
    paths[route.path] = { ...(paths[route.path] ?? {}), [route.method]: op };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Chorus API',
      version: '0.1.0',
      description:
        'REST API of Chorus (membership and history behind one entry point). Errors are always `{"error":{code,message,details?}}`; ' +
        'RATE_LIMITED carries `Retry-After` and `details.retryAfterMs`. Real-time events: /api/docs/socket-events.json.',
    },
    servers: [{ url: '/' }],
    tags: ['auth', 'users', 'servers', 'channels', 'members', 'invites', 'messages'].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (ES256, 15 minutes)' } },
      schemas: { ErrorBody: stripMeta(schemaOf(ErrorBody, 'output')) },
    },
  };
}
