/* SPDX-License-Identifier: GPL-2.0 */
/* Tracepoints: events/skbpool/ in tracefs. */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM skbpool

#if !defined(_SKBPOOL_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _SKBPOOL_TRACE_H

#include <linux/netdevice.h>
#include <linux/tracepoint.h>

#include "compat.h"

TRACE_EVENT(skbpool_emergency,
	    TP_PROTO(const struct net_device *netdev, bool active, const char *reason),
	    TP_ARGS(netdev, active, reason),
	    TP_STRUCT__entry(__string(dev, netdev->name)
			     __field(bool, active)
			     __string(reason, reason)),
	    TP_fast_assign(skbpool_assign_str(dev, netdev->name);
			   __entry->active = active;
			   skbpool_assign_str(reason, reason);),
	    TP_printk("dev=%s emergency=%s reason=%s", __get_str(dev),
		      __entry->active ? "on" : "off", __get_str(reason))
);

#endif /* _SKBPOOL_TRACE_H */

/* Out of tree: the generated code includes this file again from here. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
