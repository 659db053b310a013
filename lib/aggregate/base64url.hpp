#pragma once
// base64url without padding (RFC 4648 §5), strict: one text per byte string.
#include <optional>
#include <string>
#include <string_view>

namespace runhub::aggregate {

std::string base64url_encode(std::string_view bytes);

// nullopt for anything encode() cannot produce: characters outside [A-Za-z0-9_-], padding,
// a length of 1 mod 4, or non-zero unused bits in the last character.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace runhub::aggregate
