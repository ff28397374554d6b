#!/usr/bin/env bash
# Builds the self-test app with an installed Moddable SDK, runs it headless in the desktop simulator
# (which never exits by itself) with a ws echo server on 127.0.0.1 for its round trip, and stops it
# at its PASS or FAIL line. Exit status 0 on PASS. Needs `npm run build` first (for the echo server).
#
# The app learns its peers' ports at build time, so both are chosen first; the echo server starts only
# once the build is done (a clean mcconfig build takes minutes on a slow machine). Everything this script
# starts (echo server, Xvfb, simulator) is stopped by its pid on exit, whatever the outcome.
#   SIM_TIMEOUT   seconds the simulator may run (default 60)
set -uo pipefail
: "${MODDABLE:?MODDABLE is not set: install the Moddable SDK and export MODDABLE}"
command -v Xvfb >/dev/null || { echo "Xvfb is missing (Debian: apt-get install xvfb)"; exit 2; }
platform=lin
out=build/sim
sim_timeout=${SIM_TIMEOUT:-60}
mkdir -p "$out"

pids=()
stop_started() {
  # newest first: the simulator before the display it draws on; SIGKILL for one that ignores SIGTERM for 5 s
  local i pid
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid=${pids[i]}
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  pids=()
}
trap stop_started EXIT

free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
echo_port=$(free_port)
serve_port=$(free_port)

echo "building the self-test (mcconfig; minutes when clean) ..."
mcconfig -m -p "$platform" -o "$out" ./firmware/selftest/manifest.json "echo_port=$echo_port" "serve_port=$serve_port" > "$out/build.log" 2>&1 || { tail -20 "$out/build.log"; echo "FAIL: build"; exit 1; }
app=$(find "$out" -name mc.so | head -1)

: > "$out/echo.port" # as the display file below: no last run's port read before this run's
ECHO_LIFETIME=$(( (sim_timeout + 60) * 1000 )) node build/host-tests/sim/ws-echo.js "$echo_port" > "$out/echo.port" &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$out/echo.port" ] && break; sleep 0.1; done
[ "$(head -1 "$out/echo.port")" = "$echo_port" ] || { echo "FAIL: the echo server did not listen on $echo_port"; exit 1; }

# Xvfb picks a free display and writes its number to fd 3 once it accepts clients. The file is emptied
# here first: the background job's own redirection may truncate it only after the loop below has seen
# the last run's number, and the simulator then starts with DISPLAY=":" (seen under load)
: > "$out/display"
Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3> "$out/display" > "$out/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$out/display" ] && break; sleep 0.1; done
[ -s "$out/display" ] || { cat "$out/xvfb.log"; echo "FAIL: Xvfb did not start"; exit 1; }

log="$out/run.log"
: > "$log"
# stdbuf execs the simulator, so this pid is the simulator's own
DISPLAY=":$(head -1 "$out/display")" stdbuf -o0 "$MODDABLE/build/bin/$platform/release/mcsim" "$app" > "$log" 2>&1 &
pids+=($!)
probe=""
for _ in $(seq 1 "$sim_timeout"); do
  if grep -qE '^(PASS|FAIL)' "$log"; then break; fi
  if [ -z "$probe" ] && grep -q "^LISTENING" "$log"; then
    node build/host-tests/sim/ws-probe.js "$serve_port"; probe=$?
  fi
  sleep 1
done
stop_started
trap - EXIT
cat "$log"
grep -qE '^(PASS|FAIL)' "$log" || echo "FAIL: no PASS or FAIL within ${sim_timeout} s"
[ "$probe" = 0 ] || echo "FAIL: the probe of the app's server did not succeed"
# each of the self-test's native checks must have run, not merely been skipped on the way to PASS
natives_ran=1
check_ran() { # name, the pattern of its line
  grep -qE "$2" "$log" || { echo "FAIL: the native $1 check did not run"; natives_ran=0; }
}
check_ran UTF-8 '^native utf8: [1-9][0-9]* pieces compared.*, [1-9][0-9]* calls from server connections, 0 failed'
check_ran text '^native text: [1-9][0-9]* copies compared.*, 0 failed'
check_ran mask '^native mask: [1-9][0-9]* calls compared.*, [1-9][0-9]* calls from a server connection, 0 failed'
check_ran copy '^native copy: [1-9][0-9]* calls compared.*, 0 failed'
[ "$probe" = 0 ] && [ "$natives_ran" = 1 ] && grep -qE '^PASS' "$log"
