#pragma once
// Binds a cursor to the query it was made for: a digest of the normalized filters, the set of
// selected sources and the API key's identity. A cursor presented with any other of these is
// refused (cursor_error::query_mismatch).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/common/connector.hpp"

namespace runhub::aggregate {

using query_binding = std::array<std::uint8_t, 16>;

// Order and repetition of statuses and sources do not matter; everything else does.
query_binding bind_query(const connectors::list_query& q, std::vector<std::string> sources,
                         std::string_view key_identity);

}  // namespace runhub::aggregate
