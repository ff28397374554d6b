#!/usr/bin/env bash
# Builds the self-test app with an installed Moddable SDK, runs it headless in the desktop simulator
# (which never exits by itself) with a ws echo server on 127.0.0.1 for its round trip, and stops it
# at its PASS or FAIL line. Exit status 0 on PASS. Needs `npm run build` first (for the echo server).
set -uo pipefail
: "${MODDABLE:?MODDABLE is not set: install the Moddable SDK and export MODDABLE}"
command -v xvfb-run >/dev/null || { echo "xvfb-run is missing (Debian: apt-get install xvfb)"; exit 2; }
platform=lin
out=build/sim
mkdir -p "$out"
node build/host-tests/sim/ws-echo.js > "$out/echo.port" &
echo_server=$!
trap 'kill $echo_server 2>/dev/null' EXIT
for _ in $(seq 1 50); do [ -s "$out/echo.port" ] && break; sleep 0.1; done
port=$(head -1 "$out/echo.port")
serve_port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
mcconfig -m -p "$platform" -o "$out" ./firmware/selftest/manifest.json "echo_port=$port" "serve_port=$serve_port" > "$out/build.log" 2>&1 || { tail -20 "$out/build.log"; echo "FAIL: build"; exit 1; }
app=$(find "$out" -name mc.so | head -1)
log="$out/run.log"
: > "$log"
timeout "${SIM_TIMEOUT:-60}" xvfb-run -a stdbuf -o0 "$MODDABLE/build/bin/$platform/release/mcsim" "$app" > "$log" 2>&1 &
runner=$!
probe=""
for _ in $(seq 1 "${SIM_TIMEOUT:-60}"); do
  if grep -qE '^(PASS|FAIL)' "$log"; then break; fi
  if [ -z "$probe" ] && grep -q "^LISTENING" "$log"; then
    node build/host-tests/sim/ws-probe.js "$serve_port"; probe=$?
  fi
  sleep 1
done
pkill -P "$runner" >/dev/null 2>&1; pkill -f "mcsim $app" >/dev/null 2>&1; wait "$runner" 2>/dev/null
cat "$log"
[ "$probe" = 0 ] || echo "FAIL: the probe of the app's server did not succeed"
[ "$probe" = 0 ] && grep -qE '^PASS' "$log"
