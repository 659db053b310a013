#include "aggregate/source_status.hpp"

namespace runhub::aggregate {

std::string_view to_string(source_status s) {
    switch (s) {
        case source_status::ok:
            return "ok";
        case source_status::error:
            return "error";
        case source_status::timeout:
            return "timeout";
        case source_status::skipped:
            return "skipped";
        case source_status::stale:
            return "stale";
    }
    return "error";
}

}  // namespace runhub::aggregate
