#pragma once
// Why a cursor was refused. Every one of them is the caller's fault: the facade answers 400.
#include <boost/system/error_code.hpp>
#include <type_traits>

namespace runhub::aggregate {

enum class cursor_error {
    malformed = 1,    // not base64url, truncated, or not the layout of its version
    unknown_version,  // a layout this server does not read
    bad_signature,    // the HMAC does not match: forged or altered
    query_mismatch,   // made for other filters, other sources or another API key
};

const boost::system::error_category& cursor_category();
boost::system::error_code make_error_code(cursor_error e);

}  // namespace runhub::aggregate

template <>
struct boost::system::is_error_code_enum<runhub::aggregate::cursor_error> : std::true_type {};
