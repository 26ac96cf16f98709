/* internal.h: what the files of plot/ share with each other and with the
 * layers above, beyond plot.h; not part of the API. Including it brings
 * in the layers below, and nothing above. */
#ifndef METAK_PLOT_INTERNAL_H
#define METAK_PLOT_INTERNAL_H

#include "render/internal.h"
#include "plot/plot.h"

#endif
