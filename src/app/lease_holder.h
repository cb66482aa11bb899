// Copyright 2026 The capstan Authors.
//
// Who holds an operation Lease: "capstan/<host>/<pid>" for a runner process. A Lease held by a
// process of this host that no longer exists can be taken over at once instead of after it expires
// (15 s): a CLI that crashed or was killed mid-sync is then resumed by the next command without a
// wait. A holder on another host, or a live process, is waited for as before.
//
// Thread safety: functions are thread-safe.

#ifndef CAPSTAN_APP_LEASE_HOLDER_H_
#define CAPSTAN_APP_LEASE_HOLDER_H_

#include <string>
#include <string_view>

namespace capstan::app {

// "capstan/<hostname>/<pid>" of this process.
std::string LocalHolderIdentity();

// True when |holder| names a process of this host ("capstan/<this hostname>/<pid>") that does not
// exist any more. False for anything else, including identities of another form.
bool HolderIsDeadLocalProcess(std::string_view holder);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_LEASE_HOLDER_H_
