/* internal.h: what the files of read/ share with each other and with the
 * layers above, beyond read.h; not part of the API. Including it brings
 * in the layers below, and nothing above. */
#ifndef METAK_READ_INTERNAL_H
#define METAK_READ_INTERNAL_H

#include "base/internal.h"
#include "read/read.h"

#endif
