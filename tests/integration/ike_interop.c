/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKEv2 initiator built only from the wire and crypto core, run against
 * strongSwan's charon as responder (tests/integration/ike_interop.sh):
 * IKE_SA_INIT, then IKE_AUTH with a PSK inside an SK payload, then an
 * INFORMATIONAL delete. charon checks our encoding, key derivation, SK
 * payload and AUTH; we check its reply the same way. This is a test
 * tool, not the daemon: one exchange at a time, no retransmission
 * beyond a single resend.
 *
 * Usage: ike_interop LOCAL_IP REMOTE_IP PSK ENCR [authfail]
 *   ENCR: "gcm" (AES-GCM-16-256) or "cbc" (AES-CBC-256, HMAC-SHA2-256-128)
 *   authfail: the PSK is wrong on purpose; succeed only if charon answers
 *   IKE_AUTH with AUTHENTICATION_FAILED (inside a valid SK payload).
 *   respond: the roles swap; charon initiates and we answer IKE_SA_INIT
 *   (choosing from its proposals) and IKE_AUTH (verifying its AUTH).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <rte_log.h>

#include "common/addr.h"
#include "control/ike_auth.h"
#include "control/ike_crypto.h"
#include "control/ike_msg.h"
#include "control/ike_pld.h"

#define FAIL(...) do {							\
	fprintf(stderr, "ike_interop: " __VA_ARGS__);			\
	fputc('\n', stderr);						\
	exit(1);							\
} while (0)

#define TRY(call) do {							\
	int rc_ = (call);						\
	if (rc_ != 0)							\
		FAIL("%s: %s (%d)", #call, strerror(-rc_), rc_);	\
} while (0)

static const char id_i[] = "client@example.org";
static const char id_r[] = "gw.example.org";

static int sock, sock_natt, reply_sock;
static struct sockaddr_in peer, reply_to;
static const char *psk;
static bool expect_authfail;

static struct {
	bool gcm;
	uint64_t spi_i, spi_r;
	uint8_t ni[32], nr[MIF_IKE_NONCE_MAX];
	size_t nr_len;
	uint8_t init_req[2048], init_resp[2048];
	size_t init_req_len, init_resp_len;
	struct mif_ike_algs algs;
	struct mif_ike_sa_keys keys;
	struct mif_addr local, remote;
	struct mif_ike_sa_props esp;
} st;

/* Send @req and wait for the datagram that answers it (one resend). */
static size_t
exchange(const uint8_t *req, size_t len, uint8_t *resp, size_t cap)
{
	struct pollfd pfd = { .fd = sock, .events = POLLIN };
	ssize_t n;
	int tries;

	for (tries = 0; tries < 2; tries++) {
		if (sendto(sock, req, len, 0, (struct sockaddr *)&peer,
			   sizeof(peer)) != (ssize_t)len)
			FAIL("sendto: %s", strerror(errno));
		if (poll(&pfd, 1, 3000) == 1) {
			n = recv(sock, resp, cap, 0);
			if (n <= 0)
				FAIL("recv: %s", strerror(errno));
			return (size_t)n;
		}
	}
	FAIL("no answer from %s", inet_ntoa(peer.sin_addr));
}

static void
add_natd(struct mif_ike_gen *g, uint16_t type, const struct mif_addr *a)
{
	uint8_t h[MIF_IKE_NATD_LEN];
	struct mif_ike_notify n = { .type = type, .data = h,
				    .data_len = sizeof(h) };

	TRY(mif_ike_natd_hash(st.spi_i, st.spi_r, a, 500, h));
	TRY(mif_ike_gen_begin(g, MIF_IKE_PLD_NOTIFY, false));
	TRY(mif_ike_pld_notify_build(&g->wr, &n));
	TRY(mif_ike_gen_end(g));
}

static void
ike_proposal(struct mif_ike_sa_props *sa)
{
	struct mif_ike_prop *p = &sa->p[0];

	memset(sa, 0, sizeof(*sa));
	sa->nprops = 1;
	p->num = 1;
	p->proto = MIF_IKE_PROTO_IKE;
	if (st.gcm) {
		p->nxforms = 3;
		p->x[0] = (struct mif_ike_xform){ 1, false, 20, 256 };
		p->x[1] = (struct mif_ike_xform){ 2, false, 5, 0 };
		p->x[2] = (struct mif_ike_xform){ 4, false, 19, 0 };
	} else {
		p->nxforms = 4;
		p->x[0] = (struct mif_ike_xform){ 1, false, 12, 256 };
		p->x[1] = (struct mif_ike_xform){ 2, false, 5, 0 };
		p->x[2] = (struct mif_ike_xform){ 3, false, 12, 0 };
		p->x[3] = (struct mif_ike_xform){ 4, false, 19, 0 };
	}
}

/* g^ir, SKEYSEED and the seven keys; @ni/@nr are the initiator's and
 * the responder's nonces whichever side we are. */
static void
derive_ike_keys(struct mif_ike_dh *dh, const struct mif_ike_ke *ke,
		const uint8_t *ni, size_t ni_len, const uint8_t *nr,
		size_t nr_len)
{
	uint8_t gir[MIF_IKE_DH_MAX], seed[MIF_IKE_PRF_MAX];
	size_t girlen;

	TRY(mif_ike_dh_derive(dh, ke->data, ke->len, gir, sizeof(gir),
			      &girlen));
	TRY(mif_ike_skeyseed(st.algs.prf, ni, ni_len, nr, nr_len, gir,
			     girlen, seed));
	TRY(mif_ike_keys_derive(&st.keys, &st.algs, seed, ni, ni_len, nr,
				nr_len, st.spi_i, st.spi_r));
	OPENSSL_cleanse(gir, sizeof(gir));
	OPENSSL_cleanse(seed, sizeof(seed));
}

/* Our IKE_SA_INIT request: SA, KE (group 19), Ni, NAT detection. */
static void
build_init_req(const struct mif_ike_sa_props *offer, struct mif_ike_dh *dh)
{
	struct mif_ike_hdr h = { .ispi = st.spi_i,
				 .exchange = MIF_IKE_EXCH_SA_INIT,
				 .flags = MIF_IKE_FLAG_INITIATOR };
	uint8_t pub[MIF_IKE_DH_MAX];
	struct mif_ike_gen g;
	size_t publen;

	TRY(mif_ike_dh_pub(dh, pub, sizeof(pub), &publen));
	TRY(mif_ike_gen_init(&g, st.init_req, sizeof(st.init_req), &h));
	TRY(mif_ike_gen_begin(&g, MIF_IKE_PLD_SA, false));
	TRY(mif_ike_pld_sa_build(&g.wr, offer));
	TRY(mif_ike_gen_end(&g));
	TRY(mif_ike_gen_begin(&g, MIF_IKE_PLD_KE, false));
	TRY(mif_ike_pld_ke_build(&g.wr, &(struct mif_ike_ke){
		.group = MIF_IKE_DH_ECP_256, .data = pub, .len = publen }));
	TRY(mif_ike_gen_end(&g));
	TRY(mif_ike_gen_add(&g, MIF_IKE_PLD_NONCE, st.ni, sizeof(st.ni)));
	add_natd(&g, MIF_IKE_N_NAT_DETECTION_SOURCE_IP, &st.local);
	add_natd(&g, MIF_IKE_N_NAT_DETECTION_DESTINATION_IP, &st.remote);
	TRY(mif_ike_gen_finish(&g, &st.init_req_len));
}

static void
do_sa_init(void)
{
	static struct mif_ike_sa_props offer, reply;
	static struct mif_ike_msg m;
	const struct mif_ike_pld *p;
	struct mif_ike_dh *dh;
	struct mif_ike_ke ke;

	if (RAND_bytes((uint8_t *)&st.spi_i, 8) != 1 ||
	    RAND_bytes(st.ni, sizeof(st.ni)) != 1)
		FAIL("RAND_bytes");
	if ((dh = mif_ike_dh_create(MIF_IKE_DH_ECP_256)) == NULL)
		FAIL("DH keygen");
	ike_proposal(&offer);
	build_init_req(&offer, dh);

	st.init_resp_len = exchange(st.init_req, st.init_req_len,
				    st.init_resp, sizeof(st.init_resp));
	TRY(mif_ike_msg_parse(&m, st.init_resp, st.init_resp_len, NULL));
	if (m.hdr.ispi != st.spi_i || m.hdr.rspi == 0 ||
	    !(m.hdr.flags & MIF_IKE_FLAG_RESPONSE))
		FAIL("IKE_SA_INIT response: bad SPIs or flags 0x%x",
		     m.hdr.flags);
	if (mif_ike_msg_find(&m, MIF_IKE_PLD_SA) == NULL)
		FAIL("IKE_SA_INIT refused with a notify");
	st.spi_r = m.hdr.rspi;
	p = mif_ike_msg_find(&m, MIF_IKE_PLD_SA);
	TRY(mif_ike_pld_sa_parse(p->body, p->len, &reply));
	TRY(mif_ike_sa_check_reply(&offer, &reply));
	TRY(mif_ike_algs_from_prop(&reply.p[0], &st.algs));
	p = mif_ike_msg_find(&m, MIF_IKE_PLD_KE);
	TRY(p ? mif_ike_pld_ke_parse(p->body, p->len, &ke) : -ENOENT);
	p = mif_ike_msg_find(&m, MIF_IKE_PLD_NONCE);
	if (p == NULL)
		FAIL("no Nr");
	memcpy(st.nr, p->body, p->len);
	st.nr_len = p->len;
	derive_ike_keys(dh, &ke, st.ni, sizeof(st.ni), st.nr, st.nr_len);
	mif_ike_dh_destroy(dh);
	printf("IKE_SA_INIT: SPIr %016llx, encr %u/%u prf %u integ %u dh %u\n",
	       (unsigned long long)st.spi_r, st.algs.encr,
	       st.algs.encr_keylen, st.algs.prf, st.algs.integ, st.algs.dh);
}

/* The inner payloads of our IKE_AUTH request. */
static void
auth_payloads(struct mif_ike_gen *g, const uint8_t *idb, size_t idlen)
{
	struct mif_ike_sa_props *esp = &st.esp;
	struct mif_ike_auth_in in = {
		.prf = st.algs.prf, .msg = st.init_req,
		.msg_len = st.init_req_len, .peer_nonce = st.nr,
		.peer_nonce_len = st.nr_len, .sk_p = st.keys.sk_pi,
		.sk_p_len = st.keys.prf_len, .id = idb, .id_len = idlen,
	};
	struct mif_ike_ts_set tsi = { .n = 1 }, tsr = { .n = 1 };
	uint8_t auth[4 + MIF_IKE_PRF_MAX];
	size_t alen;

	TRY(mif_ike_gen_add(g, MIF_IKE_PLD_IDI, idb, idlen));
	memset(auth, 0, 4);
	auth[0] = MIF_IKE_AUTH_PSK;
	TRY(mif_ike_auth_psk(&in, (const uint8_t *)psk, strlen(psk), auth + 4,
			     sizeof(auth) - 4, &alen));
	TRY(mif_ike_gen_add(g, MIF_IKE_PLD_AUTH, auth, 4 + alen));

	esp->nprops = 1;
	esp->p[0] = (struct mif_ike_prop){ .num = 1, .proto = 3,
					   .spi_size = 4, .nxforms = 2 };
	if (RAND_bytes(esp->p[0].spi, 4) != 1)
		FAIL("RAND_bytes");
	esp->p[0].x[0] = (struct mif_ike_xform){ 1, false, 20, 256 };
	esp->p[0].x[1] = (struct mif_ike_xform){ 5, false, 0, 0 };
	TRY(mif_ike_gen_begin(g, MIF_IKE_PLD_SA, false));
	TRY(mif_ike_pld_sa_build(&g->wr, esp));
	TRY(mif_ike_gen_end(g));

	/* 10.1.0.0/24 behind us, 10.2.0.0/24 behind charon. */
	tsi.ts[0] = (struct mif_ike_ts){ .type = 7, .end_port = 65535,
		.start = { 10, 1, 0, 0 }, .end = { 10, 1, 0, 255 } };
	tsr.ts[0] = (struct mif_ike_ts){ .type = 7, .end_port = 65535,
		.start = { 10, 2, 0, 0 }, .end = { 10, 2, 0, 255 } };
	TRY(mif_ike_gen_begin(g, MIF_IKE_PLD_TSI, false));
	TRY(mif_ike_pld_ts_build(&g->wr, &tsi));
	TRY(mif_ike_gen_end(g));
	TRY(mif_ike_gen_begin(g, MIF_IKE_PLD_TSR, false));
	TRY(mif_ike_pld_ts_build(&g->wr, &tsr));
	TRY(mif_ike_gen_end(g));
}

/* Open a response's SK payload and walk what is inside. */
static void
open_response(struct mif_ike_msg *m, const uint8_t *buf, size_t len,
	      uint32_t msgid, uint8_t *plain, size_t cap)
{
	size_t plen;

	TRY(mif_ike_msg_parse(m, buf, len, NULL));
	if (m->hdr.msgid != msgid || m->hdr.ispi != st.spi_i ||
	    m->hdr.rspi != st.spi_r || m->sk < 0)
		FAIL("response %u: msgid %u, no SK or wrong SPIs", msgid,
		     m->hdr.msgid);
	TRY(mif_ike_sk_open(&st.keys, false, buf, len, m->pld[m->sk].off,
			    plain, cap, &plen));
	TRY(mif_ike_msg_parse_inner(m, plain, plen, NULL));
}

/* The Child SA in the IKE_AUTH response: one of our ESP transforms,
 * selectors inside ours, and its keys (RFC 7296 2.17). */
static void
check_child(const struct mif_ike_msg *m)
{
	static struct mif_ike_sa_props reply;
	struct mif_ike_ts_set tsi, tsr;
	const struct mif_ike_pld *p;
	uint8_t km[2 * 36];

	p = mif_ike_msg_find(m, MIF_IKE_PLD_SA);
	TRY(p ? mif_ike_pld_sa_parse(p->body, p->len, &reply) : -ENOENT);
	TRY(mif_ike_sa_check_reply(&st.esp, &reply));
	if (reply.p[0].spi_size != 4)
		FAIL("ESP SPI of %u bytes", reply.p[0].spi_size);
	p = mif_ike_msg_find(m, MIF_IKE_PLD_TSI);
	TRY(p ? mif_ike_pld_ts_parse(p->body, p->len, &tsi) : -ENOENT);
	p = mif_ike_msg_find(m, MIF_IKE_PLD_TSR);
	TRY(p ? mif_ike_pld_ts_parse(p->body, p->len, &tsr) : -ENOENT);
	if (tsi.ts[0].start[1] != 1 || tsr.ts[0].start[1] != 2)
		FAIL("selectors outside 10.1.0.0/24 === 10.2.0.0/24");
	/* AES-GCM-16-256: 32 bytes of key and 4 of salt per direction. */
	TRY(mif_ike_child_keymat(&st.keys, NULL, 0, st.ni, sizeof(st.ni),
				 st.nr, st.nr_len, km, sizeof(km)));
	printf("CHILD_SA: ESP SPIs %02x%02x%02x%02x_i %02x%02x%02x%02x_o, "
	       "%zu bytes of keymat\n", st.esp.p[0].spi[0],
	       st.esp.p[0].spi[1], st.esp.p[0].spi[2], st.esp.p[0].spi[3],
	       reply.p[0].spi[0], reply.p[0].spi[1], reply.p[0].spi[2],
	       reply.p[0].spi[3], sizeof(km));
	OPENSSL_cleanse(km, sizeof(km));
}

static void
do_auth(void)
{
	static uint8_t req[2048], resp[2048], plain[2048];
	static struct mif_ike_msg m;
	struct mif_ike_hdr h = { .ispi = st.spi_i, .rspi = st.spi_r,
				 .exchange = MIF_IKE_EXCH_AUTH,
				 .flags = MIF_IKE_FLAG_INITIATOR, .msgid = 1 };
	uint8_t idb[4 + sizeof(id_i)] = { MIF_IKE_ID_RFC822_ADDR };
	const struct mif_ike_pld *p;
	struct mif_ike_notify n;
	struct mif_ike_auth_in in;
	struct mif_ike_gen g;
	size_t len;

	memcpy(idb + 4, id_i, sizeof(id_i) - 1);
	TRY(mif_ike_gen_init(&g, req, sizeof(req), &h));
	TRY(mif_ike_gen_sk_begin(&g, st.keys.iv_len));
	auth_payloads(&g, idb, sizeof(idb) - 1);
	TRY(mif_ike_gen_finish(&g, &len));
	TRY(mif_ike_sk_seal(&st.keys, true, req, sizeof(req), g.sk_off,
			    &len));
	len = exchange(req, len, resp, sizeof(resp));
	open_response(&m, resp, len, 1, plain, sizeof(plain));

	for (p = mif_ike_msg_find(&m, MIF_IKE_PLD_NOTIFY); p != NULL;
	     p = mif_ike_msg_next(&m, p))
		if (mif_ike_pld_notify_parse(p->body, p->len, &n) == 0)
			printf("IKE_AUTH response: notify %u\n", n.type);
	if (expect_authfail) {
		if (mif_ike_msg_find_notify(&m,
				MIF_IKE_N_AUTHENTICATION_FAILED) == NULL ||
		    mif_ike_msg_find(&m, MIF_IKE_PLD_AUTH) != NULL)
			FAIL("wrong PSK not answered by AUTHENTICATION_FAILED");
		printf("IKE_AUTH: AUTHENTICATION_FAILED, as expected\n");
		exit(0);
	}
	p = mif_ike_msg_find(&m, MIF_IKE_PLD_IDR);
	if (p == NULL)
		FAIL("IKE_AUTH response without IDr");
	in = (struct mif_ike_auth_in){
		.prf = st.algs.prf, .msg = st.init_resp,
		.msg_len = st.init_resp_len, .peer_nonce = st.ni,
		.peer_nonce_len = sizeof(st.ni), .sk_p = st.keys.sk_pr,
		.sk_p_len = st.keys.prf_len, .id = p->body, .id_len = p->len,
	};
	if (p->len != 4 + sizeof(id_r) - 1 ||
	    memcmp(p->body + 4, id_r, sizeof(id_r) - 1) != 0)
		FAIL("IDr is not %s", id_r);
	p = mif_ike_msg_find(&m, MIF_IKE_PLD_AUTH);
	if (p == NULL || p->len < 5 || p->body[0] != MIF_IKE_AUTH_PSK)
		FAIL("IKE_AUTH response without PSK AUTH");
	TRY(mif_ike_auth_psk_verify(&in, (const uint8_t *)psk, strlen(psk),
				    p->body + 4, p->len - 4u));
	printf("IKE_AUTH: responder AUTH verified, %u payloads inside SK\n",
	       m.npld - 1);
	check_child(&m);
}

static void
do_delete(void)
{
	static uint8_t req[512], resp[512], plain[512];
	static struct mif_ike_msg m;
	struct mif_ike_hdr h = { .ispi = st.spi_i, .rspi = st.spi_r,
				 .exchange = MIF_IKE_EXCH_INFORMATIONAL,
				 .flags = MIF_IKE_FLAG_INITIATOR, .msgid = 2 };
	struct mif_ike_gen g;
	size_t len;

	TRY(mif_ike_gen_init(&g, req, sizeof(req), &h));
	TRY(mif_ike_gen_sk_begin(&g, st.keys.iv_len));
	TRY(mif_ike_gen_begin(&g, MIF_IKE_PLD_DELETE, false));
	TRY(mif_ike_pld_delete_build(&g.wr, MIF_IKE_PROTO_IKE, NULL, 0));
	TRY(mif_ike_gen_end(&g));
	TRY(mif_ike_gen_finish(&g, &len));
	TRY(mif_ike_sk_seal(&st.keys, true, req, sizeof(req), g.sk_off,
			    &len));
	len = exchange(req, len, resp, sizeof(resp));
	open_response(&m, resp, len, 2, plain, sizeof(plain));
	printf("INFORMATIONAL: delete acknowledged\n");
}

/* ---- Responder mode: charon initiates, we answer. ---- */

/* Wait for one request (10 s) on port 500 or 4500 and parse it; with
 * @plain, also open its SK payload into @plain and parse what is inside.
 * On 4500 (RFC 3948 / RFC 7296 2.23) IKE follows a 4-byte zero non-ESP
 * marker, which is checked and removed. */
static size_t
wait_request(uint8_t *buf, size_t cap, struct mif_ike_msg *m,
	     uint32_t msgid, uint8_t *plain, size_t pcap)
{
	struct pollfd pfd[2] = { { .fd = sock, .events = POLLIN },
				 { .fd = sock_natt, .events = POLLIN } };
	socklen_t alen = sizeof(reply_to);
	size_t plen;
	ssize_t n;

	if (poll(pfd, 2, 10000) < 1)
		FAIL("no request %u from charon", msgid);
	reply_sock = (pfd[1].revents & POLLIN) ? sock_natt : sock;
	n = recvfrom(reply_sock, buf, cap, 0, (struct sockaddr *)&reply_to,
		     &alen);
	if (n <= 0)
		FAIL("recv: %s", strerror(errno));
	if (reply_sock == sock_natt) {
		if (n < 4 || buf[0] | buf[1] | buf[2] | buf[3])
			FAIL("port 4500 datagram without non-ESP marker");
		n -= 4;
		memmove(buf, buf + 4, (size_t)n);
	}
	TRY(mif_ike_msg_parse(m, buf, (size_t)n, NULL));
	if (m->hdr.msgid != msgid || (m->hdr.flags & MIF_IKE_FLAG_RESPONSE))
		FAIL("expected request %u, got msgid %u flags 0x%x", msgid,
		     m->hdr.msgid, m->hdr.flags);
	if (plain != NULL) {
		if (m->sk < 0)
			FAIL("request %u without SK", msgid);
		TRY(mif_ike_sk_open(&st.keys, true, buf, (size_t)n,
				    m->pld[m->sk].off, plain, pcap, &plen));
		TRY(mif_ike_msg_parse_inner(m, plain, plen, NULL));
	}
	return (size_t)n;
}

/* Answer where the request came from, with the marker on 4500. */
static void
send_msg(const uint8_t *buf, size_t len)
{
	static uint8_t out[4 + 4096];
	size_t off = reply_sock == sock_natt ? 4 : 0;

	if (len > sizeof(out) - 4)
		FAIL("message of %zu bytes", len);
	memset(out, 0, 4);
	memcpy(out + off, buf, len);
	if (sendto(reply_sock, out, off + len, 0,
		   (struct sockaddr *)&reply_to, sizeof(reply_to)) !=
	    (ssize_t)(off + len))
		FAIL("sendto: %s", strerror(errno));
}

/* Our IKE_SA_INIT response: the chosen proposal, KE, Nr, NAT detection. */
static void
build_init_resp(const struct mif_ike_sa_props *chosen, struct mif_ike_dh *dh)
{
	struct mif_ike_hdr h = { .ispi = st.spi_i, .rspi = st.spi_r,
				 .exchange = MIF_IKE_EXCH_SA_INIT,
				 .flags = MIF_IKE_FLAG_RESPONSE };
	uint8_t pub[MIF_IKE_DH_MAX];
	struct mif_ike_gen g;
	size_t publen;

	TRY(mif_ike_dh_pub(dh, pub, sizeof(pub), &publen));
	TRY(mif_ike_gen_init(&g, st.init_resp, sizeof(st.init_resp), &h));
	TRY(mif_ike_gen_begin(&g, MIF_IKE_PLD_SA, false));
	TRY(mif_ike_pld_sa_build(&g.wr, chosen));
	TRY(mif_ike_gen_end(&g));
	TRY(mif_ike_gen_begin(&g, MIF_IKE_PLD_KE, false));
	TRY(mif_ike_pld_ke_build(&g.wr, &(struct mif_ike_ke){
		.group = st.algs.dh, .data = pub, .len = publen }));
	TRY(mif_ike_gen_end(&g));
	TRY(mif_ike_gen_add(&g, MIF_IKE_PLD_NONCE, st.ni, sizeof(st.ni)));
	add_natd(&g, MIF_IKE_N_NAT_DETECTION_SOURCE_IP, &st.local);
	add_natd(&g, MIF_IKE_N_NAT_DETECTION_DESTINATION_IP, &st.remote);
	TRY(mif_ike_gen_finish(&g, &st.init_resp_len));
}

/* Answer charon's IKE_SA_INIT: choose from its proposals, KE, Nr. In this
 * mode st.ni holds our nonce (Nr) and st.nr the peer's (Ni). */
static void
respond_sa_init(void)
{
	static struct mif_ike_sa_props offer, ours, chosen;
	static struct mif_ike_msg m;
	const struct mif_ike_pld *p;
	struct mif_ike_dh *dh;
	struct mif_ike_ke ke;

	st.init_req_len = wait_request(st.init_req, sizeof(st.init_req), &m,
				       0, NULL, 0);
	st.spi_i = m.hdr.ispi;
	p = mif_ike_msg_find(&m, MIF_IKE_PLD_SA);
	TRY(p ? mif_ike_pld_sa_parse(p->body, p->len, &offer) : -ENOENT);
	ike_proposal(&ours);
	chosen.nprops = 1;
	TRY(mif_ike_sa_select(&offer, &ours, &chosen.p[0]));
	TRY(mif_ike_algs_from_prop(&chosen.p[0], &st.algs));
	p = mif_ike_msg_find(&m, MIF_IKE_PLD_KE);
	TRY(p ? mif_ike_pld_ke_parse(p->body, p->len, &ke) : -ENOENT);
	if (ke.group != st.algs.dh)
		FAIL("KE group %u, chose %u", ke.group, st.algs.dh);
	p = mif_ike_msg_find(&m, MIF_IKE_PLD_NONCE);
	if (p == NULL || p->len > sizeof(st.nr))
		FAIL("no usable Ni");
	memcpy(st.nr, p->body, p->len);
	st.nr_len = p->len;

	if (RAND_bytes((uint8_t *)&st.spi_r, 8) != 1 ||
	    RAND_bytes(st.ni, sizeof(st.ni)) != 1)
		FAIL("RAND_bytes");
	if ((dh = mif_ike_dh_create(st.algs.dh)) == NULL)
		FAIL("DH keygen");
	derive_ike_keys(dh, &ke, st.nr, st.nr_len, st.ni, sizeof(st.ni));
	build_init_resp(&chosen, dh);
	mif_ike_dh_destroy(dh);
	send_msg(st.init_resp, st.init_resp_len);
	printf("IKE_SA_INIT from charon: chose proposal #%u (encr %u/%u)\n",
	       chosen.p[0].num, st.algs.encr, st.algs.encr_keylen);
}

/* Build the IKE_AUTH response: IDr, AUTH, the chosen ESP SA with our
 * SPI, and the initiator's selectors echoed back. */
static void
respond_auth_build(const struct mif_ike_msg *m, uint8_t *out, size_t cap,
		   size_t *len)
{
	static struct mif_ike_sa_props offer, ours, chosen;
	/* charon's remote identity is client@example.org whichever side
	 * starts, so the responder answers with it. */
	uint8_t idb[4 + sizeof(id_i)] = { MIF_IKE_ID_RFC822_ADDR };
	uint8_t auth[4 + MIF_IKE_PRF_MAX] = { MIF_IKE_AUTH_PSK };
	struct mif_ike_hdr h = { .ispi = st.spi_i, .rspi = st.spi_r,
				 .exchange = MIF_IKE_EXCH_AUTH,
				 .flags = MIF_IKE_FLAG_RESPONSE, .msgid = 1 };
	struct mif_ike_auth_in in = {
		.prf = st.algs.prf, .msg = st.init_resp,
		.msg_len = st.init_resp_len, .peer_nonce = st.nr,
		.peer_nonce_len = st.nr_len, .sk_p = st.keys.sk_pr,
		.sk_p_len = st.keys.prf_len, .id = idb,
		.id_len = sizeof(idb) - 1,
	};
	const struct mif_ike_pld *p, *tsi, *tsr;
	struct mif_ike_gen g;
	size_t alen;

	memcpy(idb + 4, id_i, sizeof(id_i) - 1);
	p = mif_ike_msg_find(m, MIF_IKE_PLD_SA);
	TRY(p ? mif_ike_pld_sa_parse(p->body, p->len, &offer) : -ENOENT);
	ours.nprops = 1;
	ours.p[0] = (struct mif_ike_prop){ .num = 1, .proto = 3,
					   .nxforms = 2 };
	ours.p[0].x[0] = (struct mif_ike_xform){ 1, false, 20, 256 };
	ours.p[0].x[1] = (struct mif_ike_xform){ 5, false, 0, 0 };
	chosen.nprops = 1;
	TRY(mif_ike_sa_select(&offer, &ours, &chosen.p[0]));
	if (RAND_bytes(chosen.p[0].spi, 4) != 1)
		FAIL("RAND_bytes");
	tsi = mif_ike_msg_find(m, MIF_IKE_PLD_TSI);
	tsr = mif_ike_msg_find(m, MIF_IKE_PLD_TSR);
	if (tsi == NULL || tsr == NULL)
		FAIL("IKE_AUTH request without selectors");

	TRY(mif_ike_gen_init(&g, out, cap, &h));
	TRY(mif_ike_gen_sk_begin(&g, st.keys.iv_len));
	TRY(mif_ike_gen_add(&g, MIF_IKE_PLD_IDR, idb, sizeof(idb) - 1));
	TRY(mif_ike_auth_psk(&in, (const uint8_t *)psk, strlen(psk),
			     auth + 4, sizeof(auth) - 4, &alen));
	TRY(mif_ike_gen_add(&g, MIF_IKE_PLD_AUTH, auth, 4 + alen));
	TRY(mif_ike_gen_begin(&g, MIF_IKE_PLD_SA, false));
	TRY(mif_ike_pld_sa_build(&g.wr, &chosen));
	TRY(mif_ike_gen_end(&g));
	TRY(mif_ike_gen_add(&g, MIF_IKE_PLD_TSI, tsi->body, tsi->len));
	TRY(mif_ike_gen_add(&g, MIF_IKE_PLD_TSR, tsr->body, tsr->len));
	TRY(mif_ike_gen_finish(&g, len));
	TRY(mif_ike_sk_seal(&st.keys, false, out, cap, g.sk_off, len));
}

static void
respond_auth(void)
{
	static uint8_t req[4096], plain[4096], resp[2048];
	static struct mif_ike_msg m;
	const struct mif_ike_pld *idi, *auth;
	struct mif_ike_auth_in in;
	size_t len;

	wait_request(req, sizeof(req), &m, 1, plain, sizeof(plain));
	idi = mif_ike_msg_find(&m, MIF_IKE_PLD_IDI);
	auth = mif_ike_msg_find(&m, MIF_IKE_PLD_AUTH);
	if (idi == NULL || auth == NULL || auth->len < 5 ||
	    auth->body[0] != MIF_IKE_AUTH_PSK)
		FAIL("IKE_AUTH request without IDi or PSK AUTH");
	/* The initiator signed its IKE_SA_INIT request, our nonce and
	 * prf(SK_pi, IDi). */
	in = (struct mif_ike_auth_in){
		.prf = st.algs.prf, .msg = st.init_req,
		.msg_len = st.init_req_len, .peer_nonce = st.ni,
		.peer_nonce_len = sizeof(st.ni), .sk_p = st.keys.sk_pi,
		.sk_p_len = st.keys.prf_len, .id = idi->body,
		.id_len = idi->len,
	};
	TRY(mif_ike_auth_psk_verify(&in, (const uint8_t *)psk, strlen(psk),
				    auth->body + 4, auth->len - 4u));
	printf("IKE_AUTH from charon: initiator AUTH verified, %u payloads\n",
	       m.npld);
	respond_auth_build(&m, resp, sizeof(resp), &len);
	send_msg(resp, len);
	printf("IKE_AUTH response sent (%zu bytes)\n", len);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in local = { .sin_family = AF_INET,
				     .sin_port = htons(500) };

	if (argc != 5 && argc != 6)
		FAIL("usage: ike_interop LOCAL REMOTE PSK gcm|cbc "
		     "[authfail|respond]");
	expect_authfail = argc == 6 && strcmp(argv[5], "authfail") == 0;
	rte_log_set_global_level(RTE_LOG_ERR);
	psk = argv[3];
	st.gcm = strcmp(argv[4], "gcm") == 0;
	if (mif_addr_parse(argv[1], &st.local) ||
	    mif_addr_parse(argv[2], &st.remote) ||
	    st.local.family != AF_INET || st.remote.family != AF_INET)
		FAIL("IPv4 addresses expected");
	local.sin_addr.s_addr = st.local.v4;
	peer = (struct sockaddr_in){ .sin_family = AF_INET,
				     .sin_port = htons(500),
				     .sin_addr.s_addr = st.remote.v4 };
	if ((sock = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    bind(sock, (struct sockaddr *)&local, sizeof(local)) != 0)
		FAIL("socket: %s", strerror(errno));
	local.sin_port = htons(4500);
	if ((sock_natt = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    bind(sock_natt, (struct sockaddr *)&local, sizeof(local)) != 0)
		FAIL("socket 4500: %s", strerror(errno));
	if (argc == 6 && strcmp(argv[5], "respond") == 0) {
		respond_sa_init();
		respond_auth();
	} else {
		do_sa_init();
		do_auth();
		do_delete();
	}
	mif_ike_keys_wipe(&st.keys);
	close(sock);
	close(sock_natt);
	return 0;
}
