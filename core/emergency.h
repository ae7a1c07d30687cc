/* SPDX-License-Identifier: GPL-2.0 */
/* Emergency mode: policy, state and the memory thresholds it follows. */
#ifndef _SKBPOOL_EMERGENCY_H
#define _SKBPOOL_EMERGENCY_H

#include <linux/atomic.h>
#include <linux/types.h>

struct skbpool_dev;

/**
 * enum skbpool_em_policy - the admin's emergency policy
 * @SKBPOOL_EM_POLICY_AUTO: follow memory pressure (the default)
 * @SKBPOOL_EM_POLICY_ON: forced on (private flag "skbpool-emergency")
 * @SKBPOOL_EM_POLICY_OFF: never
 */
enum skbpool_em_policy {
	SKBPOOL_EM_POLICY_AUTO,
	SKBPOOL_EM_POLICY_ON,
	SKBPOOL_EM_POLICY_OFF,
};

/**
 * enum skbpool_em_reason - why the state last changed
 * @SKBPOOL_EM_PRESSURE: free memory at the enter threshold
 * @SKBPOOL_EM_ALLOC_FAIL: an allocation on the RX path failed
 * @SKBPOOL_EM_ADMIN: the policy changed, or the NIC was untagged
 * @SKBPOOL_EM_CALM: memory calm for the hold time
 */
enum skbpool_em_reason {
	SKBPOOL_EM_PRESSURE,
	SKBPOOL_EM_ALLOC_FAIL,
	SKBPOOL_EM_ADMIN,
	SKBPOOL_EM_CALM,
};

/* Transitions whose causes are kept for the event worker, per device. */
#define SKBPOOL_EM_LOG		8

/**
 * struct skbpool_emergency - one device's emergency state
 * @policy: enum skbpool_em_policy; written under skbpool_lock
 * @active: 0 or 1; changed only by compare-and-exchange (emergency.c)
 * @calm_after: jiffies; auto mode may not leave before
 * @next_probe: jiffies; the next canary allocation while not in emergency
 * @enters: transitions into emergency
 * @leaves: transitions out of it
 * @last_reason: enum skbpool_em_reason of the last transition
 * @last_change_ns: boottime of the last transition
 * @log: the causes of the latest transitions, for events: transition n
 *	(enter k is number 2k - 1, leave k number 2k, as the state starts
 *	off and alternates) is stored in slot n % %SKBPOOL_EM_LOG as
 *	n << 2 | enum skbpool_em_reason, with a release store by whoever
 *	made the transition; the number tells a reader whether the slot is
 *	written yet, or already reused
 *
 * Read locklessly from every NAPI poll; each field is one word.
 */
struct skbpool_emergency {
	int policy;
	int active;
	unsigned long calm_after;
	unsigned long next_probe;
	atomic_long_t enters;
	atomic_long_t leaves;
	u32 last_reason;
	u64 last_change_ns;
	unsigned long log[SKBPOOL_EM_LOG];
};

/**
 * struct skbpool_emergency_info - a reading of struct skbpool_emergency
 * @policy: enum skbpool_em_policy
 * @active: in emergency now
 * @enters: transitions into emergency
 * @last_reason: enum skbpool_em_reason
 * @last_change_ns: boottime of the last transition, 0 if none
 */
struct skbpool_emergency_info {
	u32 policy;
	bool active;
	u64 enters;
	u32 last_reason;
	u64 last_change_ns;
};

unsigned long skbpool_free_pages(void);
bool skbpool_emergency_probe(void);
void skbpool_emergency_update_thresholds(void);
void skbpool_emergency_pin_thresholds(unsigned long enter_pages,
				      unsigned long leave_pages,
				      unsigned long hold);
void skbpool_emergency_unpin_thresholds(void);
bool skbpool_emergency_poll(struct skbpool_dev *sdev);
void skbpool_emergency_tag_changed(struct skbpool_dev *sdev);
void skbpool_emergency_alloc_failed(struct skbpool_dev *sdev);
int skbpool_emergency_set_policy(struct skbpool_dev *sdev, u32 policy);
void skbpool_emergency_read(const struct skbpool_dev *sdev,
			    struct skbpool_emergency_info *info);
const char *skbpool_emergency_reason_name(u32 reason);
bool skbpool_emergency_next_change(const struct skbpool_dev *sdev,
				   unsigned long *reported, bool *on, int *reason);

#endif /* _SKBPOOL_EMERGENCY_H */
