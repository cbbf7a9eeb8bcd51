/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for what a CLI client controls: the telnet decoder,
 * the line editor and the grammar (parse, help, completion, and running
 * the built-in commands plus a table with every argument type).
 *
 * Input: byte 0 picks character mode (bit 0) and how the input is cut
 * into reads (bits 1-7); the rest is what the client sends.
 */
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_log.h>

#include "control/cli_cmd.h"
#include "control/cli_telnet.h"

static int
nop(struct mif_cli_exec *x)
{
	mif_cli_printf(x->out, "%u words\n", x->argc);
	return 0;
}

static const struct mif_cli_cmd fuzz_cmds[] = {
	{ "route add <dst:prefix> via <gw:ipaddr> metric <m:uint:1-255>",
	  { "r", "a", "d", "v", "g", "m", "n" }, nop, NULL },
	{ "route del <dst:prefix>", { NULL, "d", "p" }, nop, NULL },
	{ "sa {in|out} <spi:uint> <name:word>", { "s", "dir", "spi", "n" },
	  nop, NULL },
};

static char obuf[512 * 1024];
static char rbuf[64 * 1024];

static void
on_event(struct mif_cli_edit *e, enum mif_cli_edit_ev ev,
	 struct mif_cli_out *out)
{
	char line[MIF_CLI_LINE_MAX + 1], ext[MIF_CLI_LINE_MAX + 1];
	const char *syn;

	memcpy(line, e->line, e->pos);
	line[e->pos] = '\0';
	switch (ev) {
	case MIF_CLI_EV_LINE:
		mif_cli_edit_hist_add(e, e->line);
		mif_cli_cmd_parse(e->line, out, &syn);
		mif_cli_cmd_exec(e->line, out, NULL, NULL);
		break;
	case MIF_CLI_EV_HELP:
		mif_cli_cmd_help(line, out);
		return;
	case MIF_CLI_EV_COMPLETE:
		if (mif_cli_cmd_complete(line, ext, sizeof(ext), out) > 0)
			mif_cli_edit_insert(e, ext, out);
		return;
	default:
		break;
	}
	mif_cli_edit_reset(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	static struct mif_telnet tn;
	static struct mif_cli_edit ed;
	static uint8_t dec[4096];
	struct mif_cli_out out, reply;
	struct mif_telnet_io io;
	size_t chunk, off, i, n;
	bool char_mode;

	if (!init) {
		rte_log_set_global_level(RTE_LOG_EMERG);	/* quiet */
		mif_cli_cmds_sys_register();
		mif_cli_cmd_register_table(fuzz_cmds, RTE_DIM(fuzz_cmds));
		init = true;
	}
	if (size < 1)
		return 0;
	char_mode = data[0] & 1;
	chunk = (data[0] >> 1) + 1;
	data++;
	size--;

	mif_cli_out_init(&reply, rbuf, sizeof(rbuf), false);
	mif_cli_out_init(&out, obuf, sizeof(obuf), true);
	mif_telnet_init(&tn, &reply);
	mif_cli_edit_init(&ed);
	for (off = 0; off < size; off += n) {
		n = RTE_MIN(chunk, size - off);
		io = (struct mif_telnet_io){ .data = dec,
			.data_cap = sizeof(dec), .reply = &reply };
		if (mif_telnet_rx(&tn, data + off, n, &io) != 0)
			break;
		if (io.n_data > n)
			__builtin_trap();	/* one data byte per input byte */
		for (i = 0; i < io.n_data; i++) {
			enum mif_cli_edit_ev ev = mif_cli_edit_input(&ed,
				dec[i], char_mode ? &out : NULL);

			if (ed.len > MIF_CLI_LINE_MAX || ed.pos > ed.len)
				__builtin_trap();
			if (ev != MIF_CLI_EV_NONE)
				on_event(&ed, ev, &out);
		}
		/* Drain as a session would after each read. */
		mif_cli_out_consume(&out, mif_cli_out_pending(&out));
		mif_cli_out_consume(&reply, mif_cli_out_pending(&reply));
		out.truncated = reply.truncated = false;
	}
	return 0;
}
