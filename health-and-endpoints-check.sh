#!/usr/bin/env bash
# Builds the service, starts it on a free port with its embedded defaults (SQLite in a temporary directory),
# checks every operations endpoint, the REST API, sign-in, and the WebSocket API end to end, then stops it.
# Prints each result; exits non-zero on the first failure. Needs only Node and this repository.
set -euo pipefail
cd "$(dirname "$0")"

echo "--- build"
npm run --silent build

data_dir="$(mktemp -d)"
port="$(node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")"
admin_password="check-$(node -e "console.log(require('node:crypto').randomBytes(12).toString('hex'))")"

echo "--- starting the service on port $port (data in $data_dir)"
PORT="$port" HOST=127.0.0.1 DATA_DIR="$data_dir" LOG_LEVEL=warn \
  ADMIN_USERNAME=admin ADMIN_PASSWORD="$admin_password" node dist/server.js &
server_pid=$!
stop() {
  kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$data_dir"
}
trap stop EXIT

BASE_URL="http://127.0.0.1:$port" ADMIN_USERNAME=admin ADMIN_PASSWORD="$admin_password" \
  node scripts/endpoint-checks.mjs
