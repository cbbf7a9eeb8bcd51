/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MIF_IKE_WIRE_H
#define MIF_IKE_WIRE_H

/** @file
 * IKEv2 wire format (RFC 7296 section 3, RFC 5282, RFC 4555, RFC 7383):
 * packed structs of the fixed headers and the protocol constants.
 * Multi-byte fields are in network byte order. Parsers never cast a packet
 * pointer to these structs: they read through struct mif_rd; the structs
 * document the layout and give the sizes (checked by static asserts).
 */

#include <stdint.h>

/** IKE header (RFC 7296 3.1), 28 bytes. */
struct mif_ike_hdr_wire {
	uint8_t ispi[8];	/**< initiator's SPI */
	uint8_t rspi[8];	/**< responder's SPI, 0 in the first message */
	uint8_t next_payload;	/**< type of the first payload */
	uint8_t version;	/**< major << 4 | minor */
	uint8_t exchange;	/**< MIF_IKE_EXCH_* */
	uint8_t flags;		/**< MIF_IKE_FLAG_* */
	uint32_t msgid;		/**< message ID */
	uint32_t length;	/**< whole message, header included */
} __attribute__((packed));

/** Generic payload header (RFC 7296 3.2), 4 bytes. */
struct mif_ike_gen_wire {
	uint8_t next_payload;
	uint8_t flags;		/**< MIF_IKE_PLD_CRITICAL, rest reserved */
	uint16_t length;	/**< payload length, this header included */
} __attribute__((packed));

/** Proposal substructure (RFC 7296 3.3.1), followed by SPI, transforms. */
struct mif_ike_prop_wire {
	uint8_t last;		/**< 0 last, 2 more */
	uint8_t reserved;
	uint16_t length;	/**< proposal incl. SPI and transforms */
	uint8_t num;		/**< proposal number, from 1 */
	uint8_t proto;		/**< MIF_IKE_PROTO_* */
	uint8_t spi_size;
	uint8_t ntransforms;
} __attribute__((packed));

/** Transform substructure (RFC 7296 3.3.2), followed by attributes. */
struct mif_ike_xform_wire {
	uint8_t last;		/**< 0 last, 3 more */
	uint8_t reserved;
	uint16_t length;	/**< transform incl. attributes */
	uint8_t type;		/**< MIF_IKE_XFORM_* */
	uint8_t reserved2;
	uint16_t id;
} __attribute__((packed));

/** Transform attribute (RFC 7296 3.3.5): TV when type has the AF bit. */
struct mif_ike_attr_wire {
	uint16_t type;		/**< AF bit | attribute type */
	uint16_t len_or_value;
} __attribute__((packed));

/** Key Exchange payload body (RFC 7296 3.4), followed by the value. */
struct mif_ike_ke_wire {
	uint16_t group;
	uint16_t reserved;
} __attribute__((packed));

/** IDi/IDr payload body (RFC 7296 3.5), followed by the identity. */
struct mif_ike_id_wire {
	uint8_t type;		/**< MIF_IKE_ID_* */
	uint8_t reserved[3];
} __attribute__((packed));

/** CERT and CERTREQ bodies (RFC 7296 3.6, 3.7), followed by data. */
struct mif_ike_cert_wire {
	uint8_t encoding;	/**< MIF_IKE_CERT_* */
} __attribute__((packed));

/** AUTH payload body (RFC 7296 3.8), followed by the auth data. */
struct mif_ike_auth_wire {
	uint8_t method;		/**< MIF_IKE_AUTH_* */
	uint8_t reserved[3];
} __attribute__((packed));

/** Notify payload body (RFC 7296 3.10), followed by SPI and data. */
struct mif_ike_notify_wire {
	uint8_t proto;
	uint8_t spi_size;
	uint16_t type;		/**< MIF_IKE_N_* */
} __attribute__((packed));

/** Delete payload body (RFC 7296 3.11), followed by the SPIs. */
struct mif_ike_delete_wire {
	uint8_t proto;
	uint8_t spi_size;
	uint16_t nspi;
} __attribute__((packed));

/** Traffic selector payload body (RFC 7296 3.13). */
struct mif_ike_ts_pld_wire {
	uint8_t nts;
	uint8_t reserved[3];
} __attribute__((packed));

/** One traffic selector (RFC 7296 3.13.1), followed by two addresses. */
struct mif_ike_ts_wire {
	uint8_t type;		/**< MIF_IKE_TS_IPV4/6_ADDR_RANGE */
	uint8_t ipproto;	/**< 0 any */
	uint16_t length;	/**< 16 for IPv4, 40 for IPv6 */
	uint16_t start_port;
	uint16_t end_port;
} __attribute__((packed));

/** Encrypted Fragment payload body (RFC 7383 2.5), then IV, data, ICV. */
struct mif_ike_skf_wire {
	uint16_t frag_num;	/**< from 1 */
	uint16_t total;
} __attribute__((packed));

_Static_assert(sizeof(struct mif_ike_hdr_wire) == 28, "IKE header size");
_Static_assert(sizeof(struct mif_ike_gen_wire) == 4, "generic hdr size");
_Static_assert(sizeof(struct mif_ike_prop_wire) == 8, "proposal size");
_Static_assert(sizeof(struct mif_ike_xform_wire) == 8, "transform size");
_Static_assert(sizeof(struct mif_ike_ts_wire) == 8, "TS header size");

#define MIF_IKE_HDR_LEN		28
#define MIF_IKE_GEN_LEN		4
#define MIF_IKE_PROP_LEN	8
#define MIF_IKE_XFORM_LEN	8
#define MIF_IKE_ATTR_LEN	4
#define MIF_IKE_TS_HDR_LEN	8
#define MIF_IKE_TS4_LEN		16
#define MIF_IKE_TS6_LEN		40

#define MIF_IKE_VERSION		0x20	/**< major 2, minor 0 */
#define MIF_IKE_MAJOR(v)	((v) >> 4)

/** Header flags (RFC 7296 3.1). */
#define MIF_IKE_FLAG_INITIATOR	0x08
#define MIF_IKE_FLAG_VERSION	0x10
#define MIF_IKE_FLAG_RESPONSE	0x20

/** Generic header flags: the critical bit (RFC 7296 3.2). */
#define MIF_IKE_PLD_CRITICAL	0x80

/** Exchange types (RFC 7296 3.1). */
enum {
	MIF_IKE_EXCH_SA_INIT = 34,
	MIF_IKE_EXCH_AUTH = 35,
	MIF_IKE_EXCH_CREATE_CHILD_SA = 36,
	MIF_IKE_EXCH_INFORMATIONAL = 37,
};

/** Payload types (RFC 7296 3.2, RFC 7383 2.5). */
enum {
	MIF_IKE_PLD_NONE = 0,
	MIF_IKE_PLD_SA = 33,
	MIF_IKE_PLD_KE = 34,
	MIF_IKE_PLD_IDI = 35,
	MIF_IKE_PLD_IDR = 36,
	MIF_IKE_PLD_CERT = 37,
	MIF_IKE_PLD_CERTREQ = 38,
	MIF_IKE_PLD_AUTH = 39,
	MIF_IKE_PLD_NONCE = 40,
	MIF_IKE_PLD_NOTIFY = 41,
	MIF_IKE_PLD_DELETE = 42,
	MIF_IKE_PLD_VENDOR = 43,
	MIF_IKE_PLD_TSI = 44,
	MIF_IKE_PLD_TSR = 45,
	MIF_IKE_PLD_SK = 46,
	MIF_IKE_PLD_CP = 47,
	MIF_IKE_PLD_EAP = 48,
	MIF_IKE_PLD_SKF = 53,
};

/** Security protocol IDs (RFC 7296 3.3.1). */
enum {
	MIF_IKE_PROTO_IKE = 1,
	MIF_IKE_PROTO_AH = 2,
	MIF_IKE_PROTO_ESP = 3,
};

/** Proposal and transform "last" markers. */
#define MIF_IKE_PROP_MORE	2
#define MIF_IKE_XFORM_MORE	3

/** Transform types (RFC 7296 3.3.2). */
enum {
	MIF_IKE_XFORM_ENCR = 1,
	MIF_IKE_XFORM_PRF = 2,
	MIF_IKE_XFORM_INTEG = 3,
	MIF_IKE_XFORM_DH = 4,
	MIF_IKE_XFORM_ESN = 5,
};

/** Encryption transform IDs. */
enum {
	MIF_IKE_ENCR_AES_CBC = 12,
	MIF_IKE_ENCR_NULL = 11,
	MIF_IKE_ENCR_AES_GCM_8 = 18,	/**< RFC 5282 */
	MIF_IKE_ENCR_AES_GCM_12 = 19,
	MIF_IKE_ENCR_AES_GCM_16 = 20,
};

/** PRF transform IDs (RFC 4868). */
enum {
	MIF_IKE_PRF_HMAC_SHA1 = 2,
	MIF_IKE_PRF_HMAC_SHA2_256 = 5,
	MIF_IKE_PRF_HMAC_SHA2_384 = 6,
	MIF_IKE_PRF_HMAC_SHA2_512 = 7,
};

/** Integrity transform IDs (RFC 4868). */
enum {
	MIF_IKE_INTEG_NONE = 0,
	MIF_IKE_INTEG_HMAC_SHA1_96 = 2,
	MIF_IKE_INTEG_HMAC_SHA2_256_128 = 12,
	MIF_IKE_INTEG_HMAC_SHA2_384_192 = 13,
	MIF_IKE_INTEG_HMAC_SHA2_512_256 = 14,
};

/** Diffie-Hellman group IDs (RFC 7296, RFC 5903, RFC 8031). */
enum {
	MIF_IKE_DH_NONE = 0,
	MIF_IKE_DH_MODP_2048 = 14,
	MIF_IKE_DH_ECP_256 = 19,
	MIF_IKE_DH_ECP_384 = 20,
	MIF_IKE_DH_CURVE25519 = 31,
};

/** ESN transform IDs. */
enum {
	MIF_IKE_ESN_NO = 0,
	MIF_IKE_ESN_YES = 1,
};

/** Transform attribute types (RFC 7296 3.3.5). */
#define MIF_IKE_ATTR_AF		0x8000
#define MIF_IKE_ATTR_KEY_LENGTH	14

/** Identification types (RFC 7296 3.5). */
enum {
	MIF_IKE_ID_IPV4_ADDR = 1,
	MIF_IKE_ID_FQDN = 2,
	MIF_IKE_ID_RFC822_ADDR = 3,
	MIF_IKE_ID_IPV6_ADDR = 5,
	MIF_IKE_ID_DER_ASN1_DN = 9,
	MIF_IKE_ID_DER_ASN1_GN = 10,
	MIF_IKE_ID_KEY_ID = 11,
};

/** Certificate encodings (RFC 7296 3.6). */
enum {
	MIF_IKE_CERT_X509_SIG = 4,
	MIF_IKE_CERT_CRL = 7,
	MIF_IKE_CERT_HASH_URL_X509 = 12,
};

/** Authentication methods (RFC 7296 3.8, RFC 7427). */
enum {
	MIF_IKE_AUTH_RSA_SIG = 1,
	MIF_IKE_AUTH_PSK = 2,
	MIF_IKE_AUTH_DSS_SIG = 3,
	MIF_IKE_AUTH_DIGITAL_SIG = 14,
};

/** Traffic selector types (RFC 7296 3.13.1). */
enum {
	MIF_IKE_TS_IPV4_ADDR_RANGE = 7,
	MIF_IKE_TS_IPV6_ADDR_RANGE = 8,
};

/** Nonce length bounds (RFC 7296 3.9). */
#define MIF_IKE_NONCE_MIN	16
#define MIF_IKE_NONCE_MAX	256

/** Notify message types, errors (RFC 7296 3.10.1, RFC 4555). */
enum {
	MIF_IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD = 1,
	MIF_IKE_N_INVALID_IKE_SPI = 4,
	MIF_IKE_N_INVALID_MAJOR_VERSION = 5,
	MIF_IKE_N_INVALID_SYNTAX = 7,
	MIF_IKE_N_INVALID_MESSAGE_ID = 9,
	MIF_IKE_N_INVALID_SPI = 11,
	MIF_IKE_N_NO_PROPOSAL_CHOSEN = 14,
	MIF_IKE_N_INVALID_KE_PAYLOAD = 17,
	MIF_IKE_N_AUTHENTICATION_FAILED = 24,
	MIF_IKE_N_SINGLE_PAIR_REQUIRED = 34,
	MIF_IKE_N_NO_ADDITIONAL_SAS = 35,
	MIF_IKE_N_INTERNAL_ADDRESS_FAILURE = 36,
	MIF_IKE_N_FAILED_CP_REQUIRED = 37,
	MIF_IKE_N_TS_UNACCEPTABLE = 38,
	MIF_IKE_N_INVALID_SELECTORS = 39,
	MIF_IKE_N_UNACCEPTABLE_ADDRESSES = 40,	/**< RFC 4555 */
	MIF_IKE_N_UNEXPECTED_NAT_DETECTED = 41,	/**< RFC 4555 */
	MIF_IKE_N_TEMPORARY_FAILURE = 43,
	MIF_IKE_N_CHILD_SA_NOT_FOUND = 44,
};

/** Types below this value are errors, at and above it status. */
#define MIF_IKE_N_ERROR_MAX	16383

/** Notify message types, status (RFC 7296, 4555, 5685, 7383, 7427). */
enum {
	MIF_IKE_N_INITIAL_CONTACT = 16384,
	MIF_IKE_N_SET_WINDOW_SIZE = 16385,
	MIF_IKE_N_ADDITIONAL_TS_POSSIBLE = 16386,
	MIF_IKE_N_IPCOMP_SUPPORTED = 16387,
	MIF_IKE_N_NAT_DETECTION_SOURCE_IP = 16388,
	MIF_IKE_N_NAT_DETECTION_DESTINATION_IP = 16389,
	MIF_IKE_N_COOKIE = 16390,
	MIF_IKE_N_USE_TRANSPORT_MODE = 16391,
	MIF_IKE_N_HTTP_CERT_LOOKUP_SUPPORTED = 16392,
	MIF_IKE_N_REKEY_SA = 16393,
	MIF_IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED = 16394,
	MIF_IKE_N_NON_FIRST_FRAGMENTS_ALSO = 16395,
	MIF_IKE_N_MOBIKE_SUPPORTED = 16396,
	MIF_IKE_N_ADDITIONAL_IP4_ADDRESS = 16397,
	MIF_IKE_N_ADDITIONAL_IP6_ADDRESS = 16398,
	MIF_IKE_N_NO_ADDITIONAL_ADDRESSES = 16399,
	MIF_IKE_N_UPDATE_SA_ADDRESSES = 16400,
	MIF_IKE_N_COOKIE2 = 16401,
	MIF_IKE_N_NO_NATS_ALLOWED = 16402,
	MIF_IKE_N_REDIRECT_SUPPORTED = 16406,	/**< RFC 5685 */
	MIF_IKE_N_FRAGMENTATION_SUPPORTED = 16430,
	MIF_IKE_N_SIGNATURE_HASH_ALGORITHMS = 16431,
};

#endif
