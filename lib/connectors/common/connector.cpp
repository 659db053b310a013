#include "connectors/common/connector.hpp"

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

std::string join_url(std::string_view base_url, std::string_view path) {
    while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
    return std::string(base_url) + std::string(path);
}

}  // namespace runhub::connectors
