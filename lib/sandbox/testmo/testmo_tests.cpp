#include "sandbox/testmo/testmo_tests.hpp"

#include <algorithm>

#include "sandbox/testmo/testmo_data.hpp"

namespace runhub::sandbox::testmo {

std::vector<test_record> run_tests(const run_record& r) {
    std::vector<test_record> out = r.tests;
    for (const auto& t : r.threads) {
        const bool submitted =
            std::any_of(r.tests.begin(), r.tests.end(),
                        [&](const test_record& x) { return x.thread_id == t.id; });
        // Threads a reporter filled carry their submitted tests; the others are generated.
        if (!submitted && !r.client_driven) {
            auto gen = generated_tests(r, t);
            out.insert(out.end(), gen.begin(), gen.end());
        }
    }
    return out;
}

std::vector<test_record> select_tests(std::vector<test_record> rows, const test_list_query& q) {
    auto in = [](const std::vector<std::int64_t>& set, std::int64_t v) {
        return set.empty() || std::find(set.begin(), set.end(), v) != set.end();
    };
    std::erase_if(rows, [&](const test_record& t) {
        if (!in(q.thread_ids, t.thread_id)) return true;
        if (!q.status_ids.empty() && (!t.status_id || !in(q.status_ids, *t.status_id))) return true;
        return false;
    });
    auto key_less = [&](const test_record& a, const test_record& b) {
        if (q.sort == "name" && a.name != b.name) return a.name < b.name;
        if (q.sort == "status" && a.status_id != b.status_id) return a.status_id < b.status_id;
        if (q.sort == "elapsed" && a.elapsed_us != b.elapsed_us) return a.elapsed_us < b.elapsed_us;
        if (q.sort == "created_at" && a.created_at != b.created_at)
            return a.created_at < b.created_at;
        return a.id < b.id;
    };
    std::sort(rows.begin(), rows.end(), [&](const test_record& a, const test_record& b) {
        return q.ascending ? key_less(a, b) : key_less(b, a);
    });
    return rows;
}

}  // namespace runhub::sandbox::testmo
