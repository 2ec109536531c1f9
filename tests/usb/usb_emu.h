/* Emulated USB TETRA terminals for tests, on umockdev (see
 * docs/testing.md §8): the real libusb runs its Linux code
 * against device records built from a USB profile (radio-drivers/
 * usb_profile.h) and an ioctl handler that plays usbfs, with a simulated
 * terminal (radio-drivers/sim_terminal.h) behind the bulk endpoints.
 *
 * Threads: umockdev calls the ioctl handler on its own thread; the
 * simulated terminal lives in the osmo_select loop like everything else.
 * Bytes cross between them through mutex-protected queues; an eventfd in
 * the loop wakes the terminal when the host wrote something, and a FIFO
 * that stands in for the device node makes libusb's poll() wake only when
 * an URB can be reaped.
 *
 * Order (each step matters): emu_bed_new() before tb_usb_init() / any
 * libusb_init(); emu_dev_new() + emu_plug() whenever; tb_usb_exit() before
 * emu_bed_destroy(). The test binary must run with libumockdev-preload (linked
 * in, see tests/usb/CMakeLists.txt).
 *
 * Across processes (the daemon as a child, usb_daemon.h): emu_bed_new_for_child()
 * first thing, before anything asks umockdev_in_mock_environment(); the
 * child runs with LD_PRELOAD=libumockdev-preload (TB_UMOCKDEV_PRELOAD) and
 * inherits UMOCKDEV_DIR and TMPDIR from this process's environment. URBs
 * are kept per opened handle (per ioctl client, watched with a weak
 * reference), so a handle that the child closed, or a child that died,
 * leaves nothing behind for the next one.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "radio-drivers/sim_terminal.h"
#include "radio-drivers/usb_profile.h"

struct emu_bed;
struct emu_dev;

/* A fresh test bed under a short TMPDIR (/tmp/tbu.XXXXXX, removed again by
 * emu_bed_destroy()). Aborts the test on failure.
 * Ownership: the caller's (GLib memory); emu_bed_destroy() frees it. */
struct emu_bed *emu_bed_new(void);
/* The same for devices that a child process drives: no automatic "add"
 * uevent (emu_plug() sends it after the node is ready). Call it before
 * anything in this process asks umockdev_in_mock_environment(), with
 * UMOCKDEV_DIR unset; it sets UMOCKDEV_DIR and TMPDIR for children. */
struct emu_bed *emu_bed_new_for_child(void);
/* The bed's folder (TMPDIR), e.g. for the child's files. */
const char *emu_bed_dir(const struct emu_bed *bed);
/* Destroys every device still around and removes the folder; frees the bed
 * and sets *bed to NULL. bed and *bed may be NULL. Call after
 * tb_usb_exit(). */
void emu_bed_destroy(struct emu_bed **bed);

struct emu_dev_spec {
	const struct tb_usb_profile *profile;	/* layout of the descriptors */
	uint16_t vid, pid;		/* 0: the profile's first product */
	uint16_t max_packet;		/* bulk wMaxPacketSize; 0: the product's (512 = high speed) */
	const char *serial;		/* iSerialNumber; NULL: none */
	unsigned port;			/* root hub port: the device is "1-<port>" */
	const char *kernel_driver;	/* bound to every interface at plug ("usb-serial-simple",
					 * "cdc_acm"); NULL: none */
	const char *tsi;		/* the simulated terminal's identity (AT+CNUMF?) */
	int pei_only_on;		/* 0: every bulk pair reaches the terminal; n: only
					 * interface n-1's (the others are mute), to test probing */
};

/* A terminal, not plugged in yet. Its simulated terminal (emu_sim()) lives
 * as long as the device, across unplug and re-plug; ctx is that terminal's
 * talloc parent. Ownership: the bed's; emu_dev_destroy() ends it before the
 * bed does. */
struct emu_dev *emu_dev_new(struct emu_bed *bed, void *ctx, const struct emu_dev_spec *spec);
/* Plug in: a new device number, node and ioctl handler each time; libusb
 * sees an "add" uevent. Output the terminal produces from now on waits for
 * the host's IN transfers. */
void emu_plug(struct emu_dev *d);
/* Pull out: URBs in flight fail with ENODEV, new ones are refused, a
 * "remove" uevent follows. Output not yet read is lost. */
void emu_unplug(struct emu_dev *d);
bool emu_plugged(const struct emu_dev *d);
/* Unplugs if needed and destroys its simulated terminal; sets *d to NULL.
 * d and *d may be NULL. Also done by emu_bed_destroy(), which frees the
 * rest of the device (umockdev's thread may reach it until then). */
void emu_dev_destroy(struct emu_dev **d);

struct tb_sim_terminal *emu_sim(struct emu_dev *d);

/* Bytes the terminal has printed towards the host while plugged in (read by
 * the host or not), since emu_dev_new(). Right after tb_sim_inject() it is
 * the offset just past the injected line. */
uint64_t emu_printed(struct emu_dev *d);
/* When the byte just before offset end (see emu_printed()) was put into an
 * IN URB and the URB completed (CLOCK_MONOTONIC). false if it has not been
 * yet (or the record was overwritten: the last 4096 URBs are kept). */
struct timespec;
bool emu_read_time(struct emu_dev *d, uint64_t end, struct timespec *ts);

/* By default an IN URB gets one packet (wMaxPacketSize bytes at most), so
 * that every line longer than a packet reaches the host split across URBs.
 * whole: as a host controller does, an URB takes what the terminal has
 * printed up to its size (whole packets, the last one short); fewer URBs
 * per line, for the benchmark. */
void emu_set_whole_urbs(struct emu_dev *d, bool whole);

/* Another program holds the interfaces (GETDRIVER says "usbfs", claiming
 * fails with EBUSY); takes effect at the next plug. */
void emu_set_held_by_other(struct emu_dev *d, bool held);
/* The kernel driver refuses to let go (DISCONNECT fails with EPERM); takes
 * effect at the next plug. */
void emu_set_detach_fails(struct emu_dev *d, bool fails);
/* Make the device node unreadable for this process (as a user outside
 * group tetra would find it). As root, file-system permission checks are
 * done as user nobody on the calling thread while denied. Returns whether
 * opening the node now fails as wanted (false: e.g. no CAP_SETUID). */
bool emu_deny_access(struct emu_dev *d, bool deny);

struct emu_stats {
	unsigned plugs;
	unsigned claims, releases;	/* CLAIMINTERFACE / RELEASEINTERFACE that succeeded */
	unsigned claims_refused;	/* EBUSY */
	unsigned detaches, reattaches;	/* kernel driver DISCONNECT / CONNECT */
	unsigned in_urbs, out_urbs;	/* completed with data */
	unsigned in_full_packets;	/* IN URBs that ended exactly at wMaxPacketSize */
	unsigned discarded;
	uint8_t in_ep, out_ep;		/* bulk endpoints the host used last */
	uint8_t claimed_mask;		/* interfaces claimed now, bit per number */
	uint64_t in_bytes, out_bytes;
	unsigned line_codings, line_states;	/* CDC class requests seen */
	uint8_t line_coding[7];
	uint16_t line_state;
	bool kernel_driver_bound;	/* on interface 0 now */
	unsigned claimed_now;		/* interfaces claimed now */
};
void emu_get_stats(struct emu_dev *d, struct emu_stats *st);
