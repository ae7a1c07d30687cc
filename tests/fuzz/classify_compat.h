/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel definitions core/classify.c and core/flows.c use, for its userspace build
 * under libFuzzer.  Nothing more: a new kernel facility in the classifier
 * shows up here as a build error of the fuzzer, which is the point -- the
 * classifier must stay pure (no skb, no allocation, no lock).
 */
#ifndef _SKBPOOL_CLASSIFY_COMPAT_H
#define _SKBPOOL_CLASSIFY_COMPAT_H

#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef int32_t s32;
typedef uint64_t u64;
typedef uint16_t __be16;
typedef uint32_t __be32;

#define U32_MAX		UINT32_MAX
#define __force

#define cpu_to_be16(x)	htobe16(x)
#define be16_to_cpu(x)	be16toh(x)
#define cpu_to_be32(x)	htobe32(x)
#define be32_to_cpu(x)	be32toh(x)

#define fallthrough	__attribute__((__fallthrough__))

/* The kernel's static_assert: the message is optional. */
#undef static_assert
#define static_assert(expr, ...)	__sp_static_assert(expr, ##__VA_ARGS__, #expr)
#define __sp_static_assert(expr, msg, ...)	_Static_assert(expr, msg)

/* The kernel's memory model, mapped onto the C11 one the compiler knows. */
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))
#define smp_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)
#define smp_rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
/* Fully ordered like the kernel's; returns the value found. */
#define cmpxchg(p, o, n) ({						\
	__typeof__(*(p)) __old = (o);					\
	__atomic_compare_exchange_n(p, &__old, n, false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);\
	__old;								\
})

#define EXPORT_SYMBOL_IF_KUNIT(sym)

#define ETH_HLEN	14
#define ETH_P_IP	0x0800
#define ETH_P_ARP	0x0806
#define ETH_P_8021Q	0x8100
#define ETH_P_IPV6	0x86DD
#define ETH_P_SLOW	0x8809
#define ETH_P_8021AD	0x88A8
#define ETH_P_LLDP	0x88CC

#define IPPROTO_HOPOPTS		0
#define IPPROTO_TCP		6
#define IPPROTO_UDP		17
#define IPPROTO_ROUTING		43
#define IPPROTO_FRAGMENT	44
#define IPPROTO_AH		51
#define IPPROTO_ICMPV6		58
#define IPPROTO_DSTOPTS		60

#endif /* _SKBPOOL_CLASSIFY_COMPAT_H */
