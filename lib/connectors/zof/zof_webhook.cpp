#include "connectors/zof/zof_webhook.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>
#include <vector>

#include "connectors/zof/zof_mapping.hpp"

namespace runhub::connectors::zof {

namespace {

connector_error unauthorized(std::string detail) {
    connector_error e;
    e.kind = http::upstream_error_kind::client;
    e.unauthorized = true;
    e.detail = "zof webhook: " + std::move(detail);
    return e;
}

connector_error malformed(std::string detail) {
    connector_error e;
    e.kind = http::upstream_error_kind::malformed;
    e.detail = "zof webhook: " + std::move(detail);
    return e;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The bytes of a hex text, or empty when it is not one.
std::vector<unsigned char> from_hex(std::string_view hex) {
    std::vector<unsigned char> out;
    if (hex.size() % 2 != 0) return out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
        if (hi < 0 || lo < 0) return {};
        out.push_back(static_cast<unsigned char>(hi * 16 + lo));
    }
    return out;
}

bool signature_ok(std::string_view header, std::string_view body, std::string_view secret) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
              reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len))
        return false;
    auto given = from_hex(header);
    if (given.size() != len) return false;
    return CRYPTO_memcmp(given.data(), mac, len) == 0;
}

}  // namespace

outcome<webhook_event> read_webhook(const http::header_fields& h, std::string_view body,
                                    std::string_view secret, std::string_view source) {
    auto sig = h.get("X-Zof-Signature");
    if (!sig) return outcome<webhook_event>::failure(unauthorized("no X-Zof-Signature"));
    if (secret.empty() || !signature_ok(*sig, body, secret))
        return outcome<webhook_event>::failure(unauthorized("the signature does not match"));

    boost::system::error_code ec;
    auto doc = boost::json::parse(body, ec);
    if (ec || !doc.is_object()) return outcome<webhook_event>::failure(malformed("not an object"));
    const auto& o = doc.get_object();
    const auto* id = o.if_contains("id");
    const auto* type = o.if_contains("type");
    if (!id || !id->is_string() || id->get_string().empty() || !type || !type->is_string())
        return outcome<webhook_event>::failure(malformed("no id or type"));
    webhook_event ev;
    ev.id = std::string(id->get_string());
    if (type->get_string() != "run.completed" && type->get_string() != "run.failed")
        return outcome<webhook_event>::success(std::move(ev));
    const auto* data = o.if_contains("data");
    const boost::json::value* object = nullptr;
    if (data && data->is_object()) object = data->get_object().if_contains("object");
    if (!object) return outcome<webhook_event>::failure(malformed("no data.object"));
    auto run = map_run(*object, source);
    if (!run.ok()) return outcome<webhook_event>::failure(std::move(run.error));
    ev.run = std::move(*run.value);
    return outcome<webhook_event>::success(std::move(ev));
}

}  // namespace runhub::connectors::zof
