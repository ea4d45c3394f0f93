import type { ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import { handOffUpgrade } from '@chorus/runtime';

/** Where the edge sends traffic. Gateways are keyed by their GATEWAY_ID. */
export interface EdgeTargets {
  membership: string;
  history: string;
  gateways: Record<string, string>;
  /**
   * The gateway's process, when it is our child with an IPC channel: WebSocket upgrades are handed to it
   * (the client's socket itself, `handOffUpgrade`) instead of proxied frame by frame.
   */
  gatewayProcess?: (id: string) => ChildProcess | undefined;
  /** Serves the web client for everything else (`/`, its routes and assets); see web-client.ts. */
  web?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/**
 * The one HTTP entry point of the local run (SPEC 8), the same routing nginx does in docker-compose:
 *   /api/channels/*          → history
 *   /api/users/@me/read-states → history (SPEC 13; exact path)
 *   /api/*, /.well-known/*   → membership
 *   /socket.io/*             → a gateway: a request carrying `sid=<GATEWAY_ID>.…` (engine.io session ids
 *                              start with their gateway's id) goes back to that gateway, so long-polling
 *                              is sticky without cookies; new connections and WebSocket upgrades
 *                              without a sid are spread round-robin over the gateways. A WebSocket
 *                              upgrade is handed to the gateway process (its socket, over IPC) when
 *                              `gatewayProcess` knows it, so frames never pass through this process.
 *   anything else            → the built web client (SPA fallback to index.html), when given.
 */
export function createEdgeProxy(targets: EdgeTargets): Server {
  const proxy = createProxyServer({ xfwd: true, ws: true });
  const gatewayIds = Object.keys(targets.gateways);
  let next = 0;

  const gatewayFor = (url: URL, cookie: string | undefined): string => {
    const sid = url.searchParams.get('sid');
    const owner = sid ? gatewayIds.find((id) => sid.startsWith(`${id}.`)) : undefined;
    if (owner) return owner;
    // A `chorus_gateway=<id>` cookie pins new connections to one gateway (the browser tests put each
    // browser context on a different gateway this way); without it, round-robin.
    const pinned = /(?:^|;\s*)chorus_gateway=([^;]+)/.exec(cookie ?? '')?.[1];
    if (pinned && targets.gateways[pinned]) return pinned;
    return gatewayIds[next++ % gatewayIds.length]!;
  };

  const serviceFor = (url: URL): string | undefined => {
    if (url.pathname === '/api/channels' || url.pathname.startsWith('/api/channels/')) return targets.history;
    if (url.pathname === '/api/users/@me/read-states') return targets.history;
    if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/.well-known/')) return targets.membership;
    return undefined;
  };

  /** Where a request goes: a gateway (by id), another service (by URL), or nowhere (the web client or 404). */
  const route = (req: IncomingMessage): { url: string; gateway?: string } | undefined => {
    const url = new URL(req.url ?? '/', 'http://edge');
    if (url.pathname.startsWith('/socket.io/')) {
      const gateway = gatewayFor(url, req.headers.cookie);
      return { url: targets.gateways[gateway]!, gateway };
    }
    const service = serviceFor(url);
    return service ? { url: service } : undefined;
  };

  const fail = (res: ServerResponse | Duplex, status: number, code: string, message: string) => {
    if ('writeHead' in res) {
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code, message } }));
    } else {
      res.destroy();
    }
  };

  proxy.on('error', (_err, _req, res) => {
    if (res) fail(res as ServerResponse | Duplex, 503, 'UNAVAILABLE', 'Upstream service is unavailable');
  });

  const server = createServer((req, res) => {
    const target = route(req);
    if (!target && targets.web?.(req, res)) return;
    if (!target) return fail(res, 404, 'NOT_FOUND', `No route for ${req.method} ${req.url}`);
    proxy.web(req, res, { target: target.url });
  });
  server.on('upgrade', (req, socket, head) => {
    const target = route(req);
    if (!target) return socket.destroy();
    socket.on('error', () => socket.destroy());
    const child = target.gateway ? targets.gatewayProcess?.(target.gateway) : undefined;
    if (socket instanceof Socket && handOffUpgrade(child, req, socket, head)) return;
    proxy.ws(req, socket, head, { target: target.url });
  });
  return server;
}
