#ifndef KEYTRAIL_CDEFLATE_SHIM_H
#define KEYTRAIL_CDEFLATE_SHIM_H
#include <libdeflate.h>
#endif
