/* Call-out words for people, as tetractl prints and reads them: states,
 * outcomes, alert methods, change kinds.
 *
 * Printed in words ("en route", "handed to ambulance"); read also with
 * '-' or '_' for the blanks and in any case ("en-route", "EN_ROUTE"), and
 * outcomes by their short words ("ambulance", "doctor").
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "ipc/tetra_bridge.pb-c.h"

/* "queued", "sent", ... "stood down"; "state N" for a value the proto does
 * not know (a static buffer: use it before the next call). */
const char *ctl_rstate_name(Tetrabridge__V1__ResponderState s);
/* "open", "staffed", "on scene", "closed", "cancelled". */
const char *ctl_cstate_name(Tetrabridge__V1__CalloutState s);
/* "treated on site", ... "not needed"; "-" for none. */
const char *ctl_outcome_name(Tetrabridge__V1__CalloutOutcome o);
/* "default", "text", "callout". */
const char *ctl_method_name(Tetrabridge__V1__AlertMethod m);
/* "created", "responder", ... "realert". */
const char *ctl_change_kind_name(Tetrabridge__V1__CalloutChange__Kind k);

/* The states CalloutSetState takes ("accepted", "en-route" ...), -1 for
 * any other word. */
int ctl_settable_state_parse(const char *s);
/* The words ctl_settable_state_parse takes, for a usage line. */
#define CTL_SETTABLE_STATES "accepted, standby, declined, en-route, on-scene, handed-over, done, no-answer"

/* An outcome ("treated-on-site" or "treated", "handed-to-ambulance" or
 * "ambulance", "handed-to-doctor" or "doctor", "transported",
 * "not-needed"), -1 for any other word. */
int ctl_outcome_parse(const char *s);
#define CTL_OUTCOMES "treated, ambulance, doctor, transported, not-needed"
