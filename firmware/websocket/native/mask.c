/*
 * WebSocket masking in place, for boards: what a server unmasks and a client masks, in one call
 * whatever the length, where the bytes lie (no view made, no copy to line them up, as Logical.xor's
 * target must start at the payload). What ws does with its optional bufferutil add-on. Built by
 * mcconfig from the manifest (manifest_websocket.json), called as native("xs_ws_mask").
 *
 *   xs_ws_mask(bytes, from, to, keys, keyAt, phase) -> the key's phase after the range
 *
 * bytes: a Uint8Array (or ArrayBuffer); bytes[from, to) ^= the key, keys[keyAt, keyAt + 4) in frame
 * order, its byte `phase` (0..3) first. keys may be bytes itself (a small frame's key lies just
 * before its payload). A range outside either, or a phase outside 0..3, is a RangeError.
 */
/* the platform's header first, as the SDK's own modules do (modLogical.c): on ESP32 and ESP8266 mcconfig
   does not define INCLUDE_XSPLATFORM, and without it c_read8 would not read strings in flash */
#include "xsPlatform.h"
#include "xsmc.h"
#include <stdint.h>

void xs_ws_mask(xsMachine *the)
{
	xsIntegerValue from, to, keyAt, phase;
	xsUnsignedValue length, keysLength;
	uint8_t *bytes, *keys, k[4];
	uint8_t *p, *stop;
	if (xsmcArgc < 6)
		xsRangeError("bytes, from, to, keys, keyAt, phase");
	/* the numbers first: converting one may run script (valueOf) and a collection, which moves buffers */
	from = xsmcToInteger(xsArg(1));
	to = xsmcToInteger(xsArg(2));
	keyAt = xsmcToInteger(xsArg(4));
	phase = xsmcToInteger(xsArg(5));
	if ((phase < 0) || (phase > 3))
		xsRangeError("invalid phase");
	xsmcGetBufferReadable(xsArg(3), (void **)&keys, &keysLength);
	if ((keyAt < 0) || ((xsUnsignedValue)keyAt + 4 > keysLength))
		xsRangeError("invalid key offset");
	/* the key read before the bytes are masked: the range may cover the key's own bytes */
	k[0] = keys[keyAt];
	k[1] = keys[keyAt + 1];
	k[2] = keys[keyAt + 2];
	k[3] = keys[keyAt + 3];
	xsmcGetBufferWritable(xsArg(0), (void **)&bytes, &length);
	if ((from < 0) || (from > to) || ((xsUnsignedValue)to > length))
		xsRangeError("invalid range");
	p = bytes + from;
	stop = bytes + to;
	while (p < stop) {
		*p++ ^= k[phase];
		phase = (phase + 1) & 3;
	}
	xsmcSetInteger(xsResult, phase);
}
