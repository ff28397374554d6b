/*
 * Platform header of the device-string XS test host (host-tests/xs/xs-engine.mk).
 *
 * xsnap's platform as it is (POSIX machine fields, timers, module loading), with one change: no mxCESU8.
 * Boards and Moddable's simulator keep strings as UTF-8, so "\u{24b62}".length is 1 and charCodeAt
 * returns the whole code point; xsnap's CESU-8 strings give 2 and 0xd852. The engine tests the device
 * model only if the header that makes strings CESU-8 is undone before any XS source sees it.
 * The XS sources test the flag with both #if and #ifndef, so it must be undefined, not 0.
 */
#ifndef __XS_DEVICE_PLATFORM__
#define __XS_DEVICE_PLATFORM__

#include "xsnapPlatform.h"
#undef mxCESU8

#endif /* __XS_DEVICE_PLATFORM__ */
