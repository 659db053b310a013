#pragma once
// Reads typed fields out of untrusted JSON while collecting every problem with its key path,
// so that `runhub serve --check` can report all of them at once.
#include <boost/json/fwd.hpp>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace runhub::config {

struct problem {
    std::string path;  // "limits.max_body_bytes", "sources[2].name"
    std::string message;
};

class json_reader {
  public:
    json_reader(const boost::json::object& obj, std::string path, std::vector<problem>& problems);

    // Each reads `key` if present; a wrong type or range adds a problem and leaves `out` as is.
    void read(std::string_view key, std::string& out);
    void read(std::string_view key, bool& out);
    void read(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max);
    // Calls `f(reader)` for a nested object.
    template <class F>
    void nested(std::string_view key, F&& f);

    // Reports every key never asked for: a typo must not pass silently.
    void reject_unknown();

    std::string path_of(std::string_view key) const;
    std::size_t problem_count() const { return problems_.size(); }
    void add_problem(std::string_view key, std::string message);
    const boost::json::value* find(std::string_view key);

  private:
    const boost::json::object& obj_;
    std::string path_;
    std::vector<problem>& problems_;
    std::set<std::string, std::less<>> seen_;
};

}  // namespace runhub::config

#include <boost/json/object.hpp>

template <class F>
void runhub::config::json_reader::nested(std::string_view key, F&& f) {
    const boost::json::value* v = find(key);
    if (!v) return;
    if (!v->is_object()) {
        add_problem(key, "must be an object");
        return;
    }
    json_reader inner(v->get_object(), path_of(key), problems_);
    f(inner);
    inner.reject_unknown();
}
