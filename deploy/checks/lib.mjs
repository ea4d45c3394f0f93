// Small helpers shared by the deploy checks: YAML loading and a pass/fail reporter.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Parses a (multi-document) YAML file into plain objects. Uses the `yaml` package from the repo's
 * node_modules when present, otherwise python3's PyYAML (installed with docker-compose).
 */
export async function loadYamlDocs(path) {
  const text = readFileSync(path, 'utf8');
  try {
    const { parseAllDocuments } = await import('yaml');
    return parseAllDocuments(text)
      .map((doc) => {
        if (doc.errors.length) throw new Error(`${path}: ${doc.errors[0].message}`);
        return doc.toJS();
      })
      .filter((doc) => doc != null);
  } catch (err) {
    if (err.code !== 'ERR_MODULE_NOT_FOUND') throw err;
  }
  const py = spawnSync(
    'python3',
    ['-c', 'import sys, json, yaml; json.dump([d for d in yaml.safe_load_all(sys.stdin) if d is not None], sys.stdout)'],
    {
      input: text,
      encoding: 'utf8',
    },
  );
  if (py.status !== 0) throw new Error(`cannot parse ${path}: no 'yaml' package and python3 yaml failed: ${py.stderr}`);
  return JSON.parse(py.stdout);
}

/**
 * Collects named checks; prints failures (and, with DEPLOY_CHECK_VERBOSE=1, every check) as they come;
 * `done()` prints a summary line and sets the exit code.
 */
export function reporter(title) {
  const verbose = process.env.DEPLOY_CHECK_VERBOSE === '1';
  let failed = 0;
  let passed = 0;
  return {
    check(ok, what) {
      if (ok) passed++;
      else failed++;
      if (verbose || !ok) process.stdout.write(`    ${ok ? 'ok  ' : 'FAIL'} ${what}\n`);
      return ok;
    },
    done() {
      process.stdout.write(`    ${title}: ${passed} passed, ${failed} failed\n`);
      process.exitCode = failed ? 1 : 0;
    },
  };
}
