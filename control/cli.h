/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_CLI_H
#define MIF_CLI_H

/** @file
 * The operator CLI: a telnet server run from the control thread. Nothing
 * here blocks: the listening socket and every session are non-blocking
 * and serviced by mif_cli_poll(), which the control loop calls once per
 * iteration. A slow or hostile client is parked or cut off, never waited
 * for.
 *
 * Commands come from the registry in control/cli_cmd.h.
 */

#include <stdbool.h>
#include <stdint.h>

#define MIF_CLI_PASSWORD_MAX	128
#define MIF_CLI_ADDR_LEN	64

#define MIF_CLI_DEFAULT_ADDR		"127.0.0.1"
#define MIF_CLI_DEFAULT_PORT		2323
#define MIF_CLI_DEFAULT_SESSIONS	8
#define MIF_CLI_DEFAULT_IDLE_S		600
#define MIF_CLI_DEFAULT_AUTH_DELAY_MS	2000
#define MIF_CLI_MAX_SESSIONS		64
#define MIF_CLI_AUTH_TRIES		3

/** Server settings (the `cli` configuration group). */
struct mif_cli_conf {
	bool enabled;			/**< false: no server at all */
	char addr[MIF_CLI_ADDR_LEN];	/**< listen address, v4 or v6 */
	uint16_t port;			/**< 0 picks a free port (tests) */
	char password[MIF_CLI_PASSWORD_MAX + 1]; /**< empty: no password */
	unsigned int max_sessions;	/**< 1..MIF_CLI_MAX_SESSIONS */
	unsigned int idle_timeout_s;	/**< 0: never */
	unsigned int auth_delay_ms;	/**< pause after a wrong password */
	const char *banner;		/**< printed on connect; may be NULL */
	void *ctx;			/**< handed to every command handler */
};

struct mif_cli_stats {
	uint64_t accepted;
	uint64_t refused_full;		/**< connections over the limit */
	uint64_t closed_idle;
	uint64_t auth_fail;
	uint64_t auth_cutoff;		/**< sessions cut after 3 failures */
	uint64_t lines;			/**< command lines run */
	uint64_t line_too_long;
	uint64_t proto_error;		/**< telnet option floods */
	uint64_t out_overflow;		/**< output cut (slow reader) */
	uint64_t poll_max_us;		/**< longest mif_cli_poll(), wall clock */
	uint64_t poll_max_cpu_us;	/**< the same in thread CPU time */
};

struct mif_cli;
struct mif_cfg;

/** Fill @p conf with the defaults above (enabled, no password). */
void mif_cli_conf_init(struct mif_cli_conf *conf);

/** The defaults, overridden by what the configuration's "cli" group
 * sets (common/cfg_cli.c). */
void mif_cli_conf_from_cfg(struct mif_cli_conf *conf,
			   const struct mif_cfg *cfg);

/**
 * Check @p conf: without a password, only a loopback address is
 * accepted. @p err receives the reason.
 * @return 0 or -EINVAL.
 */
int mif_cli_conf_check(const struct mif_cli_conf *conf, char *err,
		       size_t errlen);

/**
 * Register the built-in commands, then bind and listen. Logs the reason
 * and returns NULL on failure (bad address, no password on a non-loopback
 * address, port in use).
 */
struct mif_cli *mif_cli_create(const struct mif_cli_conf *conf);

/** Close every session and the listening socket. NULL is a no-op. */
void mif_cli_destroy(struct mif_cli *cli);

/**
 * Service the listener and all sessions once, without blocking.
 * @p cli may be NULL (CLI disabled): nothing happens.
 * @return the number of sessions that did some work (0 when idle), so
 *         the control loop may sleep when nothing happens.
 */
int mif_cli_poll(struct mif_cli *cli);

/** The bound port (useful when conf.port was 0). */
uint16_t mif_cli_port(const struct mif_cli *cli);

/** Sessions open now. */
unsigned int mif_cli_sessions(const struct mif_cli *cli);

const struct mif_cli_stats *mif_cli_stats_get(const struct mif_cli *cli);

/**
 * Capture rte_log output in a ring of recent lines for `show log`, still
 * copying every line to stderr. Call early (after rte_eal_init, which
 * installs its own stream); mif_cli_create() calls it too. Idempotent.
 * @return 0 or -ENOMEM.
 */
int mif_cli_log_capture(void);

#endif
