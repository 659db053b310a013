#pragma once
// One cached value as every store holds it: the serialized bytes (e.g. the JSON of a run or a
// page), when they were stored, until when they are fresh and until when they may still be
// served stale, and their ETag.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace runhub::cache {

// Wall-clock time: entries are shared across replicas (Redis), so their instants must mean the
// same thing in every process. Injected everywhere as a clock function so tests are exact.
using time_point = std::chrono::system_clock::time_point;
using clock_fn = std::function<time_point()>;
inline time_point system_now() { return std::chrono::system_clock::now(); }

struct entry {
    std::string value;  // the serialized bytes
    // make_etag(value), unquoted; empty when its producer asked for none (a list page: an
    // answer made of pages is tagged by its own bytes), and a store that must keep one (Redis)
    // makes it then.
    std::string etag;
    // A second serialized form of the same value that its producer kept alongside (for a run:
    // its JSON without the vendor's raw object, as most answers send it), with its ETag; both
    // empty when there is none. Held by this process only: a store shared with other
    // processes keeps `value` alone, and readers fall back to deriving it from `value`.
    std::string variant;
    std::string variant_etag;
    time_point stored_at{};  // when fetched from upstream
    time_point fresh_until{};
    time_point stale_until{};  // >= fresh_until; the store drops the entry after it

    bool fresh(time_point now) const { return now < fresh_until; }
    bool servable_stale(time_point now) const { return now < stale_until; }
    // now - stored_at, never negative (the header `Age` of RFC 9111).
    std::chrono::seconds age(time_point now) const;
};

// A strong validator of the bytes: SHA-256, first 16 bytes, base64url without padding
// (22 characters). Same bytes, same tag; any change of the bytes changes it.
std::string make_etag(std::string_view bytes);

// The tag as the ETag header carries it: "\"<tag>\"".
std::string quoted_etag(std::string_view etag);

// An entry for `value` (and its `variant`, if any) stored at `now`: fresh for `ttl`, then
// servable stale for `stale_window` more. Computes the ETags, unless `tagged` is false (then
// `etag` stays empty: SHA-256 of bytes that no answer sends as they are is wasted work).
std::shared_ptr<const entry> make_entry(std::string value, time_point now,
                                        std::chrono::milliseconds ttl,
                                        std::chrono::milliseconds stale_window,
                                        std::string variant = {}, bool tagged = true);

}  // namespace runhub::cache
