#!/usr/bin/env node
// Cross-checks the compose stack, the edge config and the image recipe, without a Docker engine:
// - the normalized compose file (`docker-compose config` output) has every service, healthchecks
//   behind every `service_healthy`, one database per service and the env each service reads;
// - every upstream host:port in deploy/nginx/chorus.conf is a compose service on its PORT, and each
//   gateway's GATEWAY_ID has its sid-prefix route;
// - for each SERVICE, every file the Dockerfile COPYs from the context exists and survives .dockerignore
//   (Docker's rules: last matching pattern wins, `!` re-includes, a pattern matching a parent matches).
// Usage: node deploy/checks/compose.mjs <normalized-compose.yaml>
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadYamlDocs, reporter } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [file] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node deploy/checks/compose.mjs <normalized-compose.yaml>\n');
  process.exit(2);
}
const [compose] = await loadYamlDocs(file);
const r = reporter('compose + nginx + Dockerfile');
const services = compose.services ?? {};
const dockerfile = readFileSync(join(root, 'deploy/docker/Dockerfile'), 'utf8');
/** Volumes in either form compose prints: short `src:dst[:ro]` (v1) or long {type, source, target} (v2). */
const volumesOf = (svc) =>
  (svc?.volumes ?? []).map((v) => {
    if (typeof v !== 'string') return { named: v.type === 'volume', source: v.source, target: v.target, readOnly: v.read_only === true };
    const [source, target, mode] = v.split(':');
    return { named: !source.startsWith('/') && !source.startsWith('.'), source, target, readOnly: mode === 'ro' };
  });
const asMap = (env) => (Array.isArray(env) ? Object.fromEntries(env.map((e) => e.split(/=(.*)/s).slice(0, 2))) : (env ?? {}));

// --- compose -------------------------------------------------------------------------------------
const images = { mongo: 'mongo:7', redis: 'redis:7-alpine', rabbitmq: 'rabbitmq:3.13-management-alpine' };
for (const [name, image] of Object.entries(images)) {
  r.check(services[name]?.image === image && Boolean(services[name]?.healthcheck?.test), `${name}: ${image} with a healthcheck`);
}
r.check(
  volumesOf(services.mongo).some((v) => v.named && v.target === '/data/db'),
  'mongo: data on a volume',
);

const apps = { membership: 'membership', history: 'history', 'gateway-1': 'gateway', 'gateway-2': 'gateway' };
const common = ['AMQP_URL', 'AMQP_PREFIX', 'REDIS_PREFIX', 'LOG_LEVEL', 'JWT_ISSUER', 'JWT_AUDIENCE', 'PORT'];
const keyVolumes = new Set(
  volumesOf(services.keys)
    .filter((v) => v.named)
    .map((v) => v.source),
);
r.check(keyVolumes.size > 0 && services.keys?.restart === 'no', 'keys: one-shot service writing the JWT key volumes');
const databases = new Set();
for (const [name, kind] of Object.entries(apps)) {
  const svc = services[name];
  if (!r.check(Boolean(svc), `service ${name}`)) continue;
  const env = asMap(svc.environment);
  r.check(
    svc.build?.dockerfile === 'deploy/docker/Dockerfile' && svc.build?.args?.SERVICE === kind,
    `${name}: built from deploy/docker/Dockerfile with SERVICE=${kind}`,
  );
  r.check(
    common.every((k) => env[k]) && /^amqp:\/\/[^@]+@rabbitmq:/.test(env.AMQP_URL),
    `${name}: ${common.join(', ')} set (broker user is not guest)`,
  );
  if (kind === 'gateway') {
    r.check(
      !env.MONGODB_URI && env.REDIS_URL?.startsWith('redis://redis:') && env.GATEWAY_ID === name,
      `${name}: no database, Redis, GATEWAY_ID=${name}`,
    );
  } else {
    const db = /^mongodb:\/\/mongo:27017\/([^/?]+)/.exec(env.MONGODB_URI ?? '')?.[1];
    r.check(db === `chorus_${kind}` && !databases.has(db), `${name}: its own database ${db}`);
    databases.add(db);
    const migrate = services[`${name}-migrate`];
    const command = Array.isArray(migrate?.command) ? migrate.command.join(' ') : migrate?.command;
    r.check(
      migrate?.restart === 'no' &&
        command === 'node dist/migrate.js' &&
        migrate?.build?.args?.SERVICE === kind &&
        asMap(migrate?.environment).MONGODB_URI === env.MONGODB_URI &&
        svc.depends_on?.[`${name}-migrate`]?.condition === 'service_completed_successfully',
      `${name}: starts after the one-shot ${name}-migrate (dist/migrate.js on the same MONGODB_URI) completed`,
    );
  }
  const keyVar = kind === 'membership' ? 'JWT_PRIVATE_KEY_FILE' : 'JWT_PUBLIC_KEY_FILE';
  const mount = volumesOf(svc).find((v) => env[keyVar]?.startsWith(`${v.target}/`));
  r.check(
    Boolean(mount) && keyVolumes.has(mount.source) && mount.readOnly,
    `${name}: ${keyVar} on a read-only mount of a keys volume (${mount?.source})`,
  );
  r.check(svc.depends_on?.keys?.condition === 'service_completed_successfully', `${name}: starts after the keys are written`);
}
const privateVolume = volumesOf(services.membership).find((v) => v.target?.includes('private'))?.source;
r.check(
  Boolean(privateVolume) &&
    Object.entries(services).every(([n, s]) => n === 'membership' || n === 'keys' || !volumesOf(s).some((v) => v.source === privateVolume)),
  `only membership (and keys) mount the private key volume (${privateVolume})`,
);

const hasHealthcheck = (name) => Boolean(services[name]?.healthcheck?.test) || (name in apps && /^HEALTHCHECK /m.test(dockerfile));
for (const [name, svc] of Object.entries(services)) {
  for (const [dep, { condition } = {}] of Object.entries(svc.depends_on ?? {})) {
    if (condition === 'service_healthy')
      r.check(hasHealthcheck(dep), `${name} waits for ${dep} to be healthy, and ${dep} has a healthcheck`);
    else
      r.check(
        condition === 'service_completed_successfully' && services[dep]?.restart === 'no',
        `${name} waits for one-shot ${dep} to complete`,
      );
  }
}
const edge = services.edge;
r.check(
  Boolean(edge) &&
    (edge.ports ?? []).some((p) => Number(p.published) === 8080) &&
    volumesOf(edge).some((v) => v.source?.endsWith('deploy/nginx/chorus.conf')),
  'edge: nginx on :8080 with deploy/nginx/chorus.conf',
);

// --- nginx <-> compose ---------------------------------------------------------------------------
const conf = readFileSync(join(root, 'deploy/nginx/chorus.conf'), 'utf8');
const upstreams = Object.fromEntries(
  [...conf.matchAll(/upstream\s+(\S+)\s*\{([^}]*)\}/g)].map((m) => [
    m[1],
    [...m[2].matchAll(/server\s+([^:\s]+):(\d+)/g)].map((s) => ({ host: s[1], port: s[2] })),
  ]),
);
for (const [name, servers] of Object.entries(upstreams)) {
  for (const { host, port } of servers) {
    r.check(
      asMap(services[host]?.environment).PORT === port,
      `nginx upstream ${name}: ${host}:${port} is a compose service listening on ${port}`,
    );
  }
}
// map $arg_sid lines: "~^gateway-1\." gateway_1;
const sidRoutes = Object.fromEntries([...conf.matchAll(/"~\^([A-Za-z0-9_-]+)\\\."\s+(\S+);/g)].map((m) => [m[1], m[2]]));
for (const name of Object.keys(apps).filter((n) => apps[n] === 'gateway')) {
  const id = asMap(services[name]?.environment).GATEWAY_ID;
  const route = sidRoutes[id];
  const target = upstreams[route] ?? [];
  r.check(target.length === 1 && target[0].host === name, `nginx routes sid=${id}.… to ${name} only (upstream ${route})`);
}
r.check(
  (upstreams.gateways ?? []).length === Object.values(apps).filter((k) => k === 'gateway').length,
  'nginx round-robins handshakes over every gateway',
);

// --- Dockerfile COPY sources vs .dockerignore ----------------------------------------------------
const ignore = readFileSync(join(root, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => {
    const negate = l.startsWith('!');
    const glob = (negate ? l.slice(1) : l).replace(/^\/+|\/+$/g, '');
    const rx = glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*\*\/|\*\*|\*|\?/g, (t) => ({ '**/': '(?:.*/)?', '**': '.*', '*': '[^/]*', '?': '[^/]' })[t]);
    return { negate, rx: new RegExp(`^${rx}$`) };
  });
const excluded = (path) => {
  const parts = path.split('/');
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let out = false;
  for (const { negate, rx } of ignore) if (prefixes.some((p) => rx.test(p))) out = !negate;
  return out;
};
const walk = (dir) =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [rel + '/'] : walk(rel);
    return [rel];
  });
const copies = [...dockerfile.matchAll(/^COPY\s+(?!--from)(.+)$/gm)].map((m) => m[1].trim().split(/\s+/).slice(0, -1));
for (const svc of ['gateway', 'membership', 'history']) {
  const sources = [...new Set(copies.flat())].map((s) => s.replace(/\$\{SERVICE\}/g, svc).replace(/\/$/, ''));
  const problems = [];
  let files = 0;
  for (const src of sources) {
    if (!existsSync(join(root, src))) problems.push(`${src} missing`);
    else if (statSync(join(root, src)).isDirectory()) {
      const sent = walk(src).filter((f) => !excluded(f));
      files += sent.length;
      const leaks = sent.filter((f) => f.endsWith('/') || f.endsWith('.test.ts'));
      if (leaks.length) problems.push(`context would carry ${leaks.slice(0, 3).join(', ')}`);
      for (const need of ['package.json', 'src'])
        if (!sent.some((f) => f.startsWith(`${src}/${need}`))) problems.push(`${src}/${need} excluded`);
    } else if (excluded(src)) problems.push(`${src} excluded by .dockerignore`);
    else files++;
  }
  const entries = svc === 'gateway' ? ['main'] : ['main', 'migrate'];
  for (const entry of entries.map((e) => `services/${svc}/src/${e}.ts`))
    if (!existsSync(join(root, entry)) || excluded(entry)) problems.push(`${entry} (the image runs it from dist/) missing or excluded`);
  r.check(
    problems.length === 0,
    `Dockerfile SERVICE=${svc}: ${sources.length} COPY sources present, ${files} files in the context${problems.length ? `: ${problems.join('; ')}` : ''}`,
  );
}
r.check(
  !excluded('deploy/docker/healthcheck.mjs') &&
    excluded('node_modules/zod/package.json') &&
    excluded('.git/HEAD') &&
    excluded('deploy/k8s/dev/keys/private.pem'),
  '.dockerignore keeps node_modules, .git and local keys out of the context',
);
r.done();
