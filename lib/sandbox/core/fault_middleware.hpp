#pragma once
// Wraps one vendor route: counts it in the port's stats, waits the injected latency, answers
// 429 over the rate limit, then either injects the decided fault or calls the vendor's handler
// (and corrupts its answer for `malformed`/`truncate`). The only waiting in the sandbox.
#include <memory>
#include <string>

#include "http/router.hpp"
#include "sandbox/core/port_state.hpp"

namespace runhub::sandbox {

http::handler guard_route(std::shared_ptr<port_state> port, const std::string& method,
                          const std::string& pattern, http::handler inner);

}  // namespace runhub::sandbox
