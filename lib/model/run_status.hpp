#pragma once
// The normalized run status. Each connector maps its vendor's vocabulary onto it (one table per
// connector, tested row by row); an unknown vendor value maps to `error`.
#include <optional>
#include <string_view>

namespace runhub::model {

enum class run_status { queued, running, passed, failed, error, canceled, stale };

std::string_view to_string(run_status s);
// nullopt for anything but the seven names above (as sent by API callers in ?status=).
std::optional<run_status> parse_run_status(std::string_view s);

}  // namespace runhub::model
