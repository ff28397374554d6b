# Builds the two XS test hosts from host-tests/xs/xs-host.c and xs-natives.c (xs-host.ts runs this with -j2):
#
#   $(OUT)/xs-host-device   an engine compiled here from the XS sources @agoric/xsnap ships, with
#                           xsDevicePlatform.h: UTF-8 strings as on boards, no mxDebug (device release
#                           builds have no debug line bytecodes, which the step meter would count)
#   $(OUT)/xs-host-cesu8    linked against the engine objects xsnap itself compiled at install time
#                           (mxCESU8, mxDebug): the string model of xsnap, kept for the frame corpus
#
# Both keep mxMetering (the step meter) and the heap counters. Objects are cached in $(OUT); -MMD
# makes each one depend on the headers it read, so a changed source or header rebuilds only its users.
#
#   make -f host-tests/xs/xs-engine.mk -j2 XSNAP=node_modules/@agoric/xsnap OUT=build/xs-engine

XSNAP ?= node_modules/@agoric/xsnap
OUT ?= build/xs-engine
HERE := $(dir $(lastword $(MAKEFILE_LIST)))
XS := $(XSNAP)/moddable/xs
NATIVE := $(XSNAP)/xsnap-native/xsnap
XSNAP_OBJECTS := $(NATIVE)/build/tmp/lin/release/xsnap-worker

# The flags xsnap's makefile compiles its engine with, less the debugger: the machine's layout depends on them.
COMMON = -fno-common -DINCLUDE_XSPLATFORM -DXSNAP_VERSION=\"test\" -DXSNAP_TEST_RECORD=0 \
	-DmxLockdown=1 -DmxMetering=1 -UmxInstrument -DmxNoConsole=1 -DmxBoundsCheck=1 -DmxParse=1 -DmxRun=1 \
	-DmxSloppy=1 -DmxSnapshot=1 -DmxRegExpUnicodePropertyEscapes=1 -DmxStringNormalize=1 -DmxMinusZero=1 \
	-I$(HERE) -I$(XS)/includes -I$(XS)/platforms -I$(XS)/sources -I$(NATIVE)/sources -O2 -w
DEVICE_FLAGS = $(COMMON) -DXSPLATFORM=\"xsDevicePlatform.h\"
CESU8_FLAGS = $(COMMON) -DXSPLATFORM=\"xsnapPlatform.h\" -DmxDebug=1
LIBRARIES = -rdynamic -ldl -lm -lpthread

ENGINE_SOURCES := $(wildcard $(XS)/sources/*.c) $(NATIVE)/sources/xsnapPlatform.c
DEVICE_OBJECTS := $(patsubst %.c,$(OUT)/device/%.o,$(notdir $(ENGINE_SOURCES)))
CESU8_ENGINE := $(filter-out %/xsnap-worker.o %/textdecoder.o %/textencoder.o %/modBase64.o,$(wildcard $(XSNAP_OBJECTS)/*.o))

vpath %.c $(XS)/sources $(NATIVE)/sources

all: $(OUT)/xs-host-device $(OUT)/xs-host-cesu8

$(OUT)/device $(OUT)/cesu8:
	mkdir -p $@

$(OUT)/device/%.o: %.c | $(OUT)/device
	$(CC) $(DEVICE_FLAGS) -MMD -MP -c $< -o $@

$(OUT)/device/%.o: $(HERE)%.c | $(OUT)/device
	$(CC) $(DEVICE_FLAGS) -MMD -MP -c $< -o $@

$(OUT)/cesu8/%.o: $(HERE)%.c | $(OUT)/cesu8
	$(CC) $(CESU8_FLAGS) -MMD -MP -c $< -o $@

HOST_OBJECTS = xs-host.o xs-natives.o

$(OUT)/xs-host-device: $(DEVICE_OBJECTS) $(addprefix $(OUT)/device/,$(HOST_OBJECTS))
	$(CC) $^ $(LIBRARIES) -o $@

$(OUT)/xs-host-cesu8: $(addprefix $(OUT)/cesu8/,$(HOST_OBJECTS)) $(CESU8_ENGINE)
	@test -n "$(CESU8_ENGINE)" || { echo "xsnap's engine objects are missing in $(XSNAP_OBJECTS): reinstall @agoric/xsnap (npm ci builds them)"; exit 1; }
	$(CC) $^ $(LIBRARIES) -o $@

-include $(wildcard $(OUT)/device/*.d $(OUT)/cesu8/*.d)

.PHONY: all
