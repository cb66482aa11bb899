// Copyright 2026 The capstan Authors.

#include "sync/task.h"

namespace capstan::sync {

std::string Task::ResultKey() const { return key.ToString() + ":" + std::string(core::ToString(phase)); }

}  // namespace capstan::sync
