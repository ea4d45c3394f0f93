import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, freePort } from '../../scripts/local/processes.js';
import { databaseFor } from '../../scripts/local/system.js';
import { dropDatabase } from '../support/drop.js';
import { isolated } from '../support/isolated.js';
import { waitFor } from '../support/wait.js';
import { Person } from './person.js';

/**
 * `npm start` (scripts/start.ts) hands the caller's whole environment to every service, so a setting a
 * README documents reaches the service that reads it: `REGISTRATIONS_PER_IP=2 npm start` refuses the
 * third registration from one address. This runs the real start script, on free ports and this file's
 * own database and prefixes.
 */
describe('npm start passes the caller’s environment to every service', () => {
  const slice = isolated('e2e-start-env');
  let child: ChildProcess | undefined;
  let output = '';
  let edge = 0;

  beforeAll(async () => {
    const [e, m, h, g1, g2] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    edge = e;
    child = spawn(process.execPath, ['--conditions=@chorus/source', '--import', 'tsx', 'scripts/start.ts'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...slice.serviceEnv({ LOG_LEVEL: 'warn' }),
        EDGE_PORT: String(e),
        MEMBERSHIP_PORT: String(m),
        HISTORY_PORT: String(h),
        GATEWAY_1_PORT: String(g1),
        GATEWAY_2_PORT: String(g2),
        REGISTRATIONS_PER_IP: '2',
        ARGON2_MEMORY_KIB: '1024',
        ARGON2_TIME_COST: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await waitFor(() => output.includes('Chorus is up') || child!.exitCode !== null, 'npm start to be up', 110_000);
    if (!output.includes('Chorus is up')) throw new Error(`npm start did not come up:\n${output}`);
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await Promise.allSettled(['membership', 'history'].map((svc) => dropDatabase(databaseFor(slice.mongoUri, svc))));
    await slice.cleanup();
  }, 60_000);

  it('REGISTRATIONS_PER_IP=2 npm start refuses the third registration from one address', async () => {
    const register = (i: number) => new Person(`http://127.0.0.1:${edge}`, `envtest_${Date.now() % 100000}_${i}`).register();
    expect((await register(1)).lastStatus).toBe(201);
    expect((await register(2)).lastStatus).toBe(201);
    const third = await register(3).catch((err: unknown) => err);
    expect(third).toMatchObject({ status: 429 });
    expect(third).toMatchObject({ code: 'RATE_LIMITED' });
  });
});
