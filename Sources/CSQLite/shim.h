#ifndef KEYTRAIL_CSQLITE_SHIM_H
#define KEYTRAIL_CSQLITE_SHIM_H
#include <sqlite3.h>

// Swift cannot import the function-pointer casts behind these macros.
static inline sqlite3_destructor_type keytrail_sqlite_transient(void) { return SQLITE_TRANSIENT; }
static inline sqlite3_destructor_type keytrail_sqlite_static(void) { return SQLITE_STATIC; }
#endif
