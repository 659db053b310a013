#pragma once
// The sandbox's own routes on every vendor port, under /_sandbox and without vendor auth:
//   GET  /_sandbox/info    {"vendor", "base_url", "auth": {"header", "value"}, "scope": {...}}
//   GET  /_sandbox/stats   {"total", "by_route", "recent": [...]}
//   GET  /_sandbox/faults  the current faults (every key)
//   POST /_sandbox/faults  replaces the faults; {} clears them; bad input -> 400
//   POST /_sandbox/reset   data back to the seed, stats, faults and rate window cleared
//   GET  /_sandbox/clock   {"now"}; POST {"advance_ms": N} moves the sandbox clock forward
// Errors use runhub's envelope {"error": {"code", "message", "request_id"}}.
#include <memory>

#include "http/router.hpp"
#include "sandbox/core/port_state.hpp"

namespace runhub::sandbox {

void add_control_routes(http::router& r, std::shared_ptr<port_state> port);

}  // namespace runhub::sandbox
