#include "connectors/sofy/sofy_webhook.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <boost/json.hpp>
#include <cctype>

#include "connectors/common/json_access.hpp"
#include "connectors/sofy/sofy_mapping.hpp"
#include "connectors/sofy/sofy_status.hpp"

namespace runhub::connectors::sofy {

namespace {

connector_error webhook_error(http::upstream_error_kind kind, bool unauthorized,
                              std::string detail) {
    connector_error e;
    e.kind = kind;
    e.unauthorized = unauthorized;
    e.detail = "sofy webhook: " + std::move(detail);
    return e;
}

outcome<webhook_event> malformed(std::string detail) {
    return outcome<webhook_event>::failure(
        webhook_error(http::upstream_error_kind::malformed, false, std::move(detail)));
}

// The token of "Bearer <token>" (scheme case-insensitive), else nullopt.
std::optional<std::string_view> bearer_token(std::string_view value) {
    constexpr std::string_view scheme = "bearer ";
    if (value.size() <= scheme.size()) return std::nullopt;
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(value[i])) != scheme[i]) return std::nullopt;
    return value.substr(scheme.size());
}

bool same_secret(std::string_view given, std::string_view secret) {
    if (secret.empty() || given.size() != secret.size()) return false;
    return CRYPTO_memcmp(given.data(), secret.data(), secret.size()) == 0;
}

std::string sha256_hex(std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr)) return {};
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out += digits[md[i] >> 4];
        out += digits[md[i] & 0xF];
    }
    return out;
}

}  // namespace

bool is_group_id(std::string_view id) {
    if (id.empty() || id.size() > 128) return false;
    for (char c : id)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    return true;
}

outcome<webhook_event> read_webhook(const http::header_fields& h, std::string_view body,
                                    std::string_view secret, std::string_view source) {
    auto auth = h.get("Authorization");
    std::optional<std::string_view> token = auth ? bearer_token(*auth) : std::nullopt;
    if (!token || !same_secret(*token, secret))
        return outcome<webhook_event>::failure(webhook_error(
            http::upstream_error_kind::client, true, "wrong or missing Authorization token"));

    auto doc = parse_json(body);
    if (!doc || !doc->is_object()) return malformed("not a JSON object");
    auto event = get_string(*doc, "event");
    if (!event) return malformed("no event");
    auto timestamp = get_string(*doc, "timestamp").value_or("");
    const boost::json::value* data = member(*doc, "data");
    webhook_event ev;
    if (*event != "test_completion") {
        ev.id = "other:" + sha256_hex(body);
        return outcome<webhook_event>::success(std::move(ev));  // not one runhub reads
    }
    if (!data || !data->is_object()) return malformed("test_completion without data");
    auto test_id = get_id(*data, "test_id");
    auto status = get_string(*data, "status");
    if (!test_id || !status || status->empty()) return malformed("no data.test_id or data.status");
    if (!is_group_id(*test_id) && !parse_group_native_id(*test_id))
        return malformed("data.test_id is neither a test-run group id nor a run id of runhub");

    // Sofy sends no event id: the same completion delivered twice says the same three things.
    ev.id = "tc:" + sha256_hex(*test_id + "\n" + *status + "\n" + timestamp);
    model::run r;
    r.source = std::string(source);
    r.vendor = "sofy";
    r.native_id = *test_id;
    r.id = model::make_run_id(source, r.native_id);
    const status_mapping m = map_status(*status);
    r.status = m.status;
    r.terminal = m.terminal;
    r.vendor_status = *status;
    ev.run = std::move(r);
    ev.refresh = true;
    return outcome<webhook_event>::success(std::move(ev));
}

}  // namespace runhub::connectors::sofy
