/* The lock implementations with the spin-time probe compiled out: the
 * baseline that shows what the probe costs (probe=off). */
#define VP_LOCK_PROBE 0
#define VP_LOCK_TABLE vp_lock_ops_plain
#include "workloads/lock_impl.h"
