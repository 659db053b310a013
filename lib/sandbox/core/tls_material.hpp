#pragma once
// TLS for `runhub sandbox --tls`: a CA and a server certificate generated at start with
// OpenSSL 3 (EC P-256 keys, SHA-256 signatures), the server's SANs IP:127.0.0.1 and
// DNS:localhost, so that clients verify the sandbox for real with the CA file it writes.
#include <chrono>
#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace runhub::sandbox {

struct tls_material {
    std::string ca_cert_pem;      // give this to clients (--ca-out writes it)
    std::string server_cert_pem;  // signed by the CA
    std::string server_key_pem;   // PKCS#8, unencrypted, never written to disk
};

// Throws std::runtime_error with OpenSSL's reason when generation fails.
tls_material generate_tls_material(std::chrono::hours valid_for = std::chrono::hours(24 * 30));

// Writes text to `path` (created or replaced). Throws std::runtime_error on failure.
void write_text_file(const std::string& path, const std::string& text);

// A TLS 1.2+ server context presenting the server certificate and the CA as its chain.
std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(const tls_material& m);

}  // namespace runhub::sandbox
