/* Metrics the Osmocom way: every module counts in libosmocore rate counter
 * and stat item groups of its own (common/counters.h; the README lists
 * them); this starts what reads them: the one-second tick behind the rates
 * `show stats` prints, and the stats reporter, which sends them to statsd
 * as configured in the config file:
 *
 *   stats interval 10
 *   stats reporter statsd
 *    remote-ip 127.0.0.1
 *    remote-port 8125
 *    prefix tetra
 *    level global
 *    enable
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

/* Once, after vty_init() and before the config file is read: installs
 * `show stats` and the `stats` config commands. Allocations go under ctx. */
void tb_metrics_init(void *ctx);
