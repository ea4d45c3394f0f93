import { afterAll, describe, expect, it } from 'vitest';
import { AuthResponse } from '@chorus/contracts';
import { isolated } from '../../../test/support/isolated.js';
import { FAST_ACCOUNTS, PASSWORD } from './harness.js';
import { freePort, launchService, migrateService } from '../../../scripts/local/processes.js';

const iso = isolated('process');
afterAll(async () => {
  await iso.cleanup();
});

/** Exactly how other services' tests start membership: the project's shared launcher (migrate, then main). */
const start = async (env: Record<string, string>) => {
  await migrateService({ service: 'membership', env });
  return launchService({ service: 'membership', port: Number(env.PORT), env });
};

describe('the membership process', () => {
  it('starts, logs {"msg":"listening","port":N} when ready, serves, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const p = await start(iso.serviceEnv({ ...FAST_ACCOUNTS, PORT: String(port), LOG_LEVEL: 'info' }));
    try {
      const listening = await p.waitForLog((j) => j.msg === 'listening', 45_000);
      expect(listening.port).toBe(port);
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const res = await fetch(`${base}/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'proc-user', password: PASSWORD }),
      });
      expect(res.status).toBe(201);
      AuthResponse.parse(await res.json());
      // Passwords and tokens never reach the logs.
      expect(p.lines.join('\n')).not.toContain(PASSWORD);
      p.child.kill('SIGTERM');
      expect((await p.exited).code).toBe(0);
      expect(p.lines.some((l) => l.includes('shutdown complete'))).toBe(true);
    } finally {
      p.child.kill('SIGKILL');
    }
  }, 60_000);

  it('a bad configuration stops it with a message naming the variable', async () => {
    const p = await start({ ...iso.serviceEnv(), JWT_PRIVATE_KEY: '', PORT: 'not-a-port' });
    expect((await p.exited).code).toBe(2);
    const out = p.lines.join('\n');
    expect(out).toContain('PORT');
  }, 60_000);
});
