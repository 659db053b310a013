#include "aggregate/cursor_state.hpp"

namespace runhub::aggregate {

watermark watermark_of(const model::run& r) { return {r.created_at, r.id}; }

bool after_watermark(const model::run& r, const watermark& w) {
    // Mirrors model::newer_first(w, r): created_at descending with missing last, then id desc.
    if (r.created_at != w.created_at) {
        if (!w.created_at) return false;
        if (!r.created_at) return true;
        return *r.created_at < *w.created_at;
    }
    return r.id < w.id;
}

}  // namespace runhub::aggregate
