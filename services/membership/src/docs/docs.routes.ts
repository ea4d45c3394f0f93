import { Router, static as serveStatic } from 'express';
import { getAbsoluteFSPath } from 'swagger-ui-dist';
import { buildOpenApiDocument, buildSocketEventsDocument } from '@chorus/contracts';

const INDEX = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Chorus API</title>
  <link rel="stylesheet" href="/api/docs/swagger-ui.css" />
</head>
<body>
  <p style="font-family: sans-serif; margin: 1rem">Real-time events: <a href="/api/docs/socket-events.json">socket-events.json</a></p>
  <div id="swagger-ui"></div>
  <script src="/api/docs/swagger-ui-bundle.js"></script>
  <script src="/api/docs/docs-init.js"></script>
</body>
</html>`;
// A file of its own rather than inline script, so a strict Content-Security-Policy (script-src 'self') allows it.
const INIT = `window.ui = SwaggerUIBundle({ url: '/api/docs/openapi.json', dom_id: '#swagger-ui' });`;

/**
 * API documentation (SPEC 16): the OpenAPI 3.1 document generated from the contracts, Swagger UI from
 * the `swagger-ui-dist` package (served from here, no CDN), and the socket events from the same contracts.
 * Public; built once at start-up.
 */
export function docsRoutes(): Router {
  const openapi = JSON.stringify(buildOpenApiDocument());
  const socketEvents = JSON.stringify(buildSocketEventsDocument());
  const router = Router();
  router.get('/api/docs/openapi.json', (_req, res) => void res.type('application/json').send(openapi));
  router.get('/api/docs/socket-events.json', (_req, res) => void res.type('application/json').send(socketEvents));
  router.get('/api/docs/docs-init.js', (_req, res) => void res.type('application/javascript').send(INIT));
  router.get(['/api/docs', '/api/docs/'], (_req, res) => void res.type('html').send(INDEX));
  router.use('/api/docs', serveStatic(getAbsoluteFSPath(), { index: false, maxAge: '1d' }));
  return router;
}
