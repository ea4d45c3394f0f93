#!/usr/bin/env node
// Structural check of rendered Kubernetes manifests (`kubectl kustomize ... > file`), without a
// cluster: the objects Chorus needs exist and reference each other correctly (selectors, ports,
// ConfigMaps, Secrets, HPA target), and every pod has the probes, limits, shutdown timing and
// hardening the README promises.
// Usage: node deploy/checks/k8s.mjs <rendered.yaml> [--with-jwt-secret]
//   --with-jwt-secret: the chorus-jwt Secret must be in the render (dev overlay); otherwise it is
//   expected to be created out of band and only reported.
import { loadYamlDocs, reporter } from './lib.mjs';

const [file, flag] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node deploy/checks/k8s.mjs <rendered.yaml> [--with-jwt-secret]\n');
  process.exit(2);
}
const withJwtSecret = flag === '--with-jwt-secret';
const docs = await loadYamlDocs(file);
const r = reporter(`k8s ${file}`);
const SERVICES = {
  membership: { port: 3001, replicas: 2, key: 'JWT_PRIVATE_KEY_FILE' },
  history: { port: 3002, replicas: 2, key: 'JWT_PUBLIC_KEY_FILE' },
  gateway: { port: 3000, replicas: undefined, key: 'JWT_PUBLIC_KEY_FILE' },
};

const find = (kind, name) => docs.find((d) => d.kind === kind && d.metadata?.name === name);
const all = (kind) => docs.filter((d) => d.kind === kind);
const matches = (selector = {}, labels = {}) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
const cpuMillis = (v) => (v == null ? 0 : String(v).endsWith('m') ? Number.parseFloat(v) : Number.parseFloat(v) * 1000);

r.check(Boolean(find('Namespace', 'chorus')), 'Namespace chorus');
r.check(
  docs.filter((d) => d.kind !== 'Namespace').every((d) => d.metadata?.namespace === 'chorus'),
  'every namespaced object is in namespace chorus',
);
const common = find('ConfigMap', 'chorus-common');
r.check(
  Boolean(common) &&
    ['REDIS_URL', 'AMQP_URL', 'AMQP_PREFIX', 'REDIS_PREFIX', 'LOG_LEVEL', 'JWT_ISSUER', 'JWT_AUDIENCE'].every((k) => common.data?.[k]),
  'ConfigMap chorus-common holds the broker/Redis URLs, prefixes, issuer, audience and log level',
);

const containerPort = (container, port) => (container.ports ?? []).find((p) => p.name === port || p.containerPort === port)?.containerPort;

for (const [name, want] of Object.entries(SERVICES)) {
  const dep = find('Deployment', name);
  if (!r.check(Boolean(dep), `Deployment ${name}`)) continue;
  const pod = dep.spec.template.spec;
  const labels = dep.spec.template.metadata?.labels;
  const c = pod.containers?.[0] ?? {};
  const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e]));
  r.check(matches(dep.spec.selector?.matchLabels, labels), `${name}: selector matches the pod labels`);
  r.check(dep.spec.replicas === want.replicas, `${name}: replicas ${want.replicas ?? 'left to the HPA'}`);
  r.check(pod.containers?.length === 1 && Boolean(c.image), `${name}: one container with an image (${c.image})`);
  r.check(
    containerPort(c, 'http') === want.port && env.PORT?.value === String(want.port),
    `${name}: listens on ${want.port} (containerPort and PORT agree)`,
  );
  r.check(
    c.readinessProbe?.httpGet?.path === '/readyz' && containerPort(c, c.readinessProbe.httpGet.port) === want.port,
    `${name}: readiness probe GET /readyz on the service port`,
  );
  r.check(
    c.livenessProbe?.httpGet?.path === '/healthz' && containerPort(c, c.livenessProbe.httpGet.port) === want.port,
    `${name}: liveness probe GET /healthz on the service port`,
  );
  const res = c.resources ?? {};
  r.check(
    Boolean(res.requests?.cpu && res.requests?.memory && res.limits?.cpu && res.limits?.memory),
    `${name}: cpu and memory requests and limits`,
  );
  const sc = c.securityContext ?? {};
  r.check(
    pod.securityContext?.runAsNonRoot === true &&
      pod.securityContext?.runAsUser > 0 &&
      sc.readOnlyRootFilesystem === true &&
      sc.allowPrivilegeEscalation === false &&
      (sc.capabilities?.drop ?? []).includes('ALL') &&
      pod.automountServiceAccountToken === false,
    `${name}: non-root (numeric uid), read-only root, no privilege escalation, all capabilities dropped, no SA token`,
  );
  const sleep = c.lifecycle?.preStop?.exec?.command;
  const sleepSeconds = sleep?.[0] === 'sleep' ? Number(sleep[1]) : Number.NaN;
  r.check(
    pod.terminationGracePeriodSeconds === 15 && sleepSeconds > 0 && sleepSeconds + 10 <= pod.terminationGracePeriodSeconds,
    `${name}: grace period 15 s = preStop sleep ${sleepSeconds} s + 10 s drain`,
  );

  // Configuration sources exist (or are optional), and the key file is mounted from the JWT Secret.
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef)
      r.check(Boolean(find('ConfigMap', from.configMapRef.name)), `${name}: envFrom ConfigMap ${from.configMapRef.name} exists`);
    if (from.secretRef)
      r.check(
        from.secretRef.optional === true || Boolean(find('Secret', from.secretRef.name)),
        `${name}: envFrom Secret ${from.secretRef.name} exists or is optional`,
      );
  }
  if (name !== 'gateway') {
    const cm = find('ConfigMap', `${name}-config`);
    const uri = (() => {
      try {
        return new URL(cm?.data?.MONGODB_URI ?? '');
      } catch {
        return undefined;
      }
    })();
    r.check(uri?.pathname === `/chorus_${name}`, `${name}: its own database (MONGODB_URI .../chorus_${name})`);
    r.check(
      uri?.searchParams.get('w') === 'majority' && uri?.searchParams.get('readPreference') === 'primary',
      `${name}: MONGODB_URI asks for w=majority and readPreference=primary (replica set)`,
    );
    const init = (pod.initContainers ?? []).find((i) => i.name === 'migrate');
    const initFrom = (init?.envFrom ?? []).map((f) => f.configMapRef?.name ?? f.secretRef?.name);
    r.check(
      init?.image === c.image &&
        init?.command?.join(' ') === 'node dist/migrate.js' &&
        initFrom.includes(`${name}-config`) &&
        init?.securityContext?.readOnlyRootFilesystem === true &&
        Boolean(init?.resources?.limits?.memory),
      `${name}: init container "migrate" runs node dist/migrate.js from the same image on the same MONGODB_URI, hardened`,
    );
  }
  const keyPath = env[want.key]?.value ?? '';
  const mount = (c.volumeMounts ?? []).find((m) => keyPath.startsWith(`${m.mountPath}/`));
  const volume = pod.volumes?.find((v) => v.name === mount?.name);
  const keyFile = keyPath.split('/').pop();
  const projected = volume?.secret?.items?.map((i) => i.path) ?? [];
  r.check(
    Boolean(volume?.secret) && projected.length === 1 && projected[0] === keyFile,
    `${name}: ${want.key} ${keyPath} comes from a Secret volume projecting only ${keyFile}`,
  );
  const secretName = volume?.secret?.secretName ?? '';
  const secret = find('Secret', secretName);
  if (withJwtSecret) {
    r.check(
      Boolean(secret?.data?.['private.pem'] && secret?.data?.['public.pem']),
      `${name}: JWT Secret ${secretName} is in the render with private.pem and public.pem`,
    );
  } else {
    r.check(secretName === 'chorus-jwt' && !secret, `${name}: JWT Secret chorus-jwt is external (created with kubectl, never committed)`);
  }
  if (name === 'gateway') {
    r.check(env.GATEWAY_ID?.valueFrom?.fieldRef?.fieldPath === 'metadata.name', 'gateway: GATEWAY_ID is the pod name (downward API)');
  }

  const svc = find('Service', name);
  r.check(
    Boolean(svc) &&
      matches(svc.spec.selector, labels) &&
      svc.spec.ports?.some((p) => p.port === want.port && containerPort(c, p.targetPort) === want.port),
    `Service ${name}: selects the pods and forwards :${want.port} to the container port`,
  );
  const pdb = all('PodDisruptionBudget').find((p) => matches(p.spec.selector?.matchLabels, labels));
  r.check(
    Boolean(pdb) && (pdb.spec.minAvailable >= 1 || pdb.spec.maxUnavailable === 1),
    `PodDisruptionBudget for ${name} (${pdb ? JSON.stringify(pdb.spec.minAvailable ?? { maxUnavailable: pdb.spec.maxUnavailable }) : 'missing'})`,
  );
}

const hpa = all('HorizontalPodAutoscaler').find(
  (h) => h.spec.scaleTargetRef?.kind === 'Deployment' && h.spec.scaleTargetRef?.name === 'gateway',
);
const gw = find('Deployment', 'gateway');
r.check(
  Boolean(hpa) &&
    hpa.spec.minReplicas >= 2 &&
    hpa.spec.maxReplicas >= hpa.spec.minReplicas &&
    hpa.spec.metrics?.some((m) => m.resource?.name === 'cpu') &&
    cpuMillis(gw?.spec.template.spec.containers?.[0]?.resources?.requests?.cpu) > 0,
  `HPA scales Deployment gateway on CPU (${hpa?.spec.minReplicas}..${hpa?.spec.maxReplicas}; the pods request CPU)`,
);

// Ingress: every backend exists, and each path reaches the right service.
const routes = new Map();
for (const ing of all('Ingress')) {
  for (const rule of ing.spec.rules ?? []) {
    for (const p of rule.http?.paths ?? []) {
      const { name, port } = p.backend?.service ?? {};
      const svc = find('Service', name);
      r.check(
        Boolean(svc?.spec.ports?.some((sp) => sp.name === port?.name || sp.port === port?.number)),
        `Ingress ${ing.metadata.name}: ${p.path} -> Service ${name} port ${port?.name ?? port?.number} exists`,
      );
      routes.set(p.path, { service: name, ingress: ing });
    }
  }
}
const want = {
  '/api/channels': 'history',
  '/api/users/@me/read-states': 'history',
  '/api': 'membership',
  '/.well-known': 'membership',
  '/socket.io': 'gateway',
};
for (const [path, service] of Object.entries(want)) r.check(routes.get(path)?.service === service, `Ingress routes ${path} -> ${service}`);
const realtime = routes.get('/socket.io')?.ingress.metadata.annotations ?? {};
r.check(
  realtime['nginx.ingress.kubernetes.io/affinity'] === 'cookie' &&
    Number(realtime['nginx.ingress.kubernetes.io/proxy-read-timeout']) >= 60 &&
    Number(realtime['nginx.ingress.kubernetes.io/proxy-send-timeout']) >= 60,
  '/socket.io Ingress: cookie affinity (long-polling) and long read/send timeouts (WebSocket)',
);
const api = routes.get('/api')?.ingress.metadata.annotations ?? {};
r.check(!api['nginx.ingress.kubernetes.io/affinity'], 'REST Ingress has no affinity (stateless services)');
r.done();
