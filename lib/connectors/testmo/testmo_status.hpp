#pragma once
// Testmo automation run status (vendor-notes §3.4): an integer, 2 success, 3 failure, 4 running,
// read together with `is_completed` (true after /complete):
//
// | status \ is_completed | false             | true            |
// |-----------------------|-------------------|-----------------|
// | 2 success             | running           | passed          |
// | 3 failure             | failed (open)     | failed          |
// | 4 running             | running           | error (unknown) |
//
// "open" = not terminal yet: more results may be appended, but a failure stays a failure.
// Anything else -> error, not terminal, logged once per distinct value.
#include <cstdint>
#include <vector>

#include "model/run_status.hpp"

namespace runhub::connectors::testmo {

struct status_row {
    model::run_status status;
    bool terminal;
};

status_row map_status(std::int64_t status, bool is_completed);

// The Testmo status values whose runs may map to `s` (for the native `status` filter); empty
// when none can (queued, canceled, stale), all values are not narrowed for `error`.
std::vector<int> vendor_values(model::run_status s);

}  // namespace runhub::connectors::testmo
