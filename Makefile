# Host tasks run through npm; device tasks need a Moddable SDK installed as Moddable's own
# Getting Started guide describes, with $MODDABLE set and its tools (mcconfig) on PATH.

UNAME := $(shell uname -s)
SIM_PLATFORM := $(if $(filter Darwin,$(UNAME)),mac,lin)

.PHONY: test build bench start sim sim-test esp32 check-moddable

test:
	npm test

build:
	npm run build

bench:
	npm run bench

start:
	npm start

# The self-test app in Moddable's desktop simulator: it traces one PASS or FAIL line.
sim: check-moddable
	mcconfig -d -m -p $(SIM_PLATFORM) ./manifest.json

# The same, headless: ends with the app's PASS or FAIL line and the matching exit status.
sim-test: check-moddable build
	bash host-tests/sim/sim-test.sh

esp32: check-moddable
	@test -n "$$IDF_PATH" || { echo "ESP32 builds need ESP-IDF (v6.0) with IDF_PATH set: see Moddable's ESP32 guide."; exit 1; }
	mcconfig -d -m -p esp32 ./manifest.json

check-moddable:
	@test -n "$(MODDABLE)" || { echo "MODDABLE is not set: install the Moddable SDK (see its Getting Started guide) and export MODDABLE=/path/to/moddable."; exit 1; }
	@command -v mcconfig >/dev/null || { echo "mcconfig is not on PATH: add \$$MODDABLE/build/bin/$(SIM_PLATFORM)/release to PATH."; exit 1; }
	@command -v tsc >/dev/null || { echo "tsc (TypeScript 6 or newer) is not on PATH: mcconfig compiles the .ts modules with it. Try: export PATH=$$PWD/node_modules/.bin:\$$PATH"; exit 1; }
