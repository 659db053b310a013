#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runhub::http {

struct header_field {
    std::string name;
    std::string value;
};

// An ordered list of header fields with case-insensitive look-up (RFC 9110 §5.1).
class header_fields {
  public:
    void add(std::string name, std::string value);
    // Replaces every field of that name with one field.
    void set(std::string_view name, std::string value);
    std::optional<std::string_view> get(std::string_view name) const;
    const std::vector<header_field>& all() const { return fields_; }
    bool empty() const { return fields_.empty(); }

  private:
    std::vector<header_field> fields_;
};

bool iequals(std::string_view a, std::string_view b);

}  // namespace runhub::http
