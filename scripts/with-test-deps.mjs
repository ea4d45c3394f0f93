#!/usr/bin/env node
// Runs a command (the test suite, the benchmark) with MONGODB_URI, REDIS_URL and AMQP_URL set:
// what the environment already names is used as is; the rest is found or started on this machine.
import { spawn } from 'node:child_process';
import { localDependencies } from './local-deps.mjs';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node scripts/with-test-deps.mjs <command> [args...]');
  process.exit(2);
}

const log = (line) => console.error(`[deps] ${line}`);
const { urls, stop } = await localDependencies({ log });
log(`MONGODB_URI=${urls.MONGODB_URI} REDIS_URL=${urls.REDIS_URL} AMQP_URL=${urls.AMQP_URL.replace(/\/\/[^@]*@/, '//***@')}`);

const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...urls }, shell: process.platform === 'win32' });
const forward = (signal) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', async (code, signal) => {
  await stop();
  process.exit(code ?? (signal ? 1 : 0));
});
