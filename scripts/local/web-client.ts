import { spawn } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { createGzip } from 'node:zlib';
import { REPO_ROOT } from './processes.js';

/** The built web client (apps/web, Vite) that the entry point serves at `/`. */
export const WEB_DIST = join(REPO_ROOT, 'apps', 'web', 'dist');

/** What the bundle is built from: when any of it is newer than dist/index.html, the build is stale. */
const SOURCES = [
  'apps/web/src',
  'apps/web/index.html',
  'apps/web/vite.config.ts',
  'apps/web/package.json',
  'libs/client/src',
  'libs/contracts/src',
];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), st.mtimeMs);
}

/** Why the client needs building, or undefined when dist/ is up to date. */
export function webBuildNeeded(): string | undefined {
  const index = join(WEB_DIST, 'index.html');
  if (!existsSync(index)) return 'not built yet';
  const built = statSync(index).mtimeMs;
  const changed = SOURCES.find((p) => newestMtime(join(REPO_ROOT, p)) > built);
  return changed ? `${changed} changed since the last build` : undefined;
}

/** Builds the web client with Vite when it is missing or stale, reporting progress line by line. */
export async function ensureWebClient(progress: (line: string) => void = () => {}): Promise<void> {
  const why = webBuildNeeded();
  if (!why) return progress('web client: up to date (apps/web/dist)');
  progress(`web client: building with Vite (${why})…`);
  const vite = join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: join(REPO_ROOT, 'apps', 'web'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: string[] = [];
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => out.push(chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`web client build failed (exit ${code}):\n${out.join('').slice(-4000)}`)),
    );
  });
  progress('web client: built');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Text the browser downloads on the first screen: sent gzipped (the entry chunk is ~500 kB, ~155 kB gzipped). */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.map', '.svg', '.txt']);

/**
 * A request handler for the built single-page app: files from `dir` (hashed assets cached for a year,
 * index.html never; text gzipped when the browser accepts it), and index.html for any other GET that looks like a page (the SPA's routes).
 * Returns false for what it does not serve, so the caller answers 404.
 */
export function staticClient(dir: string): (req: IncomingMessage, res: ServerResponse) => boolean {
  const root = normalize(dir + sep);
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const index = join(root, 'index.html');
    if (!existsSync(index)) return false;
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://edge').pathname);
    } catch {
      return false;
    }
    const file = normalize(join(root, pathname));
    const inside = file.startsWith(root);
    const isFile = inside && existsSync(file) && statSync(file).isFile();
    // A missing /assets/x.js is a 404, not the app: the browser would try to run HTML as script.
    if (!isFile && (extname(pathname) !== '' || pathname.startsWith('/assets/'))) return false;
    const path = isFile ? file : index;
    const immutable = isFile && pathname.startsWith('/assets/');
    const gzip = COMPRESSIBLE.has(extname(path)) && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    res.writeHead(200, {
      'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
      ...(gzip ? { 'content-encoding': 'gzip', vary: 'accept-encoding' } : { 'content-length': statSync(path).size }),
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') res.end();
    else if (gzip) createReadStream(path).pipe(createGzip()).pipe(res);
    else createReadStream(path).pipe(res);
    return true;
  };
}
