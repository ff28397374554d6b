/*
 * Natives the XS test hosts give as a device has them (Moddable SDK 8.2.3), one native call each; the
 * list and why the text conversions are replaced is in xs-host.c's header.
 */
#include "xsAll.h"
#include "xsnap.h"

/* xsmc.c's buffer access (ArrayBuffer, typed array, DataView): xsmc.h itself would undefine the xs.h macros used here. */
extern txInteger _xsmcGetBuffer(txMachine* the, txSlot* slot, void** data, txUnsigned* count, txBoolean writable);
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
	/* as the SDK's (fxConstructArrayBufferResult does new this(length)): called without ArrayBuffer
	   as its this, e.g. from a variable, it throws, which a board does too */
	if (!xsIsInstanceOf(xsThis, xsFunctionPrototype))
		xsTypeError("new: not a constructor");
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

/* Logical on both engines; the text conversions only where strings are UTF-8, as on the device.
 * Called inside xs-host.c's host scope, whose xsVar(0) it uses. */
void install_device_natives(txMachine* the)
{
	xsVar(0) = xsNewObject();
	xsDefine(xsVar(0), xsID("xor"), xsNewHostFunction(host_logical_xor, 2), xsDontEnum);
	xsDefine(xsGlobal, xsID("Logical"), xsVar(0), xsDontEnum);
#ifndef mxCESU8
	xsVar(0) = xsGet(xsGlobal, xsID("ArrayBuffer"));
	xsDefine(xsVar(0), xsID("fromString"), xsNewHostFunction(host_array_buffer_from_string, 1), xsDontEnum);
	xsVar(0) = xsGet(xsGlobal, xsID("String"));
	xsDefine(xsVar(0), xsID("fromArrayBuffer"), xsNewHostFunction(host_string_from_array_buffer, 1), xsDontEnum);
#endif
}
