#pragma once
// Buildkite Test Engine run status: two dimensions, `state` (running | finished) and `result`
// (pending | passed | failed | stale), mapped together (vendor-docs "Runs API"):
//
// | state \ result | pending        | passed         | failed        | stale        |
// |----------------|----------------|----------------|---------------|--------------|
// | running        | running        | running        | failed (open) | stale (open) |
// | finished       | stale (assumed)| passed         | failed        | stale        |
//
// "open" = not terminal: a running run may still receive uploads (a failed result never changes
// back, but its counts may). A finished run is terminal, although Buildkite says it may return to
// running when more results arrive: polling catches that. Anything else -> error, not terminal,
// logged once per distinct pair.
#include <string_view>

#include "model/run_status.hpp"

namespace runhub::connectors::buildkite {

struct status_row {
    model::run_status status;
    bool terminal;
};

status_row map_status(std::string_view state, std::string_view result);

}  // namespace runhub::connectors::buildkite
