#ifndef KEYTRAIL_CZSTD_SHIM_H
#define KEYTRAIL_CZSTD_SHIM_H
// The fastCover trainer's parameters are in zdict's "static linking only" section; Debian's
// libzstd.so exports the functions.
#define ZDICT_STATIC_LINKING_ONLY
#include <zstd.h>
#include <zdict.h>
#endif
