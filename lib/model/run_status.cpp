#include "model/run_status.hpp"

namespace runhub::model {

std::string_view to_string(run_status s) {
    switch (s) {
        case run_status::queued:
            return "queued";
        case run_status::running:
            return "running";
        case run_status::passed:
            return "passed";
        case run_status::failed:
            return "failed";
        case run_status::error:
            return "error";
        case run_status::canceled:
            return "canceled";
        case run_status::stale:
            return "stale";
    }
    return "error";
}

std::optional<run_status> parse_run_status(std::string_view s) {
    for (auto v : {run_status::queued, run_status::running, run_status::passed, run_status::failed,
                   run_status::error, run_status::canceled, run_status::stale})
        if (to_string(v) == s) return v;
    return std::nullopt;
}

}  // namespace runhub::model
