// Copyright 2026 The capstan Authors.
//
// Secret redaction, as Argo CD's HideSecretData does before a diff is shown: in a Secret the values
// of data (and stringData, merged into data first) are replaced by runs of '+' on both sides of a
// comparison — per key, the first distinct value becomes "++++++++", the next one four '+' longer,
// and so on — so equal values look equal and a changed value still shows as a change, while no
// value (nor its length) is shown. The kubectl last-applied-configuration annotation of a Secret
// holds its data too and is masked the same way.
//
// Thread safety: pure functions.

#ifndef CAPSTAN_DIFF_REDACT_H_
#define CAPSTAN_DIFF_REDACT_H_

#include "base/json.h"

namespace capstan::diff {

// Redacts the Secrets |a| and |b| (two versions of one object; either may be null or not a Secret,
// then it is left alone) in place, with masks shared between the two.
void RedactSecrets(base::Json& a, base::Json& b);

// Redacts one object (RedactSecrets with nothing to share masks with): for printing a single
// object, e.g. a manifest.
void RedactSecret(base::Json& obj);

}  // namespace capstan::diff

#endif  // CAPSTAN_DIFF_REDACT_H_
