#pragma once
// The run's failures as JUnit XML (what CI systems show), written atomically.
#include <string>
#include <string_view>
#include <vector>

#include "gate/gate_answers.hpp"

namespace runhub::service::ci_gate {

// A test case the gate adds itself (e.g. "the failures could not be read").
struct synthetic_error {
    std::string name, message;
};

// Escapes for XML 1.0 text and attribute values: markup characters as entities, line breaks
// and tabs as character references (kept in attributes), characters XML cannot carry at all
// (other C0 controls, U+FFFE/U+FFFF) and bytes that are not UTF-8 as U+FFFD.
std::string xml_escape(std::string_view s);

// One <testsuite> for the run: a <testcase> with a <failure> per failed test, one with an
// <error> per synthetic error; tests = the run's total (at least the cases listed).
std::string junit_xml(const run_view& run, const std::vector<failure_view>& failures,
                      const std::vector<synthetic_error>& errors);

// Written beside `path` and renamed over it, so a reader never sees half a file. false with
// `why` on failure.
bool write_file(const std::string& path, const std::string& text, std::string& why);

}  // namespace runhub::service::ci_gate
