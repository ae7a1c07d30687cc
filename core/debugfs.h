/* SPDX-License-Identifier: GPL-2.0 */
/* The debugfs files under /sys/kernel/debug/skbpool/. */
#ifndef _SKBPOOL_DEBUGFS_H
#define _SKBPOOL_DEBUGFS_H

void skbpool_debugfs_init(void);
void skbpool_debugfs_exit(void);

#endif /* _SKBPOOL_DEBUGFS_H */
