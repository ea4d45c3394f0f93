import { generateKeyPairSync, createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The ES256 key pair of the local run: JWT_PRIVATE_KEY(_FILE) when given, otherwise a dev pair kept
 * in `<dir>/jwt-private.pem` and `<dir>/jwt-public.pem` (made on first run, mode 0600). Dev only:
 * real deployments provide the key as a secret (deploy/README.md).
 */
export function devKeys(dir: string, env: Record<string, string | undefined>): { privateKey: string; publicKey: string; source: string } {
  const given =
    env.JWT_PRIVATE_KEY?.replace(/\\n/g, '\n') ?? (env.JWT_PRIVATE_KEY_FILE ? readFileSync(env.JWT_PRIVATE_KEY_FILE, 'utf8') : undefined);
  if (given) {
    const publicKey = createPublicKey(createPrivateKey(given)).export({ type: 'spki', format: 'pem' }).toString();
    return { privateKey: given, publicKey, source: 'JWT_PRIVATE_KEY' };
  }
  const privatePath = join(dir, 'jwt-private.pem');
  const publicPath = join(dir, 'jwt-public.pem');
  if (!existsSync(privatePath)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(publicPath, publicKey.export({ type: 'spki', format: 'pem' }));
    return { privateKey: readFileSync(privatePath, 'utf8'), publicKey: readFileSync(publicPath, 'utf8'), source: `generated in ${dir}` };
  }
  return { privateKey: readFileSync(privatePath, 'utf8'), publicKey: readFileSync(publicPath, 'utf8'), source: dir };
}
