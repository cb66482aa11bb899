// Copyright 2026 The capstan Authors.
//
// Field ownership read from a live object's metadata.managedFields (server-side apply's fieldsV1
// trees: "f:<field>" map keys, "k:<json>" list items by key, "v:<json>" set values, "i:<n>" list
// indexes, "." the node itself), for the two places a comparison needs it:
//  - DropUnsetOwnedFields: a server-side apply removes the fields only its manager owns that the new
//    configuration no longer sets — so a field dropped from Git shows as a difference;
//  - RemoveConflictingFields: ignoreDifferences' managedFieldsManagers take the fields those managers
//    own and that differ out of both sides (spec §7.1 step 2).
//
// Thread safety: pure functions.

#ifndef CAPSTAN_DIFF_MANAGED_FIELDS_H_
#define CAPSTAN_DIFF_MANAGED_FIELDS_H_

#include <functional>
#include <string>
#include <string_view>

#include "base/json.h"

namespace capstan::diff {

// The union of the fieldsV1 trees of |live|'s managedFields entries whose manager satisfies
// |select| (an empty object when none).
base::Json OwnedFields(const base::Json& live, const std::function<bool(std::string_view manager)>& select);

// Removes from |predicted| each field |owned| names that |target| does not set and |others| (the
// other managers' union) does not name either. A field someone else also owns stays; inside it the
// walk goes on.
void DropUnsetOwnedFields(const base::Json& owned, const base::Json& others, const base::Json& target,
                          base::Json& predicted);

// The server-side diff's webhook filter (spec §7.4): every field of |predicted| (a dry-run's answer)
// that |owned| (the field manager's fields in |predicted|) does not name gets |live|'s value back,
// or is removed when |live| has none; list items are walked only where |owned| names them.
void RevertUnownedFields(const base::Json& owned, const base::Json& live, base::Json& predicted);

// Removes from both |target| and |live| each field |owned| names that both set to different values.
void RemoveConflictingFields(const base::Json& owned, base::Json& target, base::Json& live);

}  // namespace capstan::diff

#endif  // CAPSTAN_DIFF_MANAGED_FIELDS_H_
