/* metak.h: the public API of libmetak, used by the command line and the
 * tests: one include that gathers the layers' headers, bottom first. Data
 * flows one way: CSV bytes -> mk_table (read/) -> mk_studies, the effect
 * sizes (effects/) -> a fit (fit/), used by analyses (analyses/) -> text,
 * JSON and CSV (render/) or SVG (plot/) in an mk_buf. A layer calls only
 * the layers below it; nothing here prints or exits. */
#ifndef METAK_H
#define METAK_H

#define MK_VERSION "0.1.0"

#include "base/base.h"
#include "read/read.h"
#include "effects/effects.h"
#include "fit/fit.h"
#include "analyses/analyses.h"
#include "render/render.h"
#include "plot/plot.h"

#endif
