/* USB identities of TETRA terminals, kept as data (docs/protocol.md §10):
 * which VID:PID belong to which make, how the PEI is reached on them (a
 * vendor-specific bulk interface, or CDC-ACM), and which PEI init sequence
 * (radio-drivers/profile.c, by name) they need. The libusb transport
 * (transport_usb.c) and the USB test fixture (tests/usb) read this table;
 * nothing here does I/O.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* How the PEI is carried. */
enum tb_usb_kind {
	/* Vendor class 0xFF interfaces, each with one bulk IN/OUT pair
	 * (Motorola: interface 0 with 0x81/0x01, interface 1 with 0x82/0x02);
	 * no control requests. */
	TB_USB_VENDOR_BULK,
	/* CDC-ACM: a communication interface (class 2, subclass 2) and a data
	 * interface (class 10) with the bulk pair; line coding and DTR/RTS are
	 * set with class requests on the communication interface. */
	TB_USB_CDC_ACM,
	/* Unknown layout: CDC-ACM when the descriptors have it, else the first
	 * interface with a bulk IN/OUT pair. */
	TB_USB_AUTO,
};

/* One product. */
struct tb_usb_id {
	uint16_t vid, pid;
	const char *model;		/* "MTP3xxx" ... */
	uint16_t max_packet;		/* bulk wMaxPacketSize as shipped (512 high speed,
					 * 64 full speed); the transport reads the real
					 * value from the descriptors, the test fixture
					 * builds its emulated devices from this */
};

struct tb_usb_profile {
	const char *name;		/* "motorola", "airbus", "cdc-acm" (config / show usb) */
	const char *description;
	const char *pei_profile;	/* tb_profile_find() name: the PEI init sequence */
	enum tb_usb_kind kind;
	/* Products; terminated by { 0 }. Empty for the generic CDC-ACM profile,
	 * which the config pairs with any VID:PID. */
	const struct tb_usb_id *ids;
	/* TB_USB_VENDOR_BULK: interfaces the terminal has, and the one that
	 * carries the PEI unless the match spec names another. Which Motorola
	 * interface it is is unverified (docs/protocol.md §10): interface 0 first; when
	 * no interface is configured and "AT" gets no answer there, the link
	 * probes the next one (tb_transport_probe_next). */
	uint8_t n_interfaces;
	uint8_t pei_interface;
	/* TB_USB_CDC_ACM: line coding sent at open (8N1). */
	uint32_t baud;
};

/* The built-in profiles, terminated by { NULL }. */
extern const struct tb_usb_profile tb_usb_profiles[];

/* A profile by name; NULL if there is none. */
const struct tb_usb_profile *tb_usb_profile_find(const char *name);

/* The profile that lists vid:pid, NULL if none does; *id (may be NULL)
 * is set to the product entry. */
const struct tb_usb_profile *tb_usb_profile_by_id(uint16_t vid, uint16_t pid,
						  const struct tb_usb_id **id);

/* The generic CDC-ACM profile (for devices no profile lists). */
const struct tb_usb_profile *tb_usb_profile_cdc_acm(void);

const char *tb_usb_kind_name(enum tb_usb_kind kind);
