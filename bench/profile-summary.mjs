// `node bench/profile-summary.mjs <file.cpuprofile> [top] [fromSeconds]`: where a V8 CPU profile's samples
// went — self time by function, and by package (node_modules/<pkg>, node: internals, the repo's own code).
// `fromSeconds` skips the samples of the profile's first seconds (startup: module loading, connecting).
import { readFileSync } from 'node:fs';

const [file, topArg, fromArg] = process.argv.slice(2);
if (!file) throw new Error('usage: node bench/profile-summary.mjs <file.cpuprofile> [top]');
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const counts = new Map();
const fromUs = Number(fromArg ?? 0) * 1e6;
let at = 0;
let total = 0;
profile.samples.forEach((id, i) => {
  at += profile.timeDeltas?.[i] ?? 0;
  if (at < fromUs) return;
  counts.set(id, (counts.get(id) ?? 0) + 1);
  total++;
});

const where = (url) => {
  if (!url) return '(native/vm)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const m = url.match(/(services|libs|bench)\/[^/]+\/src\/[^/]+/);
  return m ? m[0] : url;
};
const self = new Map();
const pkg = new Map();
for (const [id, c] of counts) {
  const n = byId.get(id);
  const f = n.callFrame;
  const key = `${f.functionName || '(anonymous)'} ${where(f.url)}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + c);
  const p = f.url ? where(f.url) : f.functionName;
  pkg.set(p, (pkg.get(p) ?? 0) + c);
}
const pct = (c) => `${((100 * c) / total).toFixed(1)}%`;
const idle = [...counts].filter(([id]) => byId.get(id).callFrame.functionName === '(idle)').reduce((a, [, c]) => a + c, 0);
console.log(`${file}: ${total} samples, ${pct(total - idle)} busy`);
console.log('\nself time by package:');
for (const [k, c] of [...pkg].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(c).padStart(6)}  ${k}`);
console.log('\nself time by function:');
for (const [k, c] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(c).padStart(6)}  ${k}`);

// Inclusive time: samples with a frame of the repo's own files (or a function name) on their stack.
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map();
for (const [id, c] of counts) {
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const f = byId.get(cur).callFrame;
    const m = f.url.match(/(services|libs)\/[^/]+\/src\/.+$/);
    const key = m ? `${m[0]} ${f.functionName || '(anonymous)'}` : undefined;
    if (key && !seen.has(key)) {
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + c);
    }
  }
}
console.log('\ninclusive time, the repo’s own functions:');
for (const [k, c] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(c).padStart(6)}  ${k}`);
