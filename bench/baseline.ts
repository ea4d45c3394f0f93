import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../scripts/local/processes.js';

export interface BaselineProcess {
  url: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

/** Starts bench/baseline-server.ts in its own Node process (`extraEnv` e.g. NODE_OPTIONS for a probe); resolves with its URL once it listens. */
export async function startBaseline(timeoutMs = 30_000, extraEnv: Record<string, string> = {}): Promise<BaselineProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@chorus/source', '--import', 'tsx', join(REPO_ROOT, 'bench', 'baseline-server.ts')],
    { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...extraEnv } },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  };
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`baseline server did not start within ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
      let out = '';
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString('utf8');
        const m = /READY (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`baseline server exited (${code}) during start-up:\n${stderr}`));
      });
    });
    return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
