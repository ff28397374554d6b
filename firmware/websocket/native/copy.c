/*
 * A piece of an array copied into another, for boards: how a large frame's payload goes from the
 * app's data into the output area (core/direct-payload.ts), in one call whatever the length and
 * without the view TypedArray.prototype.set would need of its source (4 XS slots a piece). Built by
 * mcconfig from the manifest (manifest_websocket.json), called as native("xs_ws_copy").
 *
 *   xs_ws_copy(src, from, to, dst, at)
 *
 * src and dst: Uint8Arrays (or ArrayBuffers, or other views: their bytes); dst[at, at + to - from) =
 * src[from, to). src may be read-only (a buffer in flash: c_memcpy reads it there on an ESP8266)
 * and may overlap dst (then memmove, for RAM). A range outside either is a RangeError.
 */
/* the platform's header first, as the SDK's own modules do (modLogical.c) */
#include "xsPlatform.h"
#include "xsmc.h"
#include <stdint.h>
#include <string.h>

void xs_ws_copy(xsMachine *the)
{
	xsIntegerValue from, to, at;
	xsUnsignedValue srcLength, dstLength;
	void *src, *dst;
	uint8_t *s, *d;
	xsIntegerValue n;
	if (xsmcArgc < 5)
		xsRangeError("src, from, to, dst, at");
	/* the numbers first: converting one may run script (valueOf) and a collection, which moves buffers */
	from = xsmcToInteger(xsArg(1));
	to = xsmcToInteger(xsArg(2));
	at = xsmcToInteger(xsArg(4));
	xsmcGetBufferReadable(xsArg(0), &src, &srcLength);
	xsmcGetBufferWritable(xsArg(3), &dst, &dstLength);
	if ((from < 0) || (from > to) || ((xsUnsignedValue)to > srcLength) || (at < 0)
		|| ((xsUnsignedValue)at + (xsUnsignedValue)(to - from) > dstLength))
		xsRangeError("invalid range");
	s = (uint8_t *)src + from;
	d = (uint8_t *)dst + at;
	n = to - from;
	if ((s < d + n) && (d < s + n))
		c_memmove(d, s, n);
	else
		c_memcpy(d, s, n);
}
