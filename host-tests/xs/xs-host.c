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
 * Natives a device has, one native call each, as Moddable SDK 8.2.3 defines them:
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

/* xsmc.c's buffer access (ArrayBuffer, typed array, DataView): xsmc.h itself would undefine the xs.h macros used here. */
extern txInteger _xsmcGetBuffer(txMachine* the, txSlot* slot, void** data, txUnsigned* count, txBoolean writable);

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

/*
 * Moddable's Logical.xor: dst (a buffer) ^= src repeated, over count bytes (default: all of dst). src is
 * a byte (number), a string's bytes, or a buffer. One difference: an empty src is a RangeError here,
 * where the device would read past it.
 */
static void host_logical_xor(txMachine* the)
{
	uint8_t scratch, *src, *dst;
	xsUnsignedValue srcLength, dstLength, i = 0;
	_xsmcGetBuffer(the, &xsArg(0), (void**)&dst, &dstLength, 1);
	switch (xsTypeOf(xsArg(1))) {
	case xsIntegerType:
	case xsNumberType:
		scratch = (uint8_t)xsToInteger(xsArg(1));
		src = &scratch;
		srcLength = 1;
		break;
	case xsStringType:
		src = (uint8_t*)xsToString(xsArg(1));
		srcLength = (xsUnsignedValue)c_strlen((char*)src);
		break;
	case xsReferenceType:
		_xsmcGetBuffer(the, &xsArg(1), (void**)&src, &srcLength, 0);
		break;
	default:
		xsUnknownError("unsupported source");
	}
	if (srcLength == 0)
		xsRangeError("empty source");
	if (xsToInteger(xsArgc) > 2) {
		xsIntegerValue count = xsToInteger(xsArg(2));
		if ((count <= 0) || ((xsUnsignedValue)count > dstLength))
			xsRangeError("invalid count");
		dstLength = (xsUnsignedValue)count;
	}
	while (dstLength--) {
		*dst++ ^= src[i++];
		if (i == srcLength)
			i = 0;
	}
}

#ifndef mxCESU8
/* XS keeps U+0000 inside strings as C0 80 (its strings end with a 0 byte); on the wire it is one 0 byte. */
static int is_internal_nul(const uint8_t* p)
{
	return (p[0] == 0xC0) && (p[1] == 0x80);
}

static void host_array_buffer_from_string(txMachine* the)
{
	const uint8_t* p;
	xsIntegerValue length = 0;
	uint8_t* out;
	if (xsToInteger(xsArgc) < 1)
		xsTypeError("no argument");
	fxToString(the, &xsArg(0)); /* in place: the argument slot keeps the string reachable and current */
	for (p = (const uint8_t*)xsArg(0).value.string; *p; p++, length++) {
		if (is_internal_nul(p))
			p++;
	}
	xsResult = xsArrayBuffer(NULL, length); /* may move the string's chunk: read it again below */
	out = xsToArrayBuffer(xsResult);
	for (p = (const uint8_t*)xsArg(0).value.string; *p; p++) {
		if (is_internal_nul(p)) {
			*out++ = 0;
			p++;
		}
		else
			*out++ = *p;
	}
}

/* The bytes of each character whose first byte is `first`, or 0 for a byte no character starts with. */
static int utf8_sequence_length(uint8_t first)
{
	if (first < 0x80) return 1;
	if ((first & 0xE0) == 0xC0) return 2;
	if ((first & 0xF0) == 0xE0) return 3;
	if ((first & 0xF0) == 0xF0) return 4;
	return 0;
}

/*
 * As the SDK checks: every sequence has its continuation bytes (TypeError "invalid UTF-8" otherwise);
 * overlong forms, surrogates and values above U+10FFFF are not refused. A 0 byte becomes U+0000.
 */
static void host_string_from_array_buffer(txMachine* the)
{
	txSlot* instance;
	xsIntegerValue limit, offset, length, i, nulls = 0;
	const uint8_t* in;
	uint8_t* out;
	if (xsToInteger(xsArgc) < 1)
		xsTypeError("no argument");
	instance = (xsArg(0).kind == XS_REFERENCE_KIND) ? xsArg(0).value.reference->next : NULL;
	if (!instance || (instance->kind != XS_ARRAY_BUFFER_KIND))
		xsTypeError("argument: not an ArrayBuffer instance");
	limit = xsGetArrayBufferLength(xsArg(0));
	offset = fxArgToByteLength(the, 1, 0);
	if (offset > limit)
		xsRangeError("invalid byteOffset %ld", (long)offset);
	length = fxArgToByteLength(the, 2, limit - offset);
	if (length > limit - offset)
		xsRangeError("invalid byteLength %ld", (long)length);
	in = (const uint8_t*)xsToArrayBuffer(xsArg(0)) + offset;
	for (i = 0; i < length;) {
		int n = utf8_sequence_length(in[i]), k;
		if ((n == 0) || (i + n > length))
			xsTypeError("invalid UTF-8");
		for (k = 1; k < n; k++) {
			if ((in[i + k] & 0xC0) != 0x80)
				xsTypeError("invalid UTF-8");
		}
		if (in[i] == 0)
			nulls++;
		i += n;
	}
	xsResult = xsStringBuffer(NULL, length + nulls); /* may move the buffer's data: read it again below */
	in = (const uint8_t*)xsToArrayBuffer(xsArg(0)) + offset;
	out = (uint8_t*)xsResult.value.string;
	for (i = 0; i < length; i++) {
		if (in[i] == 0) {
			*out++ = 0xC0;
			*out++ = 0x80;
		}
		else
			*out++ = in[i];
	}
}
#endif

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
			xsVar(0) = xsNewObject();
			xsDefine(xsVar(0), xsID("xor"), xsNewHostFunction(host_logical_xor, 2), xsDontEnum);
			xsDefine(xsGlobal, xsID("Logical"), xsVar(0), xsDontEnum);
#ifndef mxCESU8
			xsVar(0) = xsGet(xsGlobal, xsID("ArrayBuffer"));
			xsDefine(xsVar(0), xsID("fromString"), xsNewHostFunction(host_array_buffer_from_string, 1), xsDontEnum);
			xsVar(0) = xsGet(xsGlobal, xsID("String"));
			xsDefine(xsVar(0), xsID("fromArrayBuffer"), xsNewHostFunction(host_string_from_array_buffer, 1), xsDontEnum);
#endif
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
