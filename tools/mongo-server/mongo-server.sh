#!/usr/bin/env bash
# Chorus's local MongoDB stand-in (mongo-java-server). See README.md.
#   mongo-server.sh install                                   fetch jars + compile (idempotent)
#   mongo-server.sh start [--memory|--data DIR] [--port N]    install, then run in the foreground
set -euo pipefail

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LIB="$DIR/target/lib"
CLASSES="$DIR/target/classes"
SRC="$DIR/ChorusMongoServer.java"

die() { echo "mongo-server: $*" >&2; exit 1; }

install() {
  command -v java >/dev/null || die "java not found (need Java 17+, e.g. apt-get install openjdk-17-jdk-headless)"
  command -v javac >/dev/null || die "javac not found (need a Java 17+ JDK, e.g. apt-get install openjdk-17-jdk-headless)"
  mkdir -p "$DIR/target"
  exec 9>"$DIR/target/.install.lock"   # serialise concurrent installs (e.g. parallel test workers)
  if command -v flock >/dev/null; then flock 9; fi
  if [[ ! -f "$LIB/.complete" ]]; then
    command -v mvn >/dev/null || die "mvn not found (need Maven 3.8+ to fetch the jars, e.g. apt-get install maven)"
    echo "mongo-server: fetching jars into $LIB" >&2
    (cd "$DIR" && mvn -q -B dependency:copy-dependencies >&2) || die "mvn dependency:copy-dependencies failed"
    touch "$LIB/.complete"
  fi
  if [[ ! "$CLASSES/ChorusMongoServer.class" -nt "$SRC" ]]; then
    mkdir -p "$CLASSES"
    javac -nowarn -d "$CLASSES" -cp "$LIB/*" "$SRC" >&2 || die "javac failed"
  fi
  exec 9>&-
}

case "${1:-}" in
  install) install ;;
  start)
    shift
    install
    exec java -cp "$CLASSES:$LIB/*" ChorusMongoServer "$@"
    ;;
  *) die "usage: $0 install | start [--memory|--data DIR] [--port N] [--host H] [--exit-on-stdin-close]" ;;
esac
