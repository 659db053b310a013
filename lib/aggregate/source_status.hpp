#pragma once
// How one source fared in a list answer (the `sources` member of GET /v1/runs).
#include <optional>
#include <string>
#include <string_view>

#include "connectors/common/connector.hpp"

namespace runhub::aggregate {

enum class source_status {
    ok,       // every page asked of it arrived
    error,    // a call failed (its error says how); its runs are missing from this answer
    timeout,  // a call passed its deadline; its runs are missing from this answer
    skipped,  // not asked: it had nothing left for this walk
    stale,    // it failed, and the cache answered with runs it held from before (error says why)
};

std::string_view to_string(source_status s);

struct source_report {
    std::string name;
    source_status status = source_status::skipped;
    std::optional<connectors::connector_error> error;  // set for error, timeout and stale
};

}  // namespace runhub::aggregate
