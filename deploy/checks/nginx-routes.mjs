#!/usr/bin/env node
// Runs deploy/nginx/chorus.conf in a real nginx against stub backends and checks the routing a client
// relies on: REST paths, sticky long-polling by the sid prefix, round-robin handshakes, the WebSocket
// upgrade, forwarded headers and the body size limit. No Docker: compose host names are swapped for
// 127.0.0.1 and ephemeral ports in a temporary copy. Usage: node deploy/checks/nginx-routes.mjs [nginx]
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reporter } from './lib.mjs';

const nginxBin = process.argv[2] ?? 'nginx';
const conf = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'nginx', 'chorus.conf'), 'utf8');

/** Each compose host the config names gets a stub that answers with its own name and what it saw. */
function stub(name) {
  const server = http.createServer((req, res) => {
    let size = 0;
    req.on('data', (chunk) => (size += chunk.length));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ backend: name, url: req.url, headers: req.headers, bodyBytes: size }));
    });
  });
  server.on('upgrade', (req, socket) => {
    socket.end(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Backend: ${name}\r\nX-Saw-Upgrade: ${req.headers.upgrade}\r\n\r\n`,
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ name, server, port: server.address().port })));
}

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const hosts = [...new Set([...conf.matchAll(/server\s+([A-Za-z0-9_.-]+):\d+/g)].map((m) => m[1]))];
const stubs = Object.fromEntries(await Promise.all(hosts.map(async (h) => [h, await stub(h)])));
const edgePort = await freePort();
const dir = mkdtempSync(join(tmpdir(), 'chorus-nginx-'));
chmodSync(dir, 0o755); // workers may run as another user when this runs as root
const rewritten = conf
  .replace(/server\s+([A-Za-z0-9_.-]+):\d+/g, (_m, host) => `server 127.0.0.1:${stubs[host].port}`)
  .replace(/listen\s+8080;/, `listen 127.0.0.1:${edgePort};`)
  .replace(/root\s+\/usr\/share\/chorus\/web;/, `root ${dir}/web;`);
mkdirSync(join(dir, 'web', 'assets'), { recursive: true });
writeFileSync(join(dir, 'web', 'index.html'), '<!doctype html><title>chorus-web</title>');
writeFileSync(join(dir, 'web', 'assets', 'app.js'), 'console.log(1)');
writeFileSync(join(dir, 'chorus.conf'), rewritten);
const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`).join('\n');
writeFileSync(
  join(dir, 'nginx.conf'),
  `daemon off;\npid ${dir}/nginx.pid;\nerror_log stderr error;\nevents {}\nhttp {\n  access_log off;\n${temps}\n  include ${dir}/chorus.conf;\n}\n`,
);

let nginx;
const r = reporter('nginx routing');
const check = (ok, what) => r.check(ok, what);
const get = async (path, init) => {
  const res = await fetch(`http://127.0.0.1:${edgePort}${path}`, init);
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
};
const upgrade = (path) =>
  new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: edgePort, path, headers: { connection: 'Upgrade', upgrade: 'websocket' } });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode, backend: res.headers['x-backend'], sawUpgrade: res.headers['x-saw-upgrade'] });
    });
    req.on('response', (res) => resolve({ status: res.statusCode }));
    req.on('error', reject);
    req.end();
  });

try {
  const test = spawnSync(nginxBin, ['-t', '-q', '-e', 'stderr', '-p', dir, '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
  check(test.status === 0, `nginx -t accepts the config${test.status === 0 ? '' : `: ${test.stderr.trim()}`}`);
  if (test.status !== 0) throw new Error('nginx -t failed');

  nginx = spawn(nginxBin, ['-e', 'stderr', '-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'inherit', 'inherit'] });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await fetch(`http://127.0.0.1:${edgePort}/nginx-healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline || nginx.exitCode !== null) throw new Error('nginx did not start');
    await new Promise((r) => setTimeout(r, 100));
  }

  const history = await get('/api/channels/650000000000000000000001/messages?limit=5');
  check(
    history.body.backend === 'history' && history.body.url === '/api/channels/650000000000000000000001/messages?limit=5',
    '/api/channels/… -> history, path and query kept',
  );
  const readStates = await get('/api/users/@me/read-states?serverId=650000000000000000000001');
  check(readStates.body.backend === 'history', '/api/users/@me/read-states -> history (exact match, query kept)');
  for (const path of ['/api/auth/login', '/api/servers?q=x', '/api/users/@me', '/api/users/@me/read-states-x', '/.well-known/jwks.json']) {
    check((await get(path)).body.backend === 'membership', `${path} -> membership`);
  }
  for (const path of ['/', '/servers/650000000000000000000001', '/explore']) {
    const page = await get(path);
    check(page.status === 200 && String(page.body).includes('chorus-web'), `${path} -> index.html of the web client`);
  }
  const asset = await get('/assets/app.js');
  check(asset.status === 200 && String(asset.body).includes('console.log'), '/assets/… -> a static file of the web client');

  const gateways = hosts.filter((h) => h.startsWith('gateway-'));
  check(gateways.length >= 2, `config names at least two gateways (${gateways.join(', ')})`);
  const seen = new Set();
  for (let i = 0; i < 2 * gateways.length; i++) seen.add((await get('/socket.io/?EIO=4&transport=polling')).body.backend);
  check(
    gateways.every((g) => seen.has(g)),
    `handshakes without sid spread over all gateways (saw ${[...seen].join(', ')})`,
  );
  for (const g of gateways) {
    const answers = new Set();
    for (let i = 0; i < 4; i++) answers.add((await get(`/socket.io/?EIO=4&transport=polling&sid=${g}.AbC-12_x`)).body.backend);
    check(answers.size === 1 && answers.has(g), `polling with sid=${g}.… always -> ${g}`);
    const ws = await upgrade(`/socket.io/?EIO=4&transport=websocket&sid=${g}.AbC-12_x`);
    check(ws.status === 101 && ws.backend === g && ws.sawUpgrade === 'websocket', `WebSocket upgrade with sid=${g}.… -> 101 from ${g}`);
  }
  const unknownSid = await get('/socket.io/?EIO=4&transport=polling&sid=elsewhere.x');
  check(gateways.includes(unknownSid.body.backend), 'an unknown sid prefix still reaches a gateway (which answers "Session ID unknown")');

  const headers = (await get('/socket.io/?EIO=4&transport=polling', { headers: { 'x-request-id': 'req-123' } })).body.headers;
  check(
    headers['x-request-id'] === 'req-123' && Boolean(headers['x-forwarded-for']) && headers.host === `127.0.0.1:${edgePort}`,
    'socket.io location forwards Host, X-Forwarded-For and the client X-Request-Id',
  );
  const generated = (await get('/api/auth/login')).body.headers['x-request-id'];
  check(/^[0-9a-f]{32}$/.test(generated ?? ''), 'a request without X-Request-Id gets one from nginx');

  const big = await get('/api/auth/register', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: 'x'.repeat(100 * 1024),
  });
  check(
    big.body.backend === 'membership' && big.body.bodyBytes === 100 * 1024,
    "a 100 KiB body reaches the service (which answers 413 in the API shape), not nginx's HTML 413",
  );
} catch (err) {
  check(false, err.message);
} finally {
  if (nginx && nginx.exitCode === null) {
    nginx.kill('SIGQUIT');
    await new Promise((r) => nginx.once('exit', r));
  }
  for (const { server } of Object.values(stubs)) server.close();
  rmSync(dir, { recursive: true, force: true });
}
r.done();
