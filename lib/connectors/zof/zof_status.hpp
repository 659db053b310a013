#pragma once
// Zof's run status vocabulary mapped onto model::run_status.
// Documented (vendor-docs Runs API): terminal passed, failed, error, canceled; cancel works on
// "queued or running" runs (those two strings are not listed as enum values: assumed).
#include <string_view>

#include "model/run_status.hpp"

namespace runhub::connectors::zof {

struct status_row {
    model::run_status status;
    bool terminal;
};

// An unknown value maps to {error, not terminal} and is logged once per distinct value.
status_row map_status(std::string_view vendor_status);

// The Zof value a model status is written as in the `status` filter; nullopt-like "" when the
// model status has no Zof value (stale).
std::string_view vendor_value(model::run_status s);

}  // namespace runhub::connectors::zof
