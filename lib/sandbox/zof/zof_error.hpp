#pragma once
// A Zof API error before it is rendered: HTTP status and the fields of Zof's error object.
#include <string>

namespace runhub::sandbox::zof {

struct api_error {
    int status = 400;
    std::string code;  // "invalid_request", "not_found", …
    std::string message;
    std::string param;  // the offending field; "" when none
};

}  // namespace runhub::sandbox::zof
