/* The lock implementations with the spin-time probe compiled in. */
#define VP_LOCK_PROBE 1
#define VP_LOCK_TABLE vp_lock_ops_probed
#include "workloads/lock_impl.h"
