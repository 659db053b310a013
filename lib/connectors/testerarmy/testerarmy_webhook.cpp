#include "connectors/testerarmy/testerarmy_webhook.hpp"

#include <openssl/crypto.h>

#include <boost/json.hpp>

#include "connectors/testerarmy/testerarmy_mapping.hpp"

namespace runhub::connectors::testerarmy {

namespace {

connector_error webhook_error(http::upstream_error_kind kind, bool unauthorized,
                              std::string detail) {
    connector_error e;
    e.kind = kind;
    e.unauthorized = unauthorized;
    e.detail = "testerarmy webhook: " + std::move(detail);
    return e;
}

bool same_secret(std::string_view given, std::string_view secret) {
    if (secret.empty() || given.size() != secret.size()) return false;
    return CRYPTO_memcmp(given.data(), secret.data(), secret.size()) == 0;
}

}  // namespace

outcome<webhook_event> read_webhook(const http::header_fields& h, std::string_view body,
                                    std::string_view secret, std::string_view source) {
    auto given = h.get("X-TesterArmy-Webhook-Secret");
    if (!given || !same_secret(*given, secret))
        return outcome<webhook_event>::failure(webhook_error(
            http::upstream_error_kind::client, true, "wrong or missing webhook secret"));
    boost::system::error_code ec;
    auto doc = boost::json::parse(body, ec);
    if (ec)
        return outcome<webhook_event>::failure(
            webhook_error(http::upstream_error_kind::malformed, false, "not JSON"));
    auto mapped = map_run(doc, source);
    if (!mapped.run)
        return outcome<webhook_event>::failure(
            webhook_error(http::upstream_error_kind::malformed, false, mapped.problem));
    webhook_event ev;
    ev.id = mapped.run->native_id + ":" + mapped.run->vendor_status;
    ev.run = std::move(*mapped.run);
    return outcome<webhook_event>::success(std::move(ev));
}

}  // namespace runhub::connectors::testerarmy
