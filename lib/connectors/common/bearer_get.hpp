#pragma once
// The GET every bearer-token vendor call makes: JSON accepted, `Authorization: Bearer
// <credential>`, retried under the source's policy within min(deadline, now + the source's
// timeout).
#include "connectors/common/connector.hpp"

namespace runhub::connectors {

// The whole answer on a 2xx; a classified connector_error otherwise.
boost::asio::awaitable<outcome<http::client_response>> bearer_get(const source_config& src,
                                                                  const connector_deps& deps,
                                                                  std::string url,
                                                                  clock::time_point deadline);

}  // namespace runhub::connectors
