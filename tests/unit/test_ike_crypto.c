/* SPDX-License-Identifier: BSD-3-Clause */
/* IKE crypto: published vectors (RFC 4868 PRF, RFC 5903 ECP, RFC 7748
 * X25519), prf+/SKEYSEED/keymat/AUTH against python3's hmac module run
 * as an independent implementation, MODP 2048 against python's pow(),
 * and the SK payload: round trips, a message encrypted by the test itself
 * with raw EVP calls, and every rejection path. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/x509.h>

#include "common/addr.h"
#include "control/ike_auth.h"
#include "control/ike_crypto.h"
#include "control/ike_msg.h"
#include "control/ike_pld.h"
#include "tests/unit/check.h"

static size_t
unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned int v;

	while (s[0] != '\0' && s[1] != '\0') {
		if (s[0] == ' ' || s[0] == '\n') {
			s++;
			continue;
		}
		if (n == cap || sscanf(s, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static void
tohex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* The reference: python3's hmac, hashlib and pow. */
static const char py_ref[] =
	"import hmac,hashlib,sys\n"
	"H={'256':hashlib.sha256,'384':hashlib.sha384,'512':hashlib.sha512}\n"
	"def prf(h,k,d): return hmac.new(k,d,H[h]).digest()\n"
	"def plus(h,k,s,n):\n"
	"  o=b'';t=b'';i=1\n"
	"  while len(o)<n:\n"
	"    t=prf(h,k,t+s+bytes([i])); o+=t; i+=1\n"
	"  return o[:n]\n"
	"a=sys.argv[1:]; b=[bytes.fromhex(x) for x in a[3:]]\n"
	"m=a[0]; h=a[1]; n=int(a[2])\n"
	"if m=='plus': r=plus(h,b[0],b[1],n)\n"
	"if m=='ikekeys':\n"
	"  ni,nr,g,spis=b[0],b[1],b[2],b[3]\n"
	"  sk=prf(h,ni+nr,g); r=sk+plus(h,sk,ni+nr+spis,n)\n"
	"if m=='child': r=plus(h,b[0],b[1]+b[2]+b[3],n)\n"
	"if m=='auth':\n"
	"  psk,msg,nonce,skp,idb=b\n"
	"  r=prf(h,prf(h,psk,b'Key Pad for IKEv2'),msg+nonce+prf(h,skp,idb))\n"
	"if m=='modp':\n"
	"  p,x,y=[int.from_bytes(v,'big') for v in b]\n"
	"  r=pow(2,x,p).to_bytes(256,'big')+pow(y,x,p).to_bytes(256,'big')\n"
	"if m=='sha1': r=hashlib.sha1(b[0]).digest()\n"
	"if m=='sigok':\n"
	"  from cryptography.hazmat.primitives import hashes, serialization\n"
	"  from cryptography.hazmat.primitives.asymmetric import ec, padding\n"
	"  k=serialization.load_der_public_key(b[0])\n"
	"  hh={'256':hashes.SHA256(),'384':hashes.SHA384(),"
	"'512':hashes.SHA512()}[h]\n"
	"  if isinstance(k, ec.EllipticCurvePublicKey):\n"
	"    k.verify(b[2],b[1],ec.ECDSA(hh))\n"
	"  else: k.verify(b[2],b[1],padding.PKCS1v15(),hh)\n"
	"  r=b'\\x01'\n"
	"if m=='mac': r=prf(h,b[0],b[1])\n"
	"print(r.hex())\n";

/* Run the reference with @args (space separated) and decode its output. */
static size_t
py(const char *args, uint8_t *out, size_t cap)
{
	static char cmd[16384], line[8192];
	FILE *f;
	size_t n;

	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 -c \"%s\" %s", py_ref,
		 args);
	f = popen(cmd, "r");
	CHECK(f != NULL);
	CHECK(fgets(line, sizeof(line), f) != NULL);
	CHECK_EQ(pclose(f), 0);
	n = unhex(line, out, cap);
	CHECK(n > 0);
	return n;
}

/* RFC 4868 2.7.1, test cases PRF-1 and PRF-2. */
static void
test_prf_vectors(void)
{
	static const struct {
		const char *key, *data;
		const char *out[3];
	} v[] = {
		{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
		  "4869205468657265",		/* "Hi There" */
		  { "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
		    "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
		    "faea9ea9076ede7f4af152e8b2fa9cb6",
		    "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
		    "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854" } },
		{ "4a656665",			/* "Jefe" */
		  "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
		  { "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
		    "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
		    "8e2240ca5e69e2c78b3239ecfab21649",
		    "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
		    "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" } },
	};
	static const uint16_t prfs[3] = {
		MIF_IKE_PRF_HMAC_SHA2_256, MIF_IKE_PRF_HMAC_SHA2_384,
		MIF_IKE_PRF_HMAC_SHA2_512,
	};
	uint8_t key[64], data[64], want[64], out[64];
	struct mif_ike_seg s[2];
	size_t kl, dl, i, j;

	for (i = 0; i < 2; i++) {
		kl = unhex(v[i].key, key, sizeof(key));
		dl = unhex(v[i].data, data, sizeof(data));
		for (j = 0; j < 3; j++) {
			CHECK_EQ(unhex(v[i].out[j], want, sizeof(want)),
				 mif_ike_prf_len(prfs[j]));
			s[0] = (struct mif_ike_seg){ data, dl };
			CHECK_EQ(mif_ike_prf(prfs[j], key, kl, s, 1, out), 0);
			CHECK_MEM(out, want, mif_ike_prf_len(prfs[j]));
			/* The same data split in two segments. */
			s[0] = (struct mif_ike_seg){ data, 3 };
			s[1] = (struct mif_ike_seg){ data + 3, dl - 3 };
			memset(out, 0, sizeof(out));
			CHECK_EQ(mif_ike_prf(prfs[j], key, kl, s, 2, out), 0);
			CHECK_MEM(out, want, mif_ike_prf_len(prfs[j]));
		}
	}
	CHECK_EQ(mif_ike_prf(MIF_IKE_PRF_HMAC_SHA1, key, 4, s, 1, out),
		 -ENOTSUP);
	CHECK_EQ(mif_ike_prf_len(0), 0);
}

static void
fill(uint8_t *p, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

static void
test_prf_plus(void)
{
	uint8_t key[48], seed[100], out[1024], want[1024];
	char hk[200], hs[300], args[1024];
	struct mif_ike_seg s[2] = { { seed, 60 }, { seed + 60, 40 } };

	fill(key, sizeof(key), 0x11);
	fill(seed, sizeof(seed), 0x5a);
	tohex(key, sizeof(key), hk);
	tohex(seed, sizeof(seed), hs);

	/* 7 blocks of SHA-256, the last one cut. */
	snprintf(args, sizeof(args), "plus 256 200 %s %s", hk, hs);
	CHECK_EQ(py(args, want, sizeof(want)), 200);
	CHECK_EQ(mif_ike_prf_plus(MIF_IKE_PRF_HMAC_SHA2_256, key, 48, s, 2,
				  out, 200), 0);
	CHECK_MEM(out, want, 200);

	snprintf(args, sizeof(args), "plus 512 1000 %s %s", hk, hs);
	CHECK_EQ(py(args, want, sizeof(want)), 1000);
	CHECK_EQ(mif_ike_prf_plus(MIF_IKE_PRF_HMAC_SHA2_512, key, 48, s, 2,
				  out, 1000), 0);
	CHECK_MEM(out, want, 1000);

	/* 255 blocks is the most the one-octet counter allows. */
	{
		static uint8_t big[256 * 32];

		CHECK_EQ(mif_ike_prf_plus(MIF_IKE_PRF_HMAC_SHA2_256, key, 48,
					  s, 2, big, 255 * 32), 0);
		CHECK_EQ(mif_ike_prf_plus(MIF_IKE_PRF_HMAC_SHA2_256, key, 48,
					  s, 2, big, 255 * 32 + 1), -EINVAL);
	}
}

static const struct mif_ike_algs algs_cbc = {
	.encr = MIF_IKE_ENCR_AES_CBC, .encr_keylen = 256,
	.prf = MIF_IKE_PRF_HMAC_SHA2_384,
	.integ = MIF_IKE_INTEG_HMAC_SHA2_256_128, .dh = MIF_IKE_DH_ECP_256,
};
static const struct mif_ike_algs algs_gcm = {
	.encr = MIF_IKE_ENCR_AES_GCM_16, .encr_keylen = 128,
	.prf = MIF_IKE_PRF_HMAC_SHA2_256, .dh = MIF_IKE_DH_CURVE25519,
};

/* Child SA keymat with and without a new DH secret (RFC 7296 2.17). */
static void
check_child_keymat(const struct mif_ike_sa_keys *k, const char *h,
		   const uint8_t *gir, size_t gl, const uint8_t *ni, size_t nl,
		   const uint8_t *nr, size_t rl)
{
	uint8_t km[200], wk[200];
	char hd[140], hg[140], hni[100], hnr[100], args[1024];

	tohex(k->sk_d, k->prf_len, hd);
	tohex(gir, gl, hg);
	tohex(ni, nl, hni);
	tohex(nr, rl, hnr);
	CHECK_EQ(mif_ike_child_keymat(k, gir, gl, ni, nl, nr, rl, km,
				      sizeof(km)), 0);
	snprintf(args, sizeof(args), "child %s %zu %s %s %s %s", h,
		 sizeof(km), hd, hg, hni, hnr);
	CHECK_EQ(py(args, wk, sizeof(wk)), sizeof(km));
	CHECK_MEM(km, wk, sizeof(km));
	CHECK_EQ(mif_ike_child_keymat(k, NULL, 0, ni, nl, nr, rl, km, 100), 0);
	/* Without g^ir the seed is Ni | Nr alone. */
	snprintf(args, sizeof(args), "plus %s 100 %s %s%s", h, hd, hni, hnr);
	CHECK_EQ(py(args, wk, sizeof(wk)), 100);
	CHECK_MEM(km, wk, 100);
}

/* SKEYSEED and the seven keys against the reference. */
static void
check_ike_keys(const struct mif_ike_algs *a, const char *h)
{
	uint8_t ni[32], nr[48], gir[64], spis[16], want[600], *w;
	char hni[80], hnr[100], hg[140], hs[40], args[1024];
	struct mif_ike_sa_keys k;
	uint8_t seed[64];
	size_t plen = mif_ike_prf_len(a->prf), total, n;

	fill(ni, sizeof(ni), 1);
	fill(nr, sizeof(nr), 2);
	fill(gir, sizeof(gir), 3);
	fill(spis, sizeof(spis), 4);
	tohex(ni, sizeof(ni), hni);
	tohex(nr, sizeof(nr), hnr);
	tohex(gir, sizeof(gir), hg);
	tohex(spis, sizeof(spis), hs);

	CHECK_EQ(mif_ike_skeyseed(a->prf, ni, sizeof(ni), nr, sizeof(nr), gir,
				  sizeof(gir), seed), 0);
	/* SPIs as fill() made them, big-endian. */
	{
		uint64_t si = 0, sr = 0;
		int i;

		for (i = 0; i < 8; i++) {
			si = si << 8 | spis[i];
			sr = sr << 8 | spis[8 + i];
		}
		CHECK_EQ(mif_ike_keys_derive(&k, a, seed, ni, sizeof(ni), nr,
					     sizeof(nr), si, sr), 0);
	}
	total = 3 * plen + 2u * k.integ_len + 2u * k.encr_len;
	snprintf(args, sizeof(args), "ikekeys %s %zu %s %s %s %s", h, total,
		 hni, hnr, hg, hs);
	n = py(args, want, sizeof(want));
	CHECK_EQ(n, plen + total);
	CHECK_MEM(seed, want, plen);
	w = want + plen;
	CHECK_MEM(k.sk_d, w, plen);
	w += plen;
	CHECK_MEM(k.sk_ai, w, k.integ_len);
	w += k.integ_len;
	CHECK_MEM(k.sk_ar, w, k.integ_len);
	w += k.integ_len;
	CHECK_MEM(k.sk_ei, w, k.encr_len);
	w += k.encr_len;
	CHECK_MEM(k.sk_er, w, k.encr_len);
	w += k.encr_len;
	CHECK_MEM(k.sk_pi, w, plen);
	w += plen;
	CHECK_MEM(k.sk_pr, w, plen);

	check_child_keymat(&k, h, gir, sizeof(gir), ni, sizeof(ni), nr,
			   sizeof(nr));
	mif_ike_keys_wipe(&k);
	CHECK_EQ(k.sk_d[0] | k.sk_ei[0] | k.sk_pr[plen - 1], 0);
}

static void
test_ike_keys(void)
{
	struct mif_ike_algs bad = algs_cbc;

	check_ike_keys(&algs_cbc, "384");
	check_ike_keys(&algs_gcm, "256");
	bad.encr_keylen = 100;
	CHECK_EQ(mif_ike_algs_check(&bad), -ENOTSUP);
	bad = algs_gcm;
	bad.integ = MIF_IKE_INTEG_HMAC_SHA2_256_128;
	CHECK_EQ(mif_ike_algs_check(&bad), -ENOTSUP);
	bad = algs_cbc;
	bad.integ = MIF_IKE_INTEG_NONE;
	CHECK_EQ(mif_ike_algs_check(&bad), -ENOTSUP);
}

/* One known-answer DH exchange in both directions. */
static void
dh_kat(uint16_t group, const char *i, const char *gi, const char *r,
       const char *gr, const char *gir)
{
	uint8_t bi[64], bgi[128], br[64], bgr[128], bgir[64], pub[128];
	uint8_t sec[128];
	size_t li, lgi, lr, lgr, lgir, n;
	struct mif_ike_dh *a, *b;

	li = unhex(i, bi, sizeof(bi));
	lgi = unhex(gi, bgi, sizeof(bgi));
	lr = unhex(r, br, sizeof(br));
	lgr = unhex(gr, bgr, sizeof(bgr));
	lgir = unhex(gir, bgir, sizeof(bgir));
	CHECK_EQ(lgi, mif_ike_dh_pub_len(group));

	CHECK((a = mif_ike_dh_create_priv(group, bi, li)) != NULL);
	CHECK((b = mif_ike_dh_create_priv(group, br, lr)) != NULL);
	CHECK_EQ(mif_ike_dh_pub(a, pub, sizeof(pub), &n), 0);
	CHECK_EQ(n, lgi);
	CHECK_MEM(pub, bgi, lgi);
	CHECK_EQ(mif_ike_dh_pub(b, pub, sizeof(pub), &n), 0);
	CHECK_MEM(pub, bgr, lgr);
	CHECK_EQ(mif_ike_dh_derive(a, bgr, lgr, sec, sizeof(sec), &n), 0);
	CHECK_EQ(n, lgir);
	CHECK_MEM(sec, bgir, lgir);
	CHECK_EQ(mif_ike_dh_derive(b, bgi, lgi, sec, sizeof(sec), &n), 0);
	CHECK_MEM(sec, bgir, lgir);

	/* Wrong length, and a point moved off the curve. */
	CHECK_EQ(mif_ike_dh_derive(a, bgr, lgr - 1, sec, sizeof(sec), &n),
		 -EBADMSG);
	if (group != MIF_IKE_DH_CURVE25519) {
		bgr[lgr - 1] ^= 1;
		CHECK_EQ(mif_ike_dh_derive(a, bgr, lgr, sec, sizeof(sec), &n),
			 -EBADMSG);
	} else {
		/* A low-order point gives an all-zero secret. */
		memset(bgr, 0, lgr);
		CHECK_EQ(mif_ike_dh_derive(a, bgr, lgr, sec, sizeof(sec), &n),
			 -EBADMSG);
	}
	mif_ike_dh_destroy(a);
	mif_ike_dh_destroy(b);
}

static void
test_dh_vectors(void)
{
	/* RFC 5903 8.1, 256-bit random ECP group. */
	dh_kat(MIF_IKE_DH_ECP_256,
	       "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433",
	       "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180"
	       "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3",
	       "C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53",
	       "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
	       "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB",
	       "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE");
	/* RFC 5903 8.2, 384-bit random ECP group. */
	dh_kat(MIF_IKE_DH_ECP_384,
	       "099F3C7034D4A2C699884D73A375A67F7624EF7C6B3C0F160647B67414DCE655"
	       "E35B538041E649EE3FAEF896783AB194",
	       "667842D7D180AC2CDE6F74F37551F55755C7645C20EF73E31634FE72B4C55EE6"
	       "DE3AC808ACB4BDB4C88732AEE95F41AA"
	       "9482ED1FC0EEB9CAFC4984625CCFC23F65032149E0E144ADA024181535A0F38E"
	       "EB9FCFF3C2C947DAE69B4C634573A81C",
	       "41CB0779B4BDB85D47846725FBEC3C9430FAB46CC8DC5060855CC9BDA0AA2942"
	       "E0308312916B8ED2960E4BD55A7448FC",
	       "E558DBEF53EECDE3D3FCCFC1AEA08A89A987475D12FD950D83CFA41732BC509D"
	       "0D1AC43A0336DEF96FDA41D0774A3571"
	       "DCFBEC7AACF3196472169E838430367F66EEBE3C6E70C416DD5F0C68759DD1FF"
	       "F83FA40142209DFF5EAAD96DB9E6386C",
	       "11187331C279962D93D604243FD592CB9D0A926F422E47187521287E7156C5C4"
	       "D603135569B9E9D09CF5D4A270F59746");
	/* RFC 7748 6.1, Alice and Bob. */
	dh_kat(MIF_IKE_DH_CURVE25519,
	       "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
	       "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
	       "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
	       "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
	       "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
}

/* MODP 2048 (RFC 3526 prime): generated keys agree; an imported key
 * matches python's pow(); out-of-range peer values are refused. */
static void
test_dh_modp(void)
{
	/* RFC 3526 section 3, the 2048-bit MODP prime. */
	static const char p_hex[] =
		"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1"
		"29024E088A67CC74020BBEA63B139B22514A08798E3404DD"
		"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245"
		"E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
		"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D"
		"C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
		"83655D23DCA3AD961C62F356208552BB9ED529077096966D"
		"670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
		"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9"
		"DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
		"15728E5A8AACAA68FFFFFFFFFFFFFFFF";
	uint8_t x[32], pa[256], pb[256], sa[256], sb[256], want[512];
	char hx[80], hy[600], args[2048];
	struct mif_ike_dh *a, *b;
	size_t n;

	CHECK((a = mif_ike_dh_create(MIF_IKE_DH_MODP_2048)) != NULL);
	CHECK((b = mif_ike_dh_create(MIF_IKE_DH_MODP_2048)) != NULL);
	CHECK_EQ(mif_ike_dh_group(a), MIF_IKE_DH_MODP_2048);
	CHECK_EQ(mif_ike_dh_pub(a, pa, sizeof(pa), &n), 0);
	CHECK_EQ(n, 256);
	CHECK_EQ(mif_ike_dh_pub(b, pb, sizeof(pb), &n), 0);
	CHECK_EQ(mif_ike_dh_derive(a, pb, 256, sa, sizeof(sa), &n), 0);
	CHECK_EQ(n, 256);
	CHECK_EQ(mif_ike_dh_derive(b, pa, 256, sb, sizeof(sb), &n), 0);
	CHECK_MEM(sa, sb, 256);
	mif_ike_dh_destroy(a);

	fill(x, sizeof(x), 0x42);
	CHECK((a = mif_ike_dh_create_priv(MIF_IKE_DH_MODP_2048, x,
					  sizeof(x))) != NULL);
	CHECK_EQ(mif_ike_dh_pub(a, pa, sizeof(pa), &n), 0);
	CHECK_EQ(mif_ike_dh_derive(a, pb, 256, sa, sizeof(sa), &n), 0);
	tohex(x, sizeof(x), hx);
	tohex(pb, sizeof(pb), hy);
	snprintf(args, sizeof(args), "modp - 0 %s %s %s", p_hex, hx, hy);
	CHECK_EQ(py(args, want, sizeof(want)), 512);
	CHECK_MEM(pa, want, 256);
	CHECK_MEM(sa, want + 256, 256);

	/* 1 and p - 1 are not acceptable public values. */
	memset(pb, 0, sizeof(pb));
	pb[255] = 1;
	CHECK_EQ(mif_ike_dh_derive(a, pb, 256, sa, sizeof(sa), &n), -EBADMSG);
	memset(pb, 0xff, sizeof(pb));
	pb[255] = 0xfe;
	CHECK_EQ(mif_ike_dh_derive(a, pb, 256, sa, sizeof(sa), &n), -EBADMSG);
	CHECK_EQ(mif_ike_dh_derive(a, pb, 255, sa, sizeof(sa), &n), -EBADMSG);
	mif_ike_dh_destroy(a);
	mif_ike_dh_destroy(b);
	CHECK(mif_ike_dh_create(MIF_IKE_DH_NONE) == NULL);
	mif_ike_dh_destroy(NULL);
}

static void
make_keys(struct mif_ike_sa_keys *k, const struct mif_ike_algs *a)
{
	uint8_t seed[64], ni[32], nr[32];

	fill(seed, sizeof(seed), 9);
	fill(ni, sizeof(ni), 10);
	fill(nr, sizeof(nr), 11);
	CHECK_EQ(mif_ike_keys_derive(k, a, seed, ni, sizeof(ni), nr,
				     sizeof(nr), 0x1122334455667788ULL,
				     0x99aabbccddeeff00ULL), 0);
}

/* Build an INFORMATIONAL request with a notify and a delete inside SK. */
static size_t
build_sk_msg(const struct mif_ike_sa_keys *k, uint8_t *buf, size_t cap,
	     size_t *sk_off)
{
	struct mif_ike_hdr h = {
		.ispi = 0x1122334455667788ULL, .rspi = 0x99aabbccddeeff00ULL,
		.exchange = MIF_IKE_EXCH_INFORMATIONAL,
		.flags = MIF_IKE_FLAG_INITIATOR, .msgid = 7,
	};
	static const uint8_t cookie[8] = "abcdefgh";
	struct mif_ike_notify n = {
		.type = MIF_IKE_N_COOKIE2, .data = cookie, .data_len = 8,
	};
	uint32_t spis[2] = { 0xc0ffee01, 0xc0ffee02 };
	struct mif_ike_gen g;
	size_t len;

	CHECK_EQ(mif_ike_gen_init(&g, buf, cap, &h), 0);
	/* An unencrypted payload before SK, covered by the ICV/AAD. */
	CHECK_EQ(mif_ike_gen_add(&g, MIF_IKE_PLD_VENDOR, "plain", 5), 0);
	CHECK_EQ(mif_ike_gen_sk_begin(&g, k->iv_len), 0);
	CHECK_EQ(mif_ike_gen_begin(&g, MIF_IKE_PLD_NOTIFY, false), 0);
	CHECK_EQ(mif_ike_pld_notify_build(&g.wr, &n), 0);
	CHECK_EQ(mif_ike_gen_end(&g), 0);
	CHECK_EQ(mif_ike_gen_begin(&g, MIF_IKE_PLD_DELETE, false), 0);
	CHECK_EQ(mif_ike_pld_delete_build(&g.wr, MIF_IKE_PROTO_ESP, spis, 2),
		 0);
	CHECK_EQ(mif_ike_gen_end(&g), 0);
	CHECK_EQ(mif_ike_gen_finish(&g, &len), 0);
	*sk_off = g.sk_off;
	CHECK_EQ(mif_ike_sk_seal(k, true, buf, cap, g.sk_off, &len), 0);
	return len;
}

static void
check_inner(struct mif_ike_msg *m, const uint8_t *plain, size_t plen)
{
	const struct mif_ike_pld *p;
	struct mif_ike_notify n;
	struct mif_ike_delete d;

	CHECK_EQ(mif_ike_msg_parse_inner(m, plain, plen, NULL), 0);
	CHECK((p = mif_ike_msg_find(m, MIF_IKE_PLD_NOTIFY)) != NULL);
	CHECK(p->inner);
	CHECK_EQ(mif_ike_pld_notify_parse(p->body, p->len, &n), 0);
	CHECK_EQ(n.type, MIF_IKE_N_COOKIE2);
	CHECK_EQ(n.data_len, 8);
	CHECK_MEM(n.data, "abcdefgh", 8);
	CHECK((p = mif_ike_msg_find(m, MIF_IKE_PLD_DELETE)) != NULL);
	CHECK_EQ(mif_ike_pld_delete_parse(p->body, p->len, &d), 0);
	CHECK_EQ(d.nspi, 2);
	CHECK_EQ(mif_ike_pld_delete_spi(&d, 1), 0xc0ffee02);
}

static void
sk_round_trip(const struct mif_ike_algs *a)
{
	uint8_t buf[512], plain[512];
	struct mif_ike_sa_keys k;
	struct mif_ike_msg m;
	size_t len, sk_off, plen;

	make_keys(&k, a);
	len = build_sk_msg(&k, buf, sizeof(buf), &sk_off);
	CHECK_EQ(mif_ike_msg_parse(&m, buf, len, NULL), 0);
	CHECK(m.sk >= 0);
	CHECK_EQ(m.pld[m.sk].off, sk_off);
	CHECK_EQ(sk_off, 28 + 4 + 5);
	CHECK_EQ(m.sk_inner_np, MIF_IKE_PLD_NOTIFY);
	/* Keys of the wrong direction do not verify. */
	CHECK_EQ(mif_ike_sk_open(&k, false, buf, len, sk_off, plain,
				 sizeof(plain), &plen), -MIF_IKE_EICV);
	CHECK_EQ(mif_ike_sk_open(&k, true, buf, len, sk_off, plain,
				 sizeof(plain), &plen), 0);
	check_inner(&m, plain, plen);

	/* Any flipped bit (header, plain payload, IV, data, ICV) fails the
	 * ICV. */
	buf[20] ^= 1;
	CHECK_EQ(mif_ike_sk_open(&k, true, buf, len, sk_off, plain,
				 sizeof(plain), &plen), -MIF_IKE_EICV);
	buf[20] ^= 1;
	buf[28 + 4] ^= 1;
	CHECK_EQ(mif_ike_sk_open(&k, true, buf, len, sk_off, plain,
				 sizeof(plain), &plen), -MIF_IKE_EICV);
	buf[28 + 4] ^= 1;
	buf[sk_off + 4] ^= 0x80;
	CHECK_EQ(mif_ike_sk_open(&k, true, buf, len, sk_off, plain,
				 sizeof(plain), &plen), -MIF_IKE_EICV);
	buf[sk_off + 4] ^= 0x80;
	buf[len - 1] ^= 1;
	CHECK_EQ(mif_ike_sk_open(&k, true, buf, len, sk_off, plain,
				 sizeof(plain), &plen), -MIF_IKE_EICV);
	buf[len - 1] ^= 1;
	CHECK_EQ(mif_ike_sk_open(&k, true, buf, len, sk_off, plain,
				 sizeof(plain), &plen), 0);
	/* Output buffer too small. */
	CHECK_EQ(mif_ike_sk_open(&k, true, buf, len, sk_off, plain, 4, &plen),
		 -ENOSPC);
	mif_ike_keys_wipe(&k);
}

/* A message sealed by the test with raw EVP calls: proves interop with
 * an independent construction, and lets us forge a valid ICV over a bad
 * pad length. The plaintext is one notify payload plus the padding. */
static size_t
forge_cbc(const struct mif_ike_sa_keys *k, uint8_t *buf, uint8_t padlen,
	  size_t ctlen)
{
	static const uint8_t hdr[28] = {
		0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, /* SPIi */
		0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, /* SPIr */
		46,		/* next payload: SK */
		0x20,		/* version 2.0 */
		37,		/* INFORMATIONAL */
		0x08,		/* initiator */
		0, 0, 0, 1,	/* message ID */
		0, 0, 0, 0,	/* length, patched below */
	};
	uint8_t pt[64] = {
		0, 0, 0, 8,	/* N: last, length 8 */
		0, 0, 0x40, 0x00, /* proto 0, SPI size 0, INITIAL_CONTACT */
	};
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	size_t len = 28 + 4 + 16 + ctlen + k->icv_len;
	unsigned int ml;
	uint8_t mac[64];
	int l;

	CHECK(ctlen <= sizeof(pt) && ctlen % 16 == 0);
	pt[ctlen - 1] = padlen;
	memcpy(buf, hdr, 28);
	buf[26] = (uint8_t)(len >> 8);
	buf[27] = (uint8_t)len;
	buf[28] = MIF_IKE_PLD_NOTIFY;	/* SK: first inner payload */
	buf[29] = 0;
	buf[30] = (uint8_t)((len - 28) >> 8);
	buf[31] = (uint8_t)(len - 28);
	memset(buf + 32, 0x5c, 16);	/* IV */
	CHECK(EVP_EncryptInit_ex(c, EVP_aes_128_cbc(), NULL, k->sk_ei,
				 buf + 32) == 1);
	EVP_CIPHER_CTX_set_padding(c, 0);
	CHECK(EVP_EncryptUpdate(c, buf + 48, &l, pt, (int)ctlen) == 1);
	CHECK_EQ(l, ctlen);
	EVP_CIPHER_CTX_free(c);
	CHECK(HMAC(EVP_sha256(), k->sk_ai, 32, buf, 48 + ctlen, mac, &ml));
	memcpy(buf + 48 + ctlen, mac, k->icv_len);
	return len;
}

static void
test_sk_cbc_forged(void)
{
	struct mif_ike_algs a = {
		.encr = MIF_IKE_ENCR_AES_CBC, .encr_keylen = 128,
		.prf = MIF_IKE_PRF_HMAC_SHA2_256,
		.integ = MIF_IKE_INTEG_HMAC_SHA2_256_128,
	};
	uint8_t buf[256], plain[256];
	struct mif_ike_sa_keys k;
	struct mif_ike_msg m;
	size_t len, plen;

	make_keys(&k, &a);
	/* Valid: 8 bytes of notify, 7 of padding, pad length 7. */
	len = forge_cbc(&k, buf, 7, 16);
	CHECK_EQ(mif_ike_msg_parse(&m, buf, len, NULL), 0);
	CHECK_EQ(mif_ike_sk_open(&k, true, buf, len, 28, plain,
				 sizeof(plain), &plen), 0);
	CHECK_EQ(plen, 8);
	CHECK_EQ(mif_ike_msg_parse_inner(&m, plain, plen, NULL), 0);
	CHECK(mif_ike_msg_find_notify(&m, MIF_IKE_N_INITIAL_CONTACT) != NULL);

	/* Pad length 16 in a 16-byte ciphertext: ICV fine, padding not. */
	len = forge_cbc(&k, buf, 16, 16);
	CHECK_EQ(mif_ike_sk_open(&k, true, buf, len, 28, plain,
				 sizeof(plain), &plen), -EBADMSG);
	len = forge_cbc(&k, buf, 255, 32);
	CHECK_EQ(mif_ike_sk_open(&k, true, buf, len, 28, plain,
				 sizeof(plain), &plen), -EBADMSG);
	/* Pad length 15 leaves nothing, which is fine for the crypto. */
	len = forge_cbc(&k, buf, 15, 16);
	CHECK_EQ(mif_ike_sk_open(&k, true, buf, len, 28, plain,
				 sizeof(plain), &plen), 0);
	CHECK_EQ(plen, 0);

	/* Short SK payloads: no room for IV + one block + ICV. */
	len = forge_cbc(&k, buf, 7, 16);
	buf[27] -= 16;
	buf[31] -= 16;
	CHECK_EQ(mif_ike_sk_open(&k, true, buf, len - 16, 28, plain,
				 sizeof(plain), &plen), -EBADMSG);
	/* Ciphertext not a whole number of blocks. */
	CHECK_EQ(mif_ike_sk_open(&k, true, buf, len - 1, 28, plain,
				 sizeof(plain), &plen), -EBADMSG);
	/* SK length field not matching the message. */
	len = forge_cbc(&k, buf, 7, 16);
	buf[31]++;
	CHECK_EQ(mif_ike_sk_open(&k, true, buf, len, 28, plain,
				 sizeof(plain), &plen), -EBADMSG);
	CHECK_EQ(mif_ike_sk_open(&k, true, buf, len, 2000, plain,
				 sizeof(plain), &plen), -EINVAL);
	mif_ike_keys_wipe(&k);
}

/* RFC 7383 fragments: fragment 2 of 3 carries raw inner bytes, the
 * fragment number is authenticated. */
static void
skf_round_trip(const struct mif_ike_algs *a)
{
	struct mif_ike_hdr h = {
		.ispi = 1, .rspi = 2, .exchange = MIF_IKE_EXCH_AUTH,
		.flags = MIF_IKE_FLAG_RESPONSE, .msgid = 1,
	};
	uint8_t buf[512], plain[512], chunk[100];
	struct mif_ike_sa_keys k;
	struct mif_ike_msg m;
	struct mif_ike_gen g;
	size_t len, plen, off;

	fill(chunk, sizeof(chunk), 0x61);
	make_keys(&k, a);
	CHECK_EQ(mif_ike_gen_init(&g, buf, sizeof(buf), &h), 0);
	CHECK_EQ(mif_ike_gen_skf_begin(&g, MIF_IKE_PLD_IDR, 2, 3, k.iv_len),
		 0);
	CHECK_EQ(mif_wr_put_bytes(&g.wr, chunk, sizeof(chunk)), 0);
	CHECK_EQ(mif_ike_gen_finish(&g, &len), 0);
	off = g.sk_off;
	CHECK_EQ(off, 28);
	CHECK_EQ(mif_ike_skf_seal(&k, false, buf, sizeof(buf), off, &len), 0);

	CHECK_EQ(mif_ike_msg_parse(&m, buf, len, NULL), 0);
	CHECK_EQ(m.pld[m.sk].type, MIF_IKE_PLD_SKF);
	CHECK_EQ(m.sk_inner_np, 0);		/* not the first fragment */
	CHECK_EQ(mif_ike_skf_open(&k, false, buf, len, off, plain,
				  sizeof(plain), &plen), 0);
	CHECK_EQ(plen, sizeof(chunk));
	CHECK_MEM(plain, chunk, sizeof(chunk));
	/* Opening it as a plain SK reads the fragment fields as IV. */
	CHECK(mif_ike_sk_open(&k, false, buf, len, off, plain, sizeof(plain),
			      &plen) != 0);
	buf[off + 5] = 3;			/* fragment 3 of 3 */
	CHECK_EQ(mif_ike_skf_open(&k, false, buf, len, off, plain,
				  sizeof(plain), &plen), -MIF_IKE_EICV);
	CHECK_EQ(mif_ike_gen_init(&g, buf, sizeof(buf), &h), 0);
	CHECK_EQ(mif_ike_gen_skf_begin(&g, 0, 4, 3, k.iv_len), -EINVAL);
	mif_ike_keys_wipe(&k);
}

static void
test_sk(void)
{
	static const uint16_t integs[3] = {
		MIF_IKE_INTEG_HMAC_SHA2_256_128,
		MIF_IKE_INTEG_HMAC_SHA2_384_192,
		MIF_IKE_INTEG_HMAC_SHA2_512_256,
	};
	struct mif_ike_algs a = algs_gcm;
	uint8_t buf[512], plain[512];
	struct mif_ike_sa_keys k;
	size_t len, sk_off, plen;
	unsigned int i;

	sk_round_trip(&a);
	skf_round_trip(&a);
	a.encr_keylen = 256;
	sk_round_trip(&a);
	/* GCM with too short a payload for IV + tag + pad length. */
	make_keys(&k, &a);
	len = build_sk_msg(&k, buf, sizeof(buf), &sk_off);
	buf[sk_off + 2] = 0;
	buf[sk_off + 3] = 4 + 8 + 16;
	CHECK_EQ(mif_ike_sk_open(&k, true, buf, sk_off + 28, sk_off, plain,
				 sizeof(plain), &plen), -EBADMSG);
	for (i = 0; i < 3; i++) {
		a = algs_cbc;
		a.integ = integs[i];
		sk_round_trip(&a);
		skf_round_trip(&a);
	}
	/* No room to seal, or no room for the IV before the plaintext. */
	make_keys(&k, &algs_cbc);
	len = 28 + 4 + 16 + 8;
	CHECK_EQ(mif_ike_sk_seal(&k, true, buf, len + 16, 28, &len), -ENOSPC);
	len = 28 + 4 + 8;
	CHECK_EQ(mif_ike_sk_seal(&k, true, buf, sizeof(buf), 28, &len),
		 -EINVAL);
	mif_ike_keys_wipe(&k);
	test_sk_cbc_forged();
}

static void
test_auth_psk(void)
{
	uint8_t msg[300], nonce[32], skp[32], idb[20], psk[11], out[64],
		want[64];
	char hm[700], hn[80], hs[80], hi[60], hp[40], args[2048];
	struct mif_ike_auth_in in = {
		.prf = MIF_IKE_PRF_HMAC_SHA2_256, .msg = msg,
		.msg_len = sizeof(msg), .peer_nonce = nonce,
		.peer_nonce_len = sizeof(nonce), .sk_p = skp,
		.sk_p_len = sizeof(skp), .id = idb, .id_len = sizeof(idb),
	};
	uint8_t oct[400];
	struct mif_wr w;
	size_t n;

	fill(msg, sizeof(msg), 20);
	fill(nonce, sizeof(nonce), 21);
	fill(skp, sizeof(skp), 22);
	fill(idb, sizeof(idb), 23);
	memcpy(psk, "secret-psk!", sizeof(psk));
	tohex(msg, sizeof(msg), hm);
	tohex(nonce, sizeof(nonce), hn);
	tohex(skp, sizeof(skp), hs);
	tohex(idb, sizeof(idb), hi);
	tohex(psk, sizeof(psk), hp);
	snprintf(args, sizeof(args), "auth 256 0 %s %s %s %s %s", hp, hm,
		 hn, hs, hi);
	CHECK_EQ(py(args, want, sizeof(want)), 32);
	CHECK_EQ(mif_ike_auth_psk(&in, psk, sizeof(psk), out, sizeof(out),
				  &n), 0);
	CHECK_EQ(n, 32);
	CHECK_MEM(out, want, 32);
	CHECK_EQ(mif_ike_auth_psk_verify(&in, psk, sizeof(psk), want, 32), 0);
	want[31] ^= 1;
	CHECK_EQ(mif_ike_auth_psk_verify(&in, psk, sizeof(psk), want, 32),
		 -EKEYREJECTED);
	CHECK_EQ(mif_ike_auth_psk_verify(&in, psk, sizeof(psk), out, 31),
		 -EKEYREJECTED);
	CHECK_EQ(mif_ike_auth_psk_verify(&in, psk, 10, out, 32),
		 -EKEYREJECTED);

	/* Signed octets: message | nonce | prf(SK_p, ID). */
	mif_wr_init(&w, oct, sizeof(oct));
	CHECK_EQ(mif_ike_auth_octets(&w, &in), 0);
	CHECK_EQ(w.len, 300 + 32 + 32);
	CHECK_MEM(oct, msg, 300);
	CHECK_MEM(oct + 300, nonce, 32);
	mif_wr_init(&w, oct, 300);
	CHECK_EQ(mif_ike_auth_octets(&w, &in), -ENOSPC);
}

/* NAT detection: SHA-1(SPIi | SPIr | IP | port), IPv4 and IPv6. */
static void
test_natd(void)
{
	static const char *addrs[2] = { "192.0.2.7", "2001:db8::42" };
	uint8_t out[MIF_IKE_NATD_LEN], want[32];
	char args[512];
	struct mif_addr a;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		CHECK_EQ(mif_addr_parse(addrs[i], &a), 0);
		CHECK_EQ(mif_ike_natd_hash(0x0102030405060708ULL, 0, &a, 4500,
					   out), 0);
		snprintf(args, sizeof(args), "sha1 - 0 %s%s%s",
			 "01020304050607080000000000000000",
			 i == 0 ? "c0000207" : "20010db8000000000000000000000042",
			 "1194");		/* port 4500 */
		CHECK_EQ(py(args, want, sizeof(want)), 20);
		CHECK_MEM(out, want, 20);
	}
	a.family = 0;
	CHECK_EQ(mif_ike_natd_hash(1, 2, &a, 500, out), -EAFNOSUPPORT);
}

static void
test_cookie(void)
{
	struct mif_ike_cookie_secret cur = { .version = 7 }, prev = {
		.version = 6 };
	uint8_t ni[32], c[MIF_IKE_COOKIE_LEN], want[64];
	char hk[80], hn[80], args[512];
	struct mif_addr a, b;

	fill(cur.key, 32, 0x70);
	fill(prev.key, 32, 0x60);
	fill(ni, sizeof(ni), 0x30);
	CHECK_EQ(mif_addr_parse("198.51.100.9", &a), 0);
	CHECK_EQ(mif_addr_parse("198.51.100.10", &b), 0);
	CHECK_EQ(mif_ike_cookie_make(&cur, ni, 32, &a, 0xabcdefULL, c), 0);
	CHECK_EQ(c[0], 7);
	tohex(cur.key, 32, hk);
	tohex(ni, 32, hn);
	snprintf(args, sizeof(args), "mac 256 0 %s %s%s%s", hk, hn,
		 "c6336409", "0000000000abcdef");
	CHECK_EQ(py(args, want, sizeof(want)), 32);
	CHECK_MEM(c + 1, want, 32);

	CHECK_EQ(mif_ike_cookie_check(&cur, &prev, ni, 32, &a, 0xabcdefULL,
				      c, sizeof(c)), 0);
	CHECK_EQ(mif_ike_cookie_check(&cur, &prev, ni, 32, &b, 0xabcdefULL,
				      c, sizeof(c)), -EKEYREJECTED);
	CHECK_EQ(mif_ike_cookie_check(&cur, &prev, ni, 32, &a, 0xabcdeeULL,
				      c, sizeof(c)), -EKEYREJECTED);
	CHECK_EQ(mif_ike_cookie_check(&cur, &prev, ni, 31, &a, 0xabcdefULL,
				      c, sizeof(c)), -EKEYREJECTED);
	CHECK_EQ(mif_ike_cookie_check(&cur, &prev, ni, 32, &a, 0xabcdefULL,
				      c, sizeof(c) - 1), -EKEYREJECTED);
	c[32] ^= 1;
	CHECK_EQ(mif_ike_cookie_check(&cur, &prev, ni, 32, &a, 0xabcdefULL,
				      c, sizeof(c)), -EKEYREJECTED);
	/* Made with the previous secret: still good until it rotates out. */
	CHECK_EQ(mif_ike_cookie_make(&prev, ni, 32, &a, 0xabcdefULL, c), 0);
	CHECK_EQ(mif_ike_cookie_check(&cur, &prev, ni, 32, &a, 0xabcdefULL,
				      c, sizeof(c)), 0);
	CHECK_EQ(mif_ike_cookie_check(&cur, NULL, ni, 32, &a, 0xabcdefULL,
				      c, sizeof(c)), -EKEYREJECTED);
	c[0] = 9;				/* unknown version */
	CHECK_EQ(mif_ike_cookie_check(&cur, &prev, ni, 32, &a, 0xabcdefULL,
				      c, sizeof(c)), -EKEYREJECTED);
}

/* RFC 7427 signature AUTH: sign with each key type and hash, check the
 * AlgorithmIdentifier against RFC 7427 Appendix A, verify ours and
 * python's (cryptography), then the rejections. */
static void
sig_case(EVP_PKEY *key, uint16_t hash, const char *h, const char *algid)
{
	static uint8_t octets[700], auth[MIF_IKE_SIG_MAX], der[1024];
	static char args[8192], hd[2100], ho[1500], hs[1100];
	uint8_t want[32], *p = der;
	size_t n, alen;
	int dlen;

	fill(octets, sizeof(octets), (uint8_t)hash);
	CHECK_EQ(mif_ike_auth_sig_sign(key, hash, octets, sizeof(octets),
				       auth, sizeof(auth), &n), 0);
	alen = unhex(algid, want, sizeof(want));
	CHECK_EQ(auth[0], alen);
	CHECK_MEM(auth + 1, want, alen);
	CHECK_EQ(mif_ike_auth_sig_verify(key, auth, n, octets,
					 sizeof(octets)), 0);

	/* An independent verifier accepts it. */
	dlen = i2d_PUBKEY(key, &p);
	CHECK(dlen > 0 && dlen < (int)sizeof(der));
	tohex(der, (size_t)dlen, hd);
	tohex(octets, sizeof(octets), ho);
	tohex(auth + 1 + alen, n - 1 - alen, hs);
	snprintf(args, sizeof(args), "sigok %s 0 %s %s %s", h, hd, ho, hs);
	CHECK_EQ(py(args, want, sizeof(want)), 1);
	CHECK_EQ(want[0], 1);

	/* Other octets, a flipped signature bit, a cut signature. */
	octets[5] ^= 1;
	CHECK_EQ(mif_ike_auth_sig_verify(key, auth, n, octets,
					 sizeof(octets)), -EKEYREJECTED);
	octets[5] ^= 1;
	auth[n - 1] ^= 1;
	CHECK_EQ(mif_ike_auth_sig_verify(key, auth, n, octets,
					 sizeof(octets)), -EKEYREJECTED);
	auth[n - 1] ^= 1;
	CHECK_EQ(mif_ike_auth_sig_verify(key, auth, n - 8, octets,
					 sizeof(octets)), -EKEYREJECTED);
	/* Length byte past the data, no signature, unknown algorithm. */
	CHECK_EQ(mif_ike_auth_sig_verify(key, auth, alen, octets,
					 sizeof(octets)), -EBADMSG);
	CHECK_EQ(mif_ike_auth_sig_verify(key, auth, 1 + alen, octets,
					 sizeof(octets)), -EBADMSG);
	auth[alen] ^= 0x01;			/* last byte of the OID/NULL */
	CHECK(mif_ike_auth_sig_verify(key, auth, n, octets,
				      sizeof(octets)) < 0);
	auth[alen] ^= 0x01;
	CHECK_EQ(mif_ike_auth_sig_sign(key, hash, octets, sizeof(octets),
				       auth, 40, &n), -ENOSPC);
}

static void
test_auth_sig(void)
{
	EVP_PKEY *ec256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY *ec384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	static uint8_t auth[MIF_IKE_SIG_MAX];
	uint8_t hashes[8];
	struct mif_wr w;
	size_t n;

	CHECK(ec256 != NULL && ec384 != NULL && rsa != NULL);
	/* RFC 7427 Appendix A: ecdsa-with-sha256/384,
	 * sha256/512WithRSAEncryption. */
	sig_case(ec256, MIF_IKE_HASH_SHA2_256, "256",
		 "300a06082a8648ce3d040302");
	sig_case(ec384, MIF_IKE_HASH_SHA2_384, "384",
		 "300a06082a8648ce3d040303");
	sig_case(rsa, MIF_IKE_HASH_SHA2_256, "256",
		 "300d06092a864886f70d01010b0500");
	sig_case(rsa, MIF_IKE_HASH_SHA2_512, "512",
		 "300d06092a864886f70d01010d0500");

	/* An ECDSA signature is refused for an RSA key, and SHA-1 is not
	 * offered. */
	CHECK_EQ(mif_ike_auth_sig_sign(ec256, MIF_IKE_HASH_SHA2_256,
				       hashes, 8, auth, sizeof(auth), &n), 0);
	CHECK_EQ(mif_ike_auth_sig_verify(rsa, auth, n, hashes, 8),
		 -EKEYREJECTED);
	CHECK_EQ(mif_ike_auth_sig_sign(ec256, MIF_IKE_HASH_SHA1, hashes, 8,
				       auth, sizeof(auth), &n), -ENOTSUP);

	mif_wr_init(&w, hashes, sizeof(hashes));
	CHECK_EQ(mif_ike_auth_sig_hashes_build(&w), 0);
	CHECK_EQ(w.len, 6);
	CHECK_MEM(hashes, "\x00\x02\x00\x03\x00\x04", 6);
	EVP_PKEY_free(ec256);
	EVP_PKEY_free(ec384);
	EVP_PKEY_free(rsa);
}

int
main(void)
{
	test_prf_vectors();
	test_prf_plus();
	test_ike_keys();
	test_dh_vectors();
	test_dh_modp();
	test_sk();
	test_auth_psk();
	test_natd();
	test_cookie();
	test_auth_sig();
	CHECK_DONE();
}
