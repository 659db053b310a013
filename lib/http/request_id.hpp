#pragma once
#include <string>
#include <string_view>

namespace runhub::http {

// A caller's X-Request-Id is kept when it is 1..128 characters of [A-Za-z0-9._:-]; anything
// else (empty, too long, control bytes that would forge log lines) is replaced.
bool acceptable_request_id(std::string_view id);

// 32 lowercase hex characters from a per-thread PRNG seeded from std::random_device.
std::string generate_request_id();

}  // namespace runhub::http
