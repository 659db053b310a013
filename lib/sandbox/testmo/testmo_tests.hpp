#pragma once
// The test rows of an automation run (GET /automation/runs/{id}/tests): submitted ones, or
// generated from the counters of runs the seed made; then filtered, sorted and paged.
#include <vector>

#include "sandbox/testmo/testmo_query.hpp"
#include "sandbox/testmo/testmo_run.hpp"

namespace runhub::sandbox::testmo {

std::vector<test_record> run_tests(const run_record& r);
// Filters by thread_id / status_id and sorts as the query asks (ties by id).
std::vector<test_record> select_tests(std::vector<test_record> rows, const test_list_query& q);

}  // namespace runhub::sandbox::testmo
