#pragma once
// Checked bodies of Testmo's write endpoints: create run, append to run, create thread, append
// to thread (with test results), complete run, complete thread. Malformed JSON is a 400; a
// field of the wrong shape is a 422 naming it ("tests.3.status").
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sandbox/testmo/testmo_error.hpp"
#include "sandbox/testmo/testmo_run.hpp"

namespace runhub::sandbox::testmo {

struct attachments {
    std::vector<std::string> artifacts, fields, links;  // serialized JSON objects
};

struct create_run_request {
    std::string name;
    std::string source;  // source name; a new name creates the source
    std::optional<std::int64_t> config_id, milestone_id;
    std::optional<std::string> config, milestone;  // by name
    std::vector<std::string> tags;
    attachments extra;
};

struct submitted_test {
    std::string key;  // "" = derived from the name
    std::string name;
    std::string folder;
    int status_id = 1;
    std::int64_t elapsed_us = 0;
    std::string file;
    std::optional<std::int64_t> line;
};

struct thread_request {
    std::optional<std::int64_t> elapsed_observed, elapsed_computed;  // microseconds
    attachments extra;
    std::vector<submitted_test> tests;  // append only
};

std::variant<create_run_request, api_error> parse_create_run(std::string_view body);
std::variant<attachments, api_error> parse_run_append(std::string_view body);
// `with_tests`: thread append (tests allowed) vs thread create/complete.
std::variant<thread_request, api_error> parse_thread_body(std::string_view body, bool with_tests);
// {"measure_elapsed": bool}; an empty body is {}.
std::variant<bool, api_error> parse_complete_run(std::string_view body);

// Appends serialized objects to a JSON array text ("[]" → "[{…}]").
std::string append_json_array(const std::string& array_text, const std::vector<std::string>& items);

}  // namespace runhub::sandbox::testmo
