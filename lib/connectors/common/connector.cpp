#include "connectors/common/connector.hpp"

#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace runhub::connectors {

connector_error to_connector_error(const http::client_result& r) {
    connector_error e;
    e.kind = r.error;
    e.detail = r.detail;
    if (r.response) {
        e.http_status = r.response->status;
        e.not_found = r.response->status == 404;
    }
    return e;
}

namespace {
connector_error cannot(std::string_view vendor, std::string_view what) {
    connector_error e;
    e.kind = http::upstream_error_kind::client;
    e.unsupported = true;
    e.message = std::string(vendor) + " cannot " + std::string(what) + " through its API";
    return e;
}
}  // namespace

boost::asio::awaitable<outcome<trigger_result>> connector::trigger(trigger_request,
                                                                   clock::time_point) {
    co_return outcome<trigger_result>::failure(cannot(source().vendor, "start runs"));
}

boost::asio::awaitable<outcome<serialized_run>> connector::get_json(std::string native_id,
                                                                    clock::time_point deadline,
                                                                    bool include_raw) {
    auto got = co_await get(std::move(native_id), deadline);
    if (!got.ok()) co_return outcome<serialized_run>::failure(std::move(got.error));
    auto out = outcome<serialized_run>::success(
        serialized_run{model::serialize_run(*got.value, include_raw), {}});
    out.cache = std::move(got.cache);
    co_return out;
}

boost::asio::awaitable<outcome<model::run>> connector::cancel(std::string, clock::time_point) {
    co_return outcome<model::run>::failure(cannot(source().vendor, "cancel runs"));
}

outcome<webhook_event> connector::read_webhook(const http::header_fields&, std::string_view,
                                               std::string_view) const {
    return outcome<webhook_event>::failure(cannot(source().vendor, "send webhooks runhub reads"));
}

connector_error invalid_target(std::string_view vendor, std::string field, std::string message) {
    connector_error e;
    e.kind = http::upstream_error_kind::client;
    e.invalid = true;
    e.field = std::move(field);
    e.message = std::move(message);
    e.detail = std::string(vendor) + ": " + e.field + ": " + e.message;
    return e;
}

std::string encode_component(std::string_view s) {
    return boost::urls::encode(s, boost::urls::unreserved_chars);
}

std::string join_url(std::string_view base_url, std::string_view path) {
    while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
    return std::string(base_url) + std::string(path);
}

}  // namespace runhub::connectors
