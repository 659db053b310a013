#include "http/request.hpp"

namespace runhub::http {

std::string_view request::param(std::string_view name) const {
    auto it = params.find(name);
    return it == params.end() ? std::string_view() : std::string_view(it->second);
}

}  // namespace runhub::http
