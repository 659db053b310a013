#pragma once
// A Testmo API error before it is rendered: {"message": …, "errors": {field: [messages]}}.
#include <string>
#include <utility>
#include <vector>

namespace runhub::sandbox::testmo {

struct api_error {
    int status = 422;
    std::string message;
    std::vector<std::pair<std::string, std::string>> errors;  // (field, message)
};

inline api_error invalid_field(std::string field, std::string message) {
    return {422, "The given data was invalid.", {{std::move(field), std::move(message)}}};
}

}  // namespace runhub::sandbox::testmo
