#pragma once
// A one-shot HTTPS GET for tests, with real verification: the CA file, verify_peer, SNI and
// host-name verification against `verify_name`. Throws std::runtime_error naming the failing
// step ("handshake: certificate verify failed", ...).
#include <cstdint>
#include <string>

#include "common/http_client.hpp"

namespace runhub::test {

struct https_request {
    std::uint16_t port = 0;
    std::string target = "/";
    std::string ca_file;                    // "" = trust nothing
    std::string verify_name = "127.0.0.1";  // checked against the certificate
};

http_reply https_get(const https_request& r);

}  // namespace runhub::test
