// Loaded with `--import` (NODE_OPTIONS) by `npm run bench:connections` into every measured server process
// (gateways, the baseline): on SIGUSR2 it runs a full garbage collection, then writes
// `process.memoryUsage()` with a sequence number to CHORUS_MEMORY_PROBE_DIR/<pid>.json, so heap and
// RSS are compared after a GC rather than wherever the collector happened to be.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const dir = process.env.CHORUS_MEMORY_PROBE_DIR;
if (dir) {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  let seq = 0;
  process.on('SIGUSR2', () => {
    gc();
    writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify({ seq: ++seq, ...process.memoryUsage() }));
  });
}
