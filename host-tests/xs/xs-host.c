/*
 * A minimal XS test host: runs one ES module under XS and exposes the engine's own counters to
 * JavaScript. xsnap-worker reports live slots only per message and no chunk bytes; this host reads both
 * at any point, so allocations can be counted around a single frame. xs-engine.mk builds it twice: on an
 * engine with the device's UTF-8 strings (xs-host-device) and on xsnap's CESU-8 engine (xs-host-cesu8).
 *
 *   xs-host-device /abs/path/module.js      exit status 0 when the module and its promise jobs settle
 *
 * Test globals: print(text), collectGarbage(), gcEnable(bool), heapSlots(), heapChunks(), meter(), now(),
 * slotSize()
 * Natives a device has (xs-natives.c), one native call each, as Moddable SDK 8.2.3 defines them:
 *   Logical.xor(dst, src[, count])    both engines; Moddable's "logical" module (modules/data/logical)
 *   ArrayBuffer.fromString(string)    device engine only: UTF-8 bytes of a string in a new ArrayBuffer
 *   String.fromArrayBuffer(buffer[, byteOffset[, byteLength]])   device engine only: UTF-8 bytes to a string
 * The XS 13 sources that xsnap ships define the last two without mxCESU8, but stop at a 0 byte and copy
 * XS's internal C0 80 for U+0000 out as is; SDK 8.2.3 (XS 17) maps 0 <-> C0 80, so this host replaces them.
 * The CESU-8 engine has neither, as xsnap has not: code running there takes its JavaScript fallback.
 */
#include <sys/time.h>
#include "xsAll.h"
#include "xsnap.h"

extern void install_device_natives(txMachine* the); /* xs-natives.c */

static void host_print(txMachine* the)
{
	fprintf(stdout, "%s\n", xsToString(xsArg(0)));
	fflush(stdout);
}

static void host_gc(txMachine* the)
{
	xsCollectGarbage();
}

/* With collection off, every slot and chunk allocated stays counted: nothing is reclaimed mid-count. */
static void host_gc_enable(txMachine* the)
{
	fxEnableGarbageCollection(the, xsToBoolean(xsArg(0)));
}

/* Slots allocated and not yet collected: the count only grows between collections. */
static void host_heap_slots(txMachine* the)
{
	xsResult = xsNumber((double)the->currentHeapCount);
}

/* Chunk bytes (strings, buffers, arrays' storage) in use, as the engine counts them. */
static void host_heap_chunks(txMachine* the)
{
	xsResult = xsNumber((double)the->currentChunksSize);
}

/* The deterministic compute meter: one step per bytecode, as xsnap meters a crank. */
static void host_meter(txMachine* the)
{
	xsResult = xsNumber((double)the->meterIndex);
}

/* Wall-clock milliseconds, for throughput figures next to the deterministic meter. */
static void host_now(txMachine* the)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	xsResult = xsNumber((double)tv.tv_sec * 1000.0 + (double)tv.tv_usec / 1000.0);
}

/* Bytes of one slot on this build: 32 on a 64-bit host, 16 on the 32-bit ESP32 and ESP8266. */
static void host_slot_size(txMachine* the)
{
	xsResult = xsInteger((xsIntegerValue)sizeof(txSlot));
}

static xsBooleanValue host_metering_callback(xsMachine* the, xsUnsignedValue index)
{
	return 1;
}

static void define(txMachine* the, char* name, xsCallback callback, int length)
{
	xsResult = xsNewHostFunction(callback, length);
	xsDefine(xsGlobal, xsID(name), xsResult, xsDontEnum);
}

int main(int argc, char* argv[])
{
	int status = 0;
	if (argc != 2) {
		fprintf(stderr, "usage: xs-host /abs/path/module.js\n");
		return 2;
	}
	xsCreation creation = {
		32 * 1024 * 1024,	/* initialChunkSize: large, so counting windows rarely grow the heap */
		4 * 1024 * 1024,	/* incrementalChunkSize */
		256 * 1024,		/* initialHeapCount */
		128 * 1024,		/* incrementalHeapCount */
		4096,			/* stackCount */
		32000,			/* initialKeyCount */
		8000,			/* incrementalKeyCount */
		1993,			/* nameModulo */
		127,			/* symbolModulo */
		8192 * 1024,		/* parserBufferSize */
		1993,			/* parserTableModulo */
	};
	xsInitializeSharedCluster();
	xsMachine* machine = xsCreateMachine(&creation, "xs-host", NULL);
	xsBeginMetering(machine, host_metering_callback, 0x7FFFFFFF);
	{
		xsBeginHost(machine);
		{
			xsVars(1);
			define(the, "print", host_print, 1);
			define(the, "collectGarbage", host_gc, 0);
			define(the, "gcEnable", host_gc_enable, 1);
			define(the, "heapSlots", host_heap_slots, 0);
			define(the, "heapChunks", host_heap_chunks, 0);
			define(the, "meter", host_meter, 0);
			define(the, "now", host_now, 0);
			define(the, "slotSize", host_slot_size, 0);
			install_device_natives(the);
			xsTry {
				fxRunModuleFile(the, argv[1]);
				fxRunLoop(the);
				if (xsTypeOf(xsException) != xsUndefinedType) {
					fprintf(stderr, "xs-host: %s\n", xsToString(xsException));
					xsException = xsUndefined;
					status = 1;
				}
			}
			xsCatch {
				fprintf(stderr, "xs-host: %s\n", xsToString(xsException));
				status = 1;
			}
		}
		xsEndHost(machine);
	}
	xsEndMetering(machine);
	if (machine->abortStatus)
		status = 10 + machine->abortStatus;
	xsDeleteMachine(machine);
	xsTerminateSharedCluster();
	return status;
}
