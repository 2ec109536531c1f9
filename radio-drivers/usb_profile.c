/* USB identities of TETRA terminals; see usb_profile.h. Facts from the
 * docs/protocol.md §10: Motorola PEI is not CDC-ACM but two vendor-class
 * interfaces (Linux binds usb-serial-simple "motorola_tetra" to them);
 * Airbus 1e8e:6001's class is unknown; other makes come as CDC-ACM.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "radio-drivers/usb_profile.h"

#include <stddef.h>
#include <string.h>

static const struct tb_usb_id motorola_ids[] = {
	{ 0x0cad, 0x9011, "generic PEI", 64 },
	{ 0x0cad, 0x9012, "MTP6550", 64 },
	{ 0x0cad, 0x9013, "MTP3xxx", 512 },
	{ 0x0cad, 0x9015, "MTP85xx", 64 },
	{ 0x0cad, 0x9016, "TPG2200", 64 },
	{ 0 }
};

static const struct tb_usb_id airbus_ids[] = {
	{ 0x1e8e, 0x6001, "Airbus terminal", 64 },
	{ 0 }
};

static const struct tb_usb_id no_ids[] = {
	{ 0 }
};

const struct tb_usb_profile tb_usb_profiles[] = {
	{
		.name = "motorola",
		.description = "Motorola PEI: two vendor-class bulk interfaces (0x81/0x01, 0x82/0x02)",
		.pei_profile = "motorola",
		.kind = TB_USB_VENDOR_BULK,
		.ids = motorola_ids,
		.n_interfaces = 2,
		.pei_interface = 0,
	},
	{
		.name = "airbus",
		.description = "Airbus (Cassidian) terminal: layout unverified, CDC-ACM when it has it",
		.pei_profile = "generic",
		.kind = TB_USB_AUTO,
		.ids = airbus_ids,
		.baud = 115200,
	},
	{
		.name = "cdc-acm",
		.description = "Any terminal with a CDC-ACM PEI (Sepura, Hytera, cables): VID:PID from the config",
		.pei_profile = "generic",
		.kind = TB_USB_CDC_ACM,
		.ids = no_ids,
		.baud = 115200,
	},
	{ .name = NULL }
};

const struct tb_usb_profile *tb_usb_profile_find(const char *name)
{
	if (!name)
		return NULL;
	for (const struct tb_usb_profile *p = tb_usb_profiles; p->name; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

const struct tb_usb_profile *tb_usb_profile_by_id(uint16_t vid, uint16_t pid,
						  const struct tb_usb_id **id)
{
	for (const struct tb_usb_profile *p = tb_usb_profiles; p->name; p++) {
		for (const struct tb_usb_id *i = p->ids; i->vid; i++) {
			if (i->vid == vid && i->pid == pid) {
				if (id)
					*id = i;
				return p;
			}
		}
	}
	if (id)
		*id = NULL;
	return NULL;
}

const struct tb_usb_profile *tb_usb_profile_cdc_acm(void)
{
	return tb_usb_profile_find("cdc-acm");
}

const char *tb_usb_kind_name(enum tb_usb_kind kind)
{
	switch (kind) {
	case TB_USB_VENDOR_BULK:
		return "vendor-bulk";
	case TB_USB_CDC_ACM:
		return "cdc-acm";
	case TB_USB_AUTO:
		return "auto";
	}
	return "?";
}
