#include "http/header_fields.hpp"

#include <algorithm>

namespace runhub::http {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

void header_fields::add(std::string name, std::string value) {
    fields_.push_back({std::move(name), std::move(value)});
}

void header_fields::set(std::string_view name, std::string value) {
    std::erase_if(fields_, [&](const header_field& f) { return iequals(f.name, name); });
    fields_.push_back({std::string(name), std::move(value)});
}

std::optional<std::string_view> header_fields::get(std::string_view name) const {
    for (const auto& f : fields_)
        if (iequals(f.name, name)) return std::string_view(f.value);
    return std::nullopt;
}

}  // namespace runhub::http
