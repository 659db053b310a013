#pragma once
// A secret named in the configuration as {"env": "NAME"} or {"file": "/path"} and resolved when
// the configuration is loaded. Secrets never sit inline in the file, and the value is never
// printed: `origin` ("env RUNHUB_ZOF_TOKEN", "file /run/secrets/zof") is what logs may show.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "config/json_reader.hpp"

namespace runhub::config {

struct secret {
    std::string origin;  // safe to log
    std::string value;   // never logged
    bool empty() const { return value.empty(); }
};

// Looks an environment variable up; injectable so tests need not touch the process environment.
using env_lookup = std::function<std::optional<std::string>(std::string_view name)>;
env_lookup process_env();

// Reads `key` of the reader's object as a secret reference and resolves it. Absent: `out`
// untouched. An inline string, an unset variable, an unreadable or empty file: a problem at the
// key's path that names the variable or file but never the value. A file's trailing newlines
// (as `echo` and Kubernetes secrets leave them) are dropped.
void read_secret(json_reader& r, std::string_view key, const env_lookup& env,
                 std::optional<secret>& out);

}  // namespace runhub::config
