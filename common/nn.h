/* nn.h - the whole toolkit in one include. Each header states its own
   contract at its top; the book's toolkit appendix walks through them. */
#ifndef NN_NN_H
#define NN_NN_H

#include "cli.h"
#include "data.h"
#include "matrix.h"
#include "plot.h"
#include "progress.h"
#include "rng.h"
#include "vmath.h"

#endif
