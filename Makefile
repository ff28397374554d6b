# Host tasks run through npm; device tasks need a Moddable SDK installed as Moddable's own
# Getting Started guide describes, with $MODDABLE set and its tools (mcconfig) on PATH.
#
#   make esp32 SSID=... PASSWORD=... URL=ws://192.168.1.20:8080/device TOKEN=dev-token [DEVICE=esp32-1]
#   make esp8266 SSID=... PASSWORD=... URL=... TOKEN=...
#   make sim [URL=ws://127.0.0.1:8080/device]     the device app in the desktop simulator
#   make sim-test                                 the self-test in the simulator, headless: PASS or FAIL

UNAME := $(shell uname -s)
SIM_PLATFORM := $(if $(filter Darwin,$(UNAME)),mac,lin)
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
APP_CONFIG = $(if $(URL),url=$(URL)) $(if $(TOKEN),token=$(TOKEN)) $(if $(DEVICE),device=$(DEVICE))
WIFI = $(if $(SSID),ssid=$(SSID)) $(if $(PASSWORD),password=$(PASSWORD))

.PHONY: test build bench start sim sim-test esp32 esp8266 check-moddable check-wifi

test:
	npm test

build:
	npm run build

bench:
	npm run bench

start:
	npm start

sim: check-moddable build
	mcconfig -d -m -p $(SIM_PLATFORM) ./manifest.json $(APP_CONFIG)

sim-test: check-moddable build
	bash host-tests/sim/sim-test.sh

esp32: check-moddable check-wifi build
	@test -n "$$IDF_PATH" || { echo "ESP32 builds need ESP-IDF (v6.0) with IDF_PATH set: see Moddable's ESP32 guide."; exit 1; }
	mcconfig -d -m -p esp32 ./manifest.json $(WIFI) $(APP_CONFIG)

esp8266: check-moddable check-wifi build
	mcconfig -d -m -p esp ./manifest.json $(WIFI) $(APP_CONFIG)

check-wifi:
	@test -n "$(SSID)" || { echo "Give the Wi-Fi network: make $(MAKECMDGOALS) SSID=... PASSWORD=... URL=... TOKEN=..."; exit 1; }
	@test -n "$(URL)" || { echo "Give the companion server's device URL, e.g. URL=ws://192.168.1.20:8080/device"; exit 1; }

check-moddable:
	@test -n "$(MODDABLE)" || { echo "MODDABLE is not set: install the Moddable SDK (see its Getting Started guide) and export MODDABLE=/path/to/moddable."; exit 1; }
	@command -v mcconfig >/dev/null || { echo "mcconfig is not on PATH: add \$$MODDABLE/build/bin/$(SIM_PLATFORM)/release to PATH."; exit 1; }
