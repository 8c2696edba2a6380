#!/usr/bin/env bash
# Starts the gateway as a newcomer would (`npm start`, no DATABASE_URL) and checks it serves the docs, logs the admin in
# and answers the task list on the embedded database.
set -euo pipefail
dir=$(mktemp -d)
port=39${RANDOM:0:3}
log="$dir/start.log"
setsid env -u DATABASE_URL PORT="$port" DATA_DIR="$dir/data" ADMIN_PASSWORD=smoke-test-password npm start >"$log" 2>&1 &
pid=$!
cleanup() { kill -- -"$pid" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 180); do
  curl -sf "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "npm start exited early"; exit 1; }
  sleep 1
done
curl -sf "http://127.0.0.1:$port/api/docs" | grep -q swagger || { cat "$log"; echo "no Swagger UI"; exit 1; }
token=$(curl -sf -X POST "http://127.0.0.1:$port/api/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"smoke-test-password"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).data.access_token')
curl -sf "http://127.0.0.1:$port/api/mj/self" -H "Authorization: Bearer $token" | grep -q '"success":true' || { cat "$log"; exit 1; }
grep -q "embedded PGlite" "$log" || { cat "$log"; echo "no database log line"; exit 1; }
echo "npm start: OK on port $port (embedded database)"
