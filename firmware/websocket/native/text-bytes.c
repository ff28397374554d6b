/*
 * A string's UTF-8 bytes written into a connection's output area, for boards, where XS keeps
 * strings as UTF-8: no buffer allocated per message (ArrayBuffer.fromString makes a new one each
 * time) and no loop of steps (charCodeAt costs XS about 80 steps a character). Called as
 * native("xs_ws_text_size") and native("xs_ws_text_into") (platform-device.ts), built by mcconfig
 * from the manifest (manifest_websocket.json).
 *
 *   xs_ws_text_size(text) -> bytes, or -1
 *     The length of text's bytes as XS holds them, when those are the bytes to send. XS holds U+0000
 *     as C0 80 and a lone surrogate as ED A0..BF xx, which are not UTF-8: -1 for such a text (the
 *     caller takes its general path, which converts them), as for anything not a string.
 *   xs_ws_text_into(text, from, to, dst, at, end) -> bytes written
 *     Copies text's bytes [from, to) into dst[at, end), as many as fit, cut before a character
 *     that does not fit whole (0 when not even one does). The caller asked xs_ws_text_size first;
 *     a range outside text or dst is a RangeError.
 */
/* the platform's header first, as the SDK's own modules do (modLogical.c): on ESP32 and ESP8266 mcconfig
   does not define INCLUDE_XSPLATFORM, and without it c_read8 would not read strings in flash */
#include "xsPlatform.h"
#include "xsmc.h"
#include <stdint.h>

#if !defined(c_read8) || !defined(c_strlen)
	#error "c_read8 and c_strlen come from the platform's header: an ESP8266 reads strings in flash with them"
#endif

/* A string in RAM or in flash: xsmcTypeOf gives xsStringType for both. */
static int isStringArgument(xsMachine *the)
{
	return xsmcTypeOf(xsArg(0)) == xsStringType;
}

void xs_ws_text_size(xsMachine *the)
{
	const char *p;
	xsIntegerValue length = 0;
	uint8_t c;
	if ((xsmcArgc < 1) || !isStringArgument(the)) {
		xsmcSetInteger(xsResult, -1);
		return;
	}
	p = xsmcToString(xsArg(0));
	while ((c = c_read8(p + length))) {
		if (((c == 0xC0) && (c_read8(p + length + 1) == 0x80)) || ((c == 0xED) && ((c_read8(p + length + 1) & 0xE0) == 0xA0))) {
			xsmcSetInteger(xsResult, -1);
			return;
		}
		length++;
	}
	xsmcSetInteger(xsResult, length);
}

void xs_ws_text_into(xsMachine *the)
{
	xsIntegerValue from, to, at, end, n, i;
	xsUnsignedValue capacity;
	uint8_t *dst;
	const char *text;
	if ((xsmcArgc < 6) || !isStringArgument(the))
		xsRangeError("text, from, to, dst, at, end");
	/* the numbers first: converting one may run script (valueOf) and a collection, which moves buffers */
	from = xsmcToInteger(xsArg(1));
	to = xsmcToInteger(xsArg(2));
	at = xsmcToInteger(xsArg(4));
	end = xsmcToInteger(xsArg(5));
	xsmcGetBufferWritable(xsArg(3), (void **)&dst, &capacity);
	if ((at < 0) || (at > end) || ((xsUnsignedValue)end > capacity) || (from < 0) || (from > to))
		xsRangeError("invalid range");
	/* the string last: nothing below allocates, so its bytes stay where they are */
	text = xsmcToString(xsArg(0));
	if ((xsUnsignedValue)to > (xsUnsignedValue)c_strlen(text))
		xsRangeError("past the text");
	text += from;
	n = to - from;
	if (n > end - at) {
		n = end - at;
		while ((n > 0) && ((c_read8(text + n) & 0xC0) == 0x80))
			n--;
	}
	for (i = 0; i < n; i++)
		dst[at + i] = c_read8(text + i);
	xsmcSetInteger(xsResult, n);
}
