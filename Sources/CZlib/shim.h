#ifndef KEYTRAIL_CZLIB_SHIM_H
#define KEYTRAIL_CZLIB_SHIM_H
#include <zlib.h>

// inflateInit2/deflateInit2 are macros that Swift cannot import.
static inline int keytrail_inflate_init_gzip(z_stream *s) {
    return inflateInit2(s, 16 + MAX_WBITS);
}
static inline int keytrail_deflate_init_gzip(z_stream *s, int level) {
    return deflateInit2(s, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
}
#endif
