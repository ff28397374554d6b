#!/usr/bin/env bash
# Builds the self-test app with an installed Moddable SDK, runs it headless in the desktop simulator
# (which never exits by itself), and stops it at its PASS or FAIL line. Exit status 0 on PASS.
set -uo pipefail
: "${MODDABLE:?MODDABLE is not set: install the Moddable SDK and export MODDABLE}"
command -v xvfb-run >/dev/null || { echo "xvfb-run is missing (Debian: apt-get install xvfb)"; exit 2; }
platform=lin
out=build/sim
mkdir -p "$out"
mcconfig -m -p "$platform" -o "$out" ./manifest.json > "$out/build.log" 2>&1 || { tail -20 "$out/build.log"; echo "FAIL: build"; exit 1; }
app=$(find "$out" -name mc.so | head -1)
log="$out/run.log"
: > "$log"
timeout "${SIM_TIMEOUT:-60}" xvfb-run -a stdbuf -o0 "$MODDABLE/build/bin/$platform/release/mcsim" "$app" > "$log" 2>&1 &
runner=$!
for _ in $(seq 1 "${SIM_TIMEOUT:-60}"); do
  if grep -qE '^(PASS|FAIL)' "$log"; then break; fi
  sleep 1
done
pkill -P "$runner" >/dev/null 2>&1; pkill -f "mcsim $app" >/dev/null 2>&1; wait "$runner" 2>/dev/null
cat "$log"
grep -qE '^PASS' "$log"
