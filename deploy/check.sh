#!/usr/bin/env bash
# Validates the deployment artefacts without a Docker engine or a cluster (called by .ci/run):
#   1. the deploy scripts parse (node --check)
#   2. the dev key generator makes a usable ES256 pair and is idempotent
#   3. docker-compose.yml is valid (`docker compose config -q`, else `docker-compose config -q`), and its
#      services, healthchecks, env, key volumes, nginx upstreams and Dockerfile COPY sources agree
#   4. deploy/nginx/chorus.conf passes `nginx -t` and routes correctly in a real nginx over stub backends
#   5. deploy/k8s/base and deploy/k8s/dev render with `kubectl kustomize` and pass a structural check
# Installs docker-compose / nginx / kubectl with apt-get only when missing. Exits non-zero on any failure.
# Prints each step and every failing item; `-v` (or DEPLOY_CHECK_VERBOSE=1) prints every item checked.
set -uo pipefail
[ "${1:-}" = "-v" ] && export DEPLOY_CHECK_VERBOSE=1

cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=()

step() { printf '\n== %s\n' "$*"; }
run() { # run <name> <command...>: runs, records a failure, never stops the script
  local name="$1"; shift
  if "$@"; then printf '  PASS %s\n' "$name"; else printf '  FAIL %s\n' "$name"; failed+=("$name"); fi
}

apt_install() { # apt_install <package...>: quiet, no recommends (docker-compose would pull docker.io)
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  printf '  installing %s with apt-get\n' "$*"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@"; } >"$work/apt.log" 2>&1 \
    || { tail -5 "$work/apt.log"; return 1; }
}

step "tools"
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  command -v docker-compose >/dev/null 2>&1 || apt_install docker-compose || true
  compose=(docker-compose)
fi
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || apt_install nginx || true
command -v kubectl >/dev/null 2>&1 || apt_install kubectl || true
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
version() { local out; out="$("$@" 2>&1)" && printf '%s' "${out%%$'\n'*}" || printf 'MISSING'; }
printf '  compose: %s\n' "$(version "${compose[@]}" version)"
printf '  nginx:   %s\n' "$(version "$nginx_bin" -v)"
printf '  kubectl: %s\n' "$(version kubectl version --client)"
printf '  node:    %s\n' "$(node --version)"

step "1. scripts parse"
for f in deploy/docker/healthcheck.mjs deploy/keys/generate-keys.mjs deploy/checks/*.mjs; do
  run "node --check $f" node --check "$f"
done

step "2. dev key generator"
keys_ok() {
  node deploy/keys/generate-keys.mjs "$work/keys/private" "$work/keys/public" >/dev/null || return 1
  local before; before="$(cat "$work/keys/private/private.pem")"
  node deploy/keys/generate-keys.mjs "$work/keys/private" "$work/keys/public" >/dev/null || return 1
  [ "$before" = "$(cat "$work/keys/private/private.pem")" ] || { echo '  a second run replaced the private key'; return 1; }
  node --input-type=module - "$work/keys" <<'EOF'
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
const dir = process.argv[2];
const pem = readFileSync(`${dir}/private/private.pem`, 'utf8');
const priv = createPrivateKey(pem);
const pub = createPublicKey(readFileSync(`${dir}/public/public.pem`));
const data = Buffer.from('header.payload');
const sig = sign('sha256', data, { key: priv, dsaEncoding: 'ieee-p1363' });
const ok = pem.startsWith('-----BEGIN PRIVATE KEY-----') && priv.asymmetricKeyDetails?.namedCurve === 'prime256v1'
  && sig.length === 64 && verify('sha256', data, { key: pub, dsaEncoding: 'ieee-p1363' }, sig);
if (!ok) { console.error('  the key pair is not a matching PKCS8/SPKI P-256 pair'); process.exit(1); }
EOF
}
run "PKCS8 P-256 private + SPKI public key that sign/verify ES256; second run keeps the key" keys_ok

step "3. docker-compose.yml"
run "${compose[*]} config -q" "${compose[@]}" -f docker-compose.yml config -q
if "${compose[@]}" -f docker-compose.yml config >"$work/compose.yaml" 2>"$work/compose.err"; then
  run "compose / nginx / Dockerfile cross-check" node deploy/checks/compose.mjs "$work/compose.yaml"
else
  cat "$work/compose.err"; run "compose / nginx / Dockerfile cross-check" false
fi

step "4. deploy/nginx/chorus.conf"
run "nginx -t and routing over stub backends" node deploy/checks/nginx-routes.mjs "$nginx_bin"

step "5. Kubernetes manifests"
if kubectl kustomize deploy/k8s/base >"$work/base.yaml"; then
  printf '  rendered deploy/k8s/base: %s\n' "$(grep '^kind:' "$work/base.yaml" | sort | uniq -c | awk '{printf "%s %s, ", $1, $3}' | sed 's/, $//')"
  run "kubectl kustomize deploy/k8s/base + structural check" node deploy/checks/k8s.mjs "$work/base.yaml"
else
  run "kubectl kustomize deploy/k8s/base" false
fi
# The dev overlay needs key files; render a copy with throwaway keys so the repository stays clean.
cp -r deploy/k8s "$work/k8s"
if node deploy/keys/generate-keys.mjs "$work/k8s/dev/keys" >/dev/null && kubectl kustomize "$work/k8s/dev" >"$work/dev.yaml"; then
  run "kubectl kustomize deploy/k8s/dev + structural check (generated chorus-jwt Secret)" node deploy/checks/k8s.mjs "$work/dev.yaml" --with-jwt-secret
else
  run "kubectl kustomize deploy/k8s/dev" false
fi

printf '\nNot checked here (no Docker engine, no cluster): image builds, containers starting, server-side admission.\n'
if [ "${#failed[@]}" -gt 0 ]; then
  printf 'deploy/check.sh: %d FAILED:\n' "${#failed[@]}"; printf '  - %s\n' "${failed[@]}"
  exit 1
fi
printf 'deploy/check.sh: all checks passed\n'
