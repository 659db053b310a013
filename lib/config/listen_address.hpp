#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace runhub::config {

struct listen_address {
    std::string host;  // an IP literal, without brackets
    std::uint16_t port = 0;
};

// "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:0". Returns nullopt on anything else (no host names:
// a listener binds an address, and resolving one at start-up would hide typos).
std::optional<listen_address> parse_listen_address(std::string_view text);

}  // namespace runhub::config
