#include "config/listen_address.hpp"

#include <boost/asio/ip/address.hpp>
#include <charconv>

namespace runhub::config {

std::optional<listen_address> parse_listen_address(std::string_view text) {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    std::string_view host = text.substr(0, colon);
    std::string_view port = text.substr(colon + 1);
    if (host.front() == '[') {
        if (host.size() < 3 || host.back() != ']') return std::nullopt;
        host = host.substr(1, host.size() - 2);
    }
    boost::system::error_code ec;
    boost::asio::ip::make_address(std::string(host), ec);
    if (ec) return std::nullopt;
    unsigned value = 0;
    auto [ptr, err] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || err != std::errc() || ptr != port.data() + port.size() || value > 65535)
        return std::nullopt;
    return listen_address{std::string(host), static_cast<std::uint16_t>(value)};
}

}  // namespace runhub::config
