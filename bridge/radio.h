/* A configured radio: its name, how to reach it, and its live link.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdint.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/timer.h>

#include "ipc/tetra_bridge.pb-c.h"
#include "radio-drivers/profile.h"
#include "radio-drivers/usb_profile.h"

struct tb_bridge;
struct tb_radio_link;
struct tetra_concat_table;
struct tetra_concat_message;
struct tb_outbox;
struct rate_ctr_group;

/* Short data timers (group "sds" in the VTY: `timer sds X10 60`). */
enum {
	TB_T_CONCAT_TIMEOUT = -10,	/* s: how long the parts of a concatenated text or SDS may take */
};

/* Timer table of the radios' short data handling; the VTY may change the values. */
extern struct osmo_tdef tb_sds_tdefs[];

/* The radios' osmo_signal (osmocom/core/signal.h): S_TB_RADIO_LINK after a
 * radio's link went online or offline and its `radio` event was published;
 * signal_data is the struct tb_radio (tb_radio_link_up_since() of its link
 * tells which). The service manager's STATUS= follows it (bridge/service.h). */
enum tb_signal_subsys {
	SS_TB_RADIO = 1,
};
enum tb_radio_signal {
	S_TB_RADIO_LINK,
};

/* Concatenated texts and SDS being reassembled at once, per radio. */
#define TB_RADIO_CONCAT_SLOTS 8

enum tb_radio_transport {
	TB_RADIO_SIM,		/* simulated terminal inside the daemon */
	TB_RADIO_TTY,		/* serial device or pty */
	TB_RADIO_USB,		/* a USB terminal through libusb */
};

struct tb_radio {
	struct llist_head entry;	/* in tb_bridge.radios */
	struct tb_bridge *bridge;
	char *name;

	/* configuration */
	enum tb_radio_transport transport;
	char *tty_path;
	unsigned baud;
	char *scenario;			/* sim: scenario file, may be NULL */
	char *sim_identity;		/* sim: own TSI, 17 digits */
	const struct tb_profile *profile;	/* the PEI init sequence */
	bool profile_set;		/* `profile` given; usb: else from the usb profile */
	bool callout_service;		/* `callout-service`: the init registers PID 195 (call-out) */
	/* usb: which terminal (zero / NULL: any) */
	uint16_t usb_vid, usb_pid;
	char *usb_serial;
	char *usb_bus_path;
	int usb_interface;		/* the PEI interface; -1: the profile's */
	const struct tb_usb_profile *usb_profile;	/* NULL: by VID:PID */
	/* any transport: only the terminal reporting this TSI is this radio's */
	char *match_identity;		/* 17 digits, NULL: any */

	/* runtime */
	struct tb_radio_link *link;
	struct tb_outbox *outbox;	/* what clients asked this radio to send */
	/* Events published with this radio's name, by kind: a libosmocore
	 * rate counter group "events" named after the radio (`show stats`,
	 * statsd); tb_radio_events() adds them up. */
	struct rate_ctr_group *event_ctrs;

	/* Concatenated texts and SDS: parts wait here until the message is
	 * whole (one Text event; a call-out's one CalloutPdu, another SDS its
	 * parts) or the timer gives up on it (one TextIncomplete event; an
	 * SDS's parts as SdsRaw). */
	struct tetra_concat_table *concat;
	struct tetra_concat_message *concat_msg;	/* scratch: the message being published */
	struct tetra_concat_sds *concat_sds;		/* scratch: the SDS being published */
	struct osmo_timer_list concat_timer;		/* at the oldest message's deadline */
};

/* Find or create a radio by name (config "radio NAME").
 * Ownership: a talloc child of the bridge, freed with it. */
struct tb_radio *tb_radio_find(struct tb_bridge *b, const char *name);
struct tb_radio *tb_radio_alloc(struct tb_bridge *b, const char *name);

/* Build its transport and link, not started yet. Returns 0 or -errno with
 * *errmsg. (The bridge sets up every radio before starting any: a USB radio
 * that names no serial number then already knows which terminals other
 * radios name, and leaves them alone.) */
int tb_radio_setup(struct tb_radio *r, char **errmsg);
/* Set it up if that was not done, and start the link. Returns 0 or -errno
 * with *errmsg. */
int tb_radio_start(struct tb_radio *r, char **errmsg);
/* Stop the link and free it; concatenated texts still waiting for parts are
 * given up (published as text_incomplete) so that nothing is lost on a
 * shutdown. Does not free the radio (it is freed with its bridge). */
void tb_radio_stop(struct tb_radio *r);

const char *tb_radio_transport_name(enum tb_radio_transport t);

/* Publish ev as this radio's event (seq, time and bridge are given here);
 * logged at INFO in subsystem subsys by kind and seq only. Returns the seq. */
uint64_t tb_radio_publish(struct tb_radio *r, Tetrabridge__V1__Event *ev, int subsys);

/* Count an event the bridge published (tb_bridge_publish: the radio's own
 * and the call-outs that go out through it) in its radio's counters; an
 * event of no configured radio (a lost range) is not counted here. */
void tb_radio_count_event(struct tb_bridge *b, const Tetrabridge__V1__Event *ev);
/* Events published for this radio, all kinds. */
uint64_t tb_radio_events(const struct tb_radio *r);

/* A USB device arrived (or was let go by a radio that passed it over):
 * every radio whose link is down and whose transport would take it reopens
 * now instead of waiting for its backoff. Radios that name their terminal by
 * USB properties go first, those matching by identity after them. */
struct tb_usb_device_info;
void tb_radios_usb_arrived(struct tb_bridge *b, const struct tb_usb_device_info *info);
