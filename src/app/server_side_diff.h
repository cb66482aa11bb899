// Copyright 2026 The capstan Authors.
//
// The cluster side of a comparison (spec/argo-sync-semantics.md §7.4): LoadDiffContext gathers what
// CompareApp (app_status.h) needs from the cluster — capstan-cm's settings and, for the server-side
// diff, a dry-run apply: a server-side apply of the target with dryRun=All, force, field manager
// capstan, whose answer is the live object the apply would leave, server defaults and webhook
// mutations included. CompareApp then reverts the fields capstan would not own to their live values
// (unless the Application says IncludeMutationWebhook=true) and compares.
//
// Thread safety: the returned function calls the client, which must outlive it.

#ifndef CAPSTAN_APP_SERVER_SIDE_DIFF_H_
#define CAPSTAN_APP_SERVER_SIDE_DIFF_H_

#include <string>
#include <string_view>

#include "app/app_status.h"
#include "kube/client.h"

namespace capstan::app {

// A DiffContext with capstan-cm from |control_plane_namespace| (a read error is kept in
// settings_error, making the comparison Unknown) and a dry-run applier on |client| for
// |field_manager|.
DiffContext LoadDiffContext(kube::Client& client, std::string_view control_plane_namespace,
                            const std::string& field_manager = diff::kFieldManager);

}  // namespace capstan::app

#endif  // CAPSTAN_APP_SERVER_SIDE_DIFF_H_
