/* SPDX-License-Identifier: GPL-2.0 */
/* The resync worker: each pool kept at its reserve, the thresholds current. */
#ifndef _SKBPOOL_RESYNC_H
#define _SKBPOOL_RESYNC_H

void skbpool_resync_kick(void);
void skbpool_resync_sync(void);
int skbpool_resync_init(void);
void skbpool_resync_exit(void);

#endif /* _SKBPOOL_RESYNC_H */
