/* SPDX-License-Identifier: GPL-2.0 */
/* Module parameters of main.c that the rest of core/ reads. */
#ifndef _SKBPOOL_MAIN_H
#define _SKBPOOL_MAIN_H

extern unsigned int skbpool_share_pct;

#endif /* _SKBPOOL_MAIN_H */
