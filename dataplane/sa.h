/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_SA_H
#define MIF_SA_H

/** @file
 * One ESP security association (RFC 4301 4.4.2): parameters, expanded
 * keys, sequence and replay state, lifetimes and per-lcore counters,
 * all in one allocation. SAs are created and destroyed by the control
 * thread; workers only use them between two quiescent-state reports
 * (see sad.h for the deferred free).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_spinlock.h>

#include "common/addr.h"

struct rte_ring;
struct mif_ifset_ref;
struct mif_replay;
struct mif_sa_keys;

enum mif_sa_dir {
	MIF_SA_DIR_IN,
	MIF_SA_DIR_OUT,
};

enum mif_sa_mode {
	MIF_SA_MODE_TUNNEL,
	MIF_SA_MODE_TRANSPORT,
};

enum mif_sa_cipher {
	MIF_SA_CIPHER_NULL,		/**< RFC 2410, debugging only */
	MIF_SA_CIPHER_AES_CBC,		/**< RFC 3602, 128 or 256 */
	MIF_SA_CIPHER_AES_GCM16,	/**< RFC 4106, 16-byte ICV */
};

enum mif_sa_auth {
	MIF_SA_AUTH_NONE,		/**< only with AES-GCM */
	MIF_SA_AUTH_HMAC_SHA1_96,	/**< RFC 2404 */
	MIF_SA_AUTH_HMAC_SHA256_128,	/**< RFC 4868 */
};

/** What the outer IPv4 DF bit becomes on encapsulation (RFC 4301 8.1). */
enum mif_sa_df {
	MIF_SA_DF_COPY,			/**< from the inner IPv4; set for IPv6 */
	MIF_SA_DF_CLEAR,
	MIF_SA_DF_SET,
};

/** Drop reasons counted per SA and per lcore. */
enum mif_sa_drop {
	MIF_SA_DROP_REPLAY,
	MIF_SA_DROP_AUTH,		/**< ICV mismatch */
	MIF_SA_DROP_BAD_PAD,		/**< padding or trailer */
	MIF_SA_DROP_BAD_LEN,
	MIF_SA_DROP_SEQ_OVERFLOW,
	MIF_SA_DROP_HARD_EXPIRED,
	MIF_SA_DROP_POLICY,		/**< inner packet outside selectors */
	MIF_SA_DROP_ECN,		/**< RFC 6040: CE outside, not-ECT in */
	MIF_SA_DROP_PATH,		/**< not an accepting path (ifset.h) */
	MIF_SA_DROP_MAX,
};

/** Events a worker raises once per SA for the control plane. */
#define MIF_SA_EV_SOFT		0x1u	/**< soft lifetime reached: rekey */
#define MIF_SA_EV_HARD		0x2u	/**< hard lifetime: SA unusable */
#define MIF_SA_EV_SEQ_OVERFLOW	0x4u	/**< no sequence number left */

#define MIF_SA_KEY_MAX		32	/**< AES-256 */
#define MIF_SA_AUTH_KEY_MAX	64	/**< one hash block */
#define MIF_SA_MAX_SLOTS	128	/**< worker counter slots per SA */

/** Tunnel endpoints and encapsulation, kept apart so a later change can
 * hold several (a user's interface set). Ports are in host order. */
struct mif_sa_ep {
	struct mif_addr local;		/**< outer source when outbound */
	struct mif_addr remote;		/**< outer destination when outbound */
	bool udp_encap;			/**< RFC 3948 */
	uint16_t sport;			/**< default 4500 */
	uint16_t dport;			/**< default 4500 */
};

/** A lifetime limit; 0 means none. */
struct mif_sa_life {
	uint64_t bytes;
	uint64_t packets;
	uint64_t seconds;		/**< from creation */
};

/** What the control plane gives to mif_sa_create(). Wipe it after use. */
struct mif_sa_params {
	uint32_t spi;			/**< host order */
	uint64_t id;			/**< control-plane handle, in events */
	enum mif_sa_dir dir;
	enum mif_sa_mode mode;
	struct mif_sa_ep ep;
	bool match_dst;			/**< inbound: SAD key is SPI + dst */

	enum mif_sa_cipher cipher;
	uint8_t key[MIF_SA_KEY_MAX];
	uint8_t key_len;		/**< 16 or 32; 0 for NULL */
	uint8_t salt[4];		/**< GCM only, RFC 4106 8.1 */
	enum mif_sa_auth auth;
	uint8_t auth_key[MIF_SA_AUTH_KEY_MAX];
	uint8_t auth_key_len;

	bool esn;			/**< RFC 4303 2.2.1 */
	bool fragment;			/**< RFC 4301 8.1: fragment non-DF IPv4 */
	uint32_t replay_win;		/**< inbound, 0..MIF_REPLAY_WIN_MAX */
	enum mif_sa_df df;
	uint64_t seq_start;		/**< outbound: first packet gets +1 */
	struct mif_sa_life soft;
	struct mif_sa_life hard;
	unsigned int n_slots;		/**< counter slots (workers + 1) */
};

/** Per-lcore counters of one SA: a slot never shares a cache line. */
struct mif_sa_ctr {
	uint64_t packets;
	uint64_t bytes;			/**< inner packet bytes */
	uint64_t drop[MIF_SA_DROP_MAX];
} __rte_cache_aligned;

struct mif_sa {
	/* Read-mostly part, shared by all workers. */
	uint32_t spi;
	enum mif_sa_dir dir;
	enum mif_sa_mode mode;
	enum mif_sa_cipher cipher;
	enum mif_sa_auth auth;
	enum mif_sa_df df;
	bool esn;
	bool fragment;
	bool match_dst;
	uint8_t key_len;
	uint8_t iv_len;			/**< 8 GCM, 16 CBC, 0 NULL */
	uint8_t icv_len;		/**< 16 GCM/SHA256, 12 SHA1 */
	uint8_t align;			/**< payload+trailer multiple */
	uint8_t hash_state_len;		/**< HMAC ipad/opad state bytes */
	uint64_t id;
	struct mif_sa_ep ep;		/**< first path of the set */
	struct mif_ifset_ref *ifs;	/**< interface set (dataplane/ifset.h) */
	struct mif_sa_life soft;
	struct mif_sa_life hard;
	uint64_t soft_tsc;		/**< tsc deadlines, UINT64_MAX: none */
	uint64_t hard_tsc;
	uint64_t seq_max;		/**< 2^32-1 or 2^64-1 */
	struct mif_sa_keys *keys;
	struct mif_replay *replay;	/**< inbound only */
	struct mif_sa_ctr *ctr;		/**< n_slots entries */
	unsigned int n_slots;
	struct rte_ring *ev_ring;	/**< set by the SAD; may be NULL */
	size_t alloc_size;
	/** Outer IPv4 header prebuilt from the SA (TTL, protocol,
	 * addresses) and the ones-complement sum of those constant words. */
	uint8_t outer4[20];
	uint32_t outer4_sum;

	/* Written by workers: outbound sequence, lifetime use, events. */
	uint64_t seq __rte_cache_aligned;	/**< last sequence given out */
	uint64_t life_bytes;
	uint64_t life_packets;
	uint32_t events;		/**< MIF_SA_EV_* raised so far */

	/* Inbound: serialises window updates (see esp_inb.c). */
	rte_spinlock_t lock __rte_cache_aligned;
};

/** An event as queued to the control plane (16 bytes). */
struct mif_sa_event {
	uint64_t id;
	uint32_t spi;
	uint32_t ev;			/**< one MIF_SA_EV_* bit */
};

/**
 * Validate @p p and build an SA with expanded keys. Logs why on error
 * (never the keys). @return the SA, or NULL.
 */
struct mif_sa *mif_sa_create(const struct mif_sa_params *p);

/** Wipe the keys and free @p sa. The caller ensures no worker uses it. */
void mif_sa_destroy(struct mif_sa *sa);

/** Sum the counters of all slots into @p out. */
void mif_sa_stats(const struct mif_sa *sa, struct mif_sa_ctr *out);

/** Events raised so far (MIF_SA_EV_* bits). */
static inline uint32_t
mif_sa_events(const struct mif_sa *sa)
{
	return __atomic_load_n(&sa->events, __ATOMIC_ACQUIRE);
}

/**
 * Raise @p ev once: the first caller also queues a struct mif_sa_event
 * on the SA's ring. Safe from any lcore.
 */
void mif_sa_event_raise(struct mif_sa *sa, uint32_t ev);

/**
 * Add used packets/bytes and check lifetimes and time. Called once per
 * burst per SA by the ESP paths; raises events.
 * @return true when the SA is past its hard limit (drop what follows).
 */
bool mif_sa_life_charge(struct mif_sa *sa, uint64_t packets, uint64_t bytes,
			uint64_t now_tsc);

/** True once the SA may carry no more traffic. */
static inline bool
mif_sa_dead(const struct mif_sa *sa)
{
	return (mif_sa_events(sa) & (MIF_SA_EV_HARD |
				     MIF_SA_EV_SEQ_OVERFLOW)) != 0;
}

/** Count one drop of @p reason on @p slot (a worker's counter slot). */
static inline void
mif_sa_drop(struct mif_sa *sa, unsigned int slot, enum mif_sa_drop reason)
{
	sa->ctr[slot].drop[reason]++;
}

/** Name of a drop reason ("replay", "auth", ...). */
const char *mif_sa_drop_name(enum mif_sa_drop reason);

/** Bytes allocated for an SA built from @p p (0 when invalid). */
size_t mif_sa_mem_size(const struct mif_sa_params *p);

#endif
