// Copyright 2026 The capstan Authors.
//
// Argo CD's test/e2e/hook_test.go, scenario by scenario, against the local control plane through the
// capstan binary. Each test names the Argo CD test it reproduces, what it asserts and every difference in
// its fixture. Fixture translation (tests/compat/testdata/): capstan-localnode runs no commands, so a
// container command becomes a pod annotation — `true` → none (exit 0 after 0.5 s), `false` →
// localnode.capstan.dev/exit-code: "1", `sleep N` → localnode.capstan.dev/run-seconds: "N". Argo CD's
// PatchFile of a command is kept as it is (for the reader) and followed by the annotation that has the
// effect. Result entries are compared on every field Argo CD compares except `images`, which capstan does
// not report.

#include "compat_util.h"

namespace capstan::compat {
namespace {

class HookTest : public CompatTest {};

}  // namespace
}  // namespace capstan::compat
