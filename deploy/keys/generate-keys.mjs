#!/usr/bin/env node
// Makes the ES256 (P-256) key pair Chorus signs access tokens with: `<privateDir>/private.pem` (PKCS8,
// read by membership through JWT_PRIVATE_KEY_FILE) and `<publicDir>/public.pem` (SPKI, read by gateway
// and history through JWT_PUBLIC_KEY_FILE). Idempotent: an existing private key is kept (tokens stay
// valid across restarts) and the public key is re-derived from it, so the two can never disagree.
// KEYS_OWNER=uid:gid chowns both files (compose: the services run as `node`, 1000:1000).
// Usage: node generate-keys.mjs <privateDir> [publicDir]      (dev and compose only; see deploy/README.md)
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [privateDir, publicDir = privateDir] = process.argv.slice(2);
if (!privateDir) {
  process.stderr.write('usage: node generate-keys.mjs <privateDir> [publicDir]\n');
  process.exit(2);
}
const privatePath = join(privateDir, 'private.pem');
const publicPath = join(publicDir, 'public.pem');

let privateKey;
if (existsSync(privatePath)) {
  privateKey = createPrivateKey(readFileSync(privatePath));
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    process.stderr.write(`${privatePath} is not an EC P-256 key; remove it to generate a new pair\n`);
    process.exit(1);
  }
  process.stdout.write(`keeping the existing private key ${privatePath}\n`);
} else {
  privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  mkdirSync(privateDir, { recursive: true });
  writeFileSync(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o400 });
  process.stdout.write(`generated a new ES256 private key ${privatePath}\n`);
}
mkdirSync(publicDir, { recursive: true });
rmSync(publicPath, { force: true }); // it is read-only; replace rather than overwrite
writeFileSync(publicPath, createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }), { mode: 0o444 });
process.stdout.write(`wrote the public key ${publicPath}\n`);

const owner = process.env.KEYS_OWNER;
if (owner) {
  const [uid, gid] = owner.split(':').map(Number);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) {
    process.stderr.write(`KEYS_OWNER must be uid:gid, got ${owner}\n`);
    process.exit(2);
  }
  for (const path of [privatePath, publicPath]) chownSync(path, uid, gid);
}
