/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer harness for the MIF extension and MOBIKE notify data.
 * Input: byte 0 picks the notify (low 4 bits index the table below),
 * byte 1 the scope header form, the rest is the data. Whatever parses
 * is built again and must give the same bytes (ops, state, errors,
 * MIF_SUPPORTED without reserved flag bits) and parse to the same
 * values; a builder must never write what its parser refuses. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control/ike_wire.h"
#include "control/mif_ext.h"
#include "control/mobike.h"

static const uint16_t types[16] = {
	MIF_EXT_N_SUPPORTED, MIF_EXT_N_IF_ADD, MIF_EXT_N_IF_REMOVE,
	MIF_EXT_N_IF_SET_ALTERNATE, MIF_EXT_N_IF_REPLACE, MIF_EXT_N_IF_PROMOTE,
	MIF_EXT_N_IF_STATE, MIF_EXT_N_UNKNOWN_IF_ID,
	MIF_IKE_N_MOBIKE_SUPPORTED, MIF_IKE_N_ADDITIONAL_IP4_ADDRESS,
	MIF_IKE_N_ADDITIONAL_IP6_ADDRESS, MIF_IKE_N_NO_ADDITIONAL_ADDRESSES,
	MIF_IKE_N_UPDATE_SA_ADDRESSES, MIF_IKE_N_COOKIE2,
	MIF_IKE_N_NO_NATS_ALLOWED, MIF_IKE_N_UNACCEPTABLE_ADDRESSES,
};

static void
fuzz_op(uint16_t type, const uint8_t *d, size_t n)
{
	struct mif_ext_op o, o2;
	uint8_t out[512];
	struct mif_wr w;
	int v = mif_ext_op_validate(type, d, n);

	memset(&o, 0, sizeof(o));
	if (mif_ext_op_parse(type, d, n, &o) != v)
		abort();
	if (v != 0)
		return;
	mif_wr_init(&w, out, sizeof(out));
	if (mif_ext_op_build(&w, &o) != 0 || w.len != n ||
	    memcmp(out, d, n) != 0)
		abort();
	memset(&o2, 0, sizeof(o2));
	if (mif_ext_op_parse(type, out, w.len, &o2) != 0 ||
	    o2.ifid != o.ifid || o2.seq != o.seq || o2.nts_s != o.nts_s)
		abort();
}

static void
fuzz_other(uint16_t type, const uint8_t *d, size_t n)
{
	struct mif_ext_state st;
	struct mif_ext_sup sup;
	struct mif_ext_err er;
	uint8_t out[512];
	struct mif_wr w;

	mif_wr_init(&w, out, sizeof(out));
	if (type == MIF_EXT_N_SUPPORTED &&
	    mif_ext_sup_parse(d, n, &sup) == 0) {
		if (mif_ext_sup_build(&w, &sup) != 0 ||
		    mif_ext_sup_validate(out, w.len) != 0)
			abort();
	} else if (type == MIF_EXT_N_IF_STATE &&
		   mif_ext_state_parse(d, n, &st) == 0) {
		if (mif_ext_state_build(&w, &st) != 0 || w.len != n ||
		    memcmp(out, d, n) != 0)
			abort();
	} else if (type == MIF_EXT_N_UNKNOWN_IF_ID &&
		   mif_ext_err_parse(d, n, &er) == 0) {
		if (mif_ext_err_build(&w, &er) != 0 || memcmp(out, d, n) != 0)
			abort();
	}
}

static void
fuzz_mobike(uint16_t type, const uint8_t *d, size_t n)
{
	struct mif_mobike_addr_list l;
	struct mif_mobike_addrs peer;
	struct mif_mobike_nonats nn;
	struct mif_addr hdr;
	uint8_t out[64];
	struct mif_wr w;
	size_t off;
	bool ch;

	(void)mif_mobike_validate(type, d, n);
	if (type == MIF_IKE_N_NO_NATS_ALLOWED &&
	    mif_mobike_nonats_parse(d, n, &nn) == 0) {
		mif_wr_init(&w, out, sizeof(out));
		if (mif_mobike_nonats_build(&w, &nn) != 0 ||
		    memcmp(out, d, n) != 0)
			abort();
	}
	/* The data cut in 4-byte notifies feeds one address list. */
	memset(&peer, 0, sizeof(peer));
	memset(&hdr, 0, sizeof(hdr));
	hdr.family = 2;
	hdr.v4 = 0x0100000a;
	mif_mobike_addrs_begin(&l);
	for (off = 0; off + 4 <= n; off += 4)
		(void)mif_mobike_addrs_note(&l, d[off] & 1 ?
			MIF_IKE_N_ADDITIONAL_IP4_ADDRESS :
			MIF_IKE_N_NO_ADDITIONAL_ADDRESSES, d + off,
			d[off] & 1 ? 4 : 0);
	if (mif_mobike_addrs_commit(&peer, &l, &hdr, &ch) == 0 && ch &&
	    (peer.n == 0 || peer.n > MIF_MOBIKE_MAX_ADDRS))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mif_ext_scope sc;
	uint16_t type;
	uint8_t *d;
	size_t n;

	if (size < 2)
		return 0;
	type = types[data[0] & 0x0f];
	(void)mif_ext_scope_parse(data[1] & 3, data[1] >> 2 & 7,
				  size >= 6 ? data + 2 : NULL, &sc);
	/* A copy of exactly the data, so ASan sees any over-read. */
	n = size - 2;
	d = malloc(n ? n : 1);
	if (d == NULL)
		return 0;
	memcpy(d, data + 2, n);
	if (mif_ext_is_op_type(type))
		fuzz_op(type, d, n);
	else if (mif_ext_is_mif_type(type))
		fuzz_other(type, d, n);
	else
		fuzz_mobike(type, d, n);
	free(d);
	return 0;
}
