#include "connectors/common/bearer_get.hpp"

#include <algorithm>

namespace runhub::connectors {

// `src` and `deps` are members of the calling connector, which outlives the call it awaits.
boost::asio::awaitable<outcome<http::client_response>> bearer_get(const source_config& src,
                                                                  const connector_deps& deps,
                                                                  std::string url,
                                                                  clock::time_point deadline) {
    using result = outcome<http::client_response>;
    const auto d = std::min(deadline, clock::now() + src.timeout);
    http::client_request req;
    req.method = "GET";
    req.url = std::move(url);
    req.headers.set("Authorization", "Bearer " + src.credential);
    req.headers.set("Accept", "application/json");
    auto r = co_await deps.client->send_with_retry(req, d, deps.retry);
    if (!r.ok()) co_return result::failure(to_connector_error(r));
    co_return result::success(std::move(*r.response));
}

}  // namespace runhub::connectors
