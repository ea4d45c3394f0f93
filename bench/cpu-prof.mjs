// Loaded with `--import` (NODE_OPTIONS) by `npm run bench -- --cpu-prof <dir>`: Node refuses --cpu-prof in
// NODE_OPTIONS, so this starts the same V8 sampling profiler through the inspector and writes a
// `.cpuprofile` (open in Chrome DevTools → Performance, or speedscope) into CHORUS_CPU_PROF_DIR on exit.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const dir = process.env.CHORUS_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // The same-thread inspector session answers synchronously, so this works inside 'exit'.
    session.post('Profiler.stop', (err, result) => {
      if (!err)
        writeFileSync(
          join(dir, `${basename(dirname(dirname(process.argv[1] ?? 'x/x/node')))}-${process.env.PORT ?? ''}-${process.pid}.cpuprofile`),
          JSON.stringify(result.profile),
        );
    });
  });
}
