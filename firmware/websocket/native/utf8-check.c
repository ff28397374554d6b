/*
 * UTF-8 validation of received text in C, for boards: the same DFA (Bjoern Hoehrmann's) and the same
 * states as core/utf8.ts's utf8Validate, so a message may be checked by either, piece by piece. In
 * script XS meters about 2.3 steps a byte; here one call checks a whole piece whatever its length,
 * without allocating. What ws does with its optional utf-8-validate add-on, built by mcconfig from
 * the manifest (manifest_websocket.json) and called as native("xs_ws_utf8_check") (platform-device.ts).
 *
 *   xs_ws_utf8_check(state, bytes, start, end) -> state
 *
 * bytes: a Uint8Array (or ArrayBuffer); start and end index it (0 <= start <= end <= its length).
 * state: 0 at a code point boundary, 12 once a byte was invalid (and stays so), another multiple of
 * 12 inside a sequence. Anything else is a RangeError, as is a range outside the bytes.
 */
/* the platform's header first, as the SDK's own modules do (modLogical.c): on ESP32 and ESP8266 mcconfig
   does not define INCLUDE_XSPLATFORM, and without it c_read8 would not read strings in flash */
#include "xsPlatform.h"
#include "xsmc.h"
#include <stdint.h>

#define UTF8_ACCEPT 0
#define UTF8_REJECT 12

/* Bytes 0..255 map to character classes (utf8.ts's buildTable). */
static const uint8_t gxUtf8Classes[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
	7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
	8, 8, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	10, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 3, 3, 11, 6, 6, 6, 5, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
};

/* (state + class) -> the next state. */
static const uint8_t gxUtf8Transitions[108] = {
	0, 12, 24, 36, 60, 96, 84, 12, 12, 12, 48, 72, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
	12, 0, 12, 12, 12, 12, 12, 0, 12, 0, 12, 12, 12, 24, 12, 12, 12, 12, 12, 24, 12, 24, 12, 12,
	12, 12, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, 12, 12, 12, 24, 12, 12,
	12, 12, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12, 12, 36, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12,
	12, 36, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
};

void xs_ws_utf8_check(xsMachine *the)
{
	xsIntegerValue state, start, end;
	xsUnsignedValue length;
	const uint8_t *bytes, *p, *stop;
	if (xsmcArgc < 4)
		xsRangeError("state, bytes, start, end");
	/* the numbers first: converting one may run script (valueOf) and a collection, which moves buffers */
	state = xsmcToInteger(xsArg(0));
	start = xsmcToInteger(xsArg(2));
	end = xsmcToInteger(xsArg(3));
	if ((state < 0) || (state > 96) || (state % 12))
		xsRangeError("invalid state");
	xsmcGetBufferReadable(xsArg(1), (void **)&bytes, &length);
	if ((start < 0) || (start > end) || ((xsUnsignedValue)end > length))
		xsRangeError("invalid range");
	p = bytes + start;
	stop = bytes + end;
	while ((p < stop) && (state != UTF8_REJECT)) {
		if (state == UTF8_ACCEPT) {
			/* ASCII runs, the common case: a board spends its time here */
			while ((p < stop) && (*p < 0x80))
				p++;
			if (p == stop)
				break;
		}
		state = gxUtf8Transitions[state + gxUtf8Classes[*p++]];
	}
	xsmcSetInteger(xsResult, state);
}
